package dev.cpdb.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jboss.logging.Logger;

import dev.cpdb.InvalidConfigurationException;

/**
 * Refuses a database whose encoding cannot hold every text cpdb stores. cpdb stores whatever Unicode its clients send
 * (names, titles, secrets); only a UTF8 database holds all of it. SQL_ASCII is refused too: it stores bytes without
 * checking them, so lengths, case folding and sorting treat multi-byte characters as separate bytes, and what another
 * client writes there need not be UTF-8 at all.
 *
 * <p>
 * Blocking (JDBC on the direct path); called once from start-up code.
 */
final class ServerEncoding {

    private static final Logger LOG = Logger.getLogger(ServerEncoding.class);

    static final String REQUIRED = "UTF8";

    private ServerEncoding() {
    }

    /**
     * Checks the database the direct path reaches. An unreachable database is left to the steps that need it, which
     * report it with their own context.
     *
     * @throws InvalidConfigurationException when the database's encoding is not UTF8
     */
    static void requireUtf8(DirectConnections direct) {
        String encoding;
        try (Connection connection = direct.open();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT pg_encoding_to_char(encoding), current_database() "
                        + "FROM pg_catalog.pg_database WHERE datname = current_database()")) {
            if (!rows.next()) {
                return;
            }
            encoding = rows.getString(1);
            refuseUnlessUtf8(encoding, rows.getString(2));
        } catch (SQLException e) {
            LOG.debugf("server encoding not checked: %s", e.getMessage());
        }
    }

    /** The refusal, separate from the query so that its wording can be tested without such a server. */
    static void refuseUnlessUtf8(String encoding, String database) {
        if (REQUIRED.equalsIgnoreCase(encoding)) {
            return;
        }
        throw new InvalidConfigurationException("database " + database + " has encoding " + encoding + ", which "
                + "cannot hold all the text cpdb stores; cpdb needs a UTF8 database. Create one with CREATE DATABASE "
                + "<name> ENCODING 'UTF8' TEMPLATE template0 (with a UTF-8 locale or LOCALE 'C'), move any data "
                + "there (pg_dump, then psql or pg_restore into it), and point DATABASE_URL and DATABASE_MIGRATION_URL "
                + "at it");
    }
}
