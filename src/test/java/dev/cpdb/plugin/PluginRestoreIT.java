package dev.cpdb.plugin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreshPostgresServer;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Backup, restore into a fresh server, {@code plugins migrate}: the plugin works again (issue 5, "Backups").
 *
 * <p>
 * The backup and the restore are cpdb's own commands on the packaged jar: {@code backup} of the source database, then
 * {@code restore --target-url} into an empty database on a second PostgreSQL server started for this test, so none
 * of the source's roles exist there. Backups carry no owners or privileges by default (like {@code pg_dump
 * --no-owner --no-privileges}), so the restored plugin objects belong to the restoring user until {@code plugins
 * migrate} hands them back.
 */
class PluginRestoreIT {

    private final Path plugins = PluginFixtures.pluginsFolder();

    private static final String V1 = """
            CREATE TYPE entry_kind AS ENUM ('credit', 'debit');
            CREATE DOMAIN amount AS numeric(12, 2) CHECK (VALUE >= 0);
            CREATE SEQUENCE receipt_numbers START 1000;
            CREATE TABLE entries (
                id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                company_id uuid NOT NULL,
                kind       entry_kind NOT NULL,
                value      amount NOT NULL,
                receipt    integer NOT NULL DEFAULT nextval('receipt_numbers')
            );
            CREATE FUNCTION signed(kind entry_kind, value numeric) RETURNS numeric
                LANGUAGE sql IMMUTABLE AS $$ SELECT CASE kind WHEN 'credit' THEN value ELSE -value END $$;
            """;

    private static final String V2 = """
            CREATE VIEW company_balances AS
                SELECT c.id, c.name, coalesce(sum(signed(e.kind, e.value)), 0) AS balance
                FROM public.companies c LEFT JOIN entries e ON e.company_id = c.id
                GROUP BY c.id, c.name;
            """;

    private static final String COMPANY = "00000000-0000-0000-0000-00000000000a";

    private Map<String, String> environment(DatabaseUrl database) {
        return Map.of("DATABASE_URL", TestPostgres.libpq(database), "CPDB_PLUGINS_DIR", plugins.toString());
    }

    private void run(DatabaseUrl database, String... command) {
        CpdbProcess process = CpdbProcess.run(environment(database), command);
        assertEquals(0, process.exitCode(), String.join(" ", command) + ": " + process.stderr() + process.stdout());
    }

    @Test
    void afterARestoreIntoAFreshServerPluginsMigrateBringsThePluginBack() throws Exception {
        Path ledger = PluginFixtures.writePlugin(plugins, "ledger", PluginFixtures.manifest("ledger", "companies"),
                "V1__ledger.sql", V1, "V2__balances.sql", V2);
        DatabaseUrl source = TestPostgres.createDatabase("restore_source");
        run(source, "migrate");
        run(source, "plugins", "migrate");
        execute(source, "INSERT INTO companies (id, name, issue_prefix) VALUES ('" + COMPANY + "', 'Acme', 'ACME')",
                "INSERT INTO plugin_ledger.entries (company_id, kind, value) VALUES ('" + COMPANY + "', 'credit', 100),"
                        + " ('" + COMPANY + "', 'debit', 30)");
        String role = text(source, "SELECT role_name FROM plugin_database_namespaces WHERE plugin_key = 'ledger'");
        String appliedBefore = text(source, "SELECT string_agg(applied_at::text, ',' ORDER BY version) "
                + "FROM plugin_migrations");

        try (FreshPostgresServer server = FreshPostgresServer.start()) {
            DatabaseUrl target = server.createDatabase("restored");
            backupAndRestore(source, target);
            assertEquals("0", text(target, "SELECT count(*) FROM pg_roles WHERE rolname = '" + role + "'"),
                    "a fresh server has none of the plugin roles");
            assertEquals(target.user(), text(target, "SELECT nspowner::regrole::text FROM pg_namespace "
                    + "WHERE nspname = 'plugin_ledger'"), "a role-less restore leaves the restoring user as owner");

            // A new migration arrives with the restore: it must run as the plugin role and may read companies.
            PluginFixtures.writeMigration(ledger, "V3__opening.sql", "INSERT INTO entries (company_id, kind, value) "
                    + "SELECT id, 'credit', 5 FROM public.companies;");
            run(target, "plugins", "migrate");

            assertEquals("false", text(target, "SELECT rolcanlogin::text FROM pg_roles WHERE rolname = '" + role
                    + "'"), "the role is re-created under its registered name");
            assertEquals(role, text(target, "SELECT nspowner::regrole::text FROM pg_namespace "
                    + "WHERE nspname = 'plugin_ledger'"));
            assertEquals("", text(target, "SELECT coalesce(string_agg(x.name, ','), '') FROM ("
                    + "SELECT relname::text AS name FROM pg_class WHERE relnamespace = 'plugin_ledger'::regnamespace "
                    + "AND relowner <> '" + role + "'::regrole UNION ALL "
                    + "SELECT typname::text FROM pg_type WHERE typnamespace = 'plugin_ledger'::regnamespace "
                    + "AND typowner <> '" + role + "'::regrole UNION ALL "
                    + "SELECT proname::text FROM pg_proc WHERE pronamespace = 'plugin_ledger'::regnamespace "
                    + "AND proowner <> '" + role + "'::regrole) x"), "every object belongs to the role again");
            assertEquals("true", text(target, "SELECT has_table_privilege('" + role + "', 'public.companies', "
                    + "'SELECT')::text"), "the read grant is re-created");
            assertEquals("1,2,3|1000,1001,1002", text(target, "SELECT string_agg(id::text, ',' ORDER BY id) || '|' "
                    + "|| string_agg(receipt::text, ',' ORDER BY id) FROM plugin_ledger.entries"),
                    "identity and sequence continue where the backup left them");
            assertEquals(appliedBefore + "," + text(target, "SELECT applied_at::text FROM plugin_migrations "
                    + "WHERE version = 3"), text(target, "SELECT string_agg(applied_at::text, ',' ORDER BY version) "
                            + "FROM plugin_migrations"),
                    "V1 and V2 are not applied again");
            assertEquals("75.00", balanceSeenBy(target, role), "the view works for its owner, the plugin role");
            assertEquals("active", text(target, "SELECT status FROM plugin_database_namespaces"));
        }
    }

    /** {@code backup} of the source into a folder, then {@code restore} of that backup into the target. */
    private void backupAndRestore(DatabaseUrl source, DatabaseUrl target) throws IOException {
        Path folder = TestFolders.create("cpdb-plugin-backups");
        run(source, "backup", "--target", folder.toString());
        Path backup;
        try (Stream<Path> entries = Files.list(folder)) {
            backup = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        CpdbProcess restore = CpdbProcess.run(Map.of(), "restore", backup.toString(), "--target-url",
                TestPostgres.libpq(target));
        assertEquals(0, restore.exitCode(), restore.stderr());
    }

    private static String balanceSeenBy(DatabaseUrl database, String role) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            statement.execute("SET LOCAL ROLE " + role);
            try (ResultSet rs = statement.executeQuery("SELECT balance FROM plugin_ledger.company_balances")) {
                rs.next();
                return rs.getBigDecimal(1).toPlainString();
            } finally {
                connection.rollback();
            }
        }
    }

    private static void execute(DatabaseUrl database, String... statements) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    private static String text(DatabaseUrl database, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
