package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import dev.cpdb.backup.engine.BackupException;

/**
 * The object kinds of the selected schemas that no reader carries yet. A backup of a database holding one is
 * refused, naming each such object, so that a backup never silently leaves something out.
 */
final class UnsupportedObjects {

    /** One query per kind, each returning the names of its objects in the schemas bound to every parameter. */
    static final List<String> QUERIES = List.of(
            // Security labels: restoring one needs its label provider loaded on the target, which cpdb cannot
            // check; pg_dump writes them, cpdb refuses rather than write a script that fails on most servers.
            "SELECT 'security label of provider ' || l.provider || ' on ' || pg_catalog.pg_describe_object("
                    + "l.classoid, l.objoid, l.objsubid) FROM pg_catalog.pg_seclabel l WHERE l.objoid >= 16384 AND "
                    + "coalesce((pg_catalog.pg_identify_object(l.classoid, l.objoid, 0)).schema = ANY (?), true)",
            // file_fdw's program option runs a shell command whenever the table is read; a restore refuses it, as
            // it refuses COPY ... PROGRAM, so a backup holding one is refused too.
            "SELECT 'foreign table ' || c.oid::pg_catalog.regclass::text || ' (it runs a program)' "
                    + "FROM pg_catalog.pg_foreign_table f JOIN pg_catalog.pg_class c ON c.oid = f.ftrelid "
                    + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY (?) AND "
                    + "EXISTS (SELECT 1 FROM pg_catalog.pg_options_to_table(f.ftoptions) o "
                    + "WHERE o.option_name = 'program')",
            // Subscriptions: pg_dump writes them (for superusers) with connect = false, to be enabled by hand.
            "SELECT 'subscription ' || s.subname FROM pg_catalog.pg_subscription s WHERE s.subdbid = "
                    + "(SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())");

    private UnsupportedObjects() {
    }

    /** @throws BackupException naming every object of a kind not carried yet */
    static void refuse(CatalogContext context) throws SQLException {
        List<String> unsupported = new ArrayList<>();
        for (String query : QUERIES) {
            try (PreparedStatement statement = context.prepare(query); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    unsupported.add(rs.getString(1));
                }
            }
        }
        if (!unsupported.isEmpty()) {
            throw new BackupException("reading the schema", "the database holds objects that cpdb backups cannot "
                    + "carry yet, so no backup is taken rather than an incomplete one: "
                    + String.join(", ", unsupported), false);
        }
    }
}
