package dev.cpdb.database;

/**
 * Where a connection path goes, without credentials: safe to log and to show in status.
 */
public record DatabaseEndpoint(String host, int port, String database, String user) {
}
