package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.TestPostgres;

/**
 * A restore raises {@code maintenance_work_mem} and {@code work_mem} for its own transaction only, and never lowers
 * a server setting that is already higher. Expectations come from PostgreSQL's {@code set_config(..., true)}: the
 * value lasts until the transaction ends.
 */
class RestoreWorkMemoryTest {

    private static final byte[] SCRIPT = ("CREATE TABLE public.t (id int PRIMARY KEY);\n"
            + "COPY public.t (id) FROM stdin;\n1\n2\n\\.\n\n" + BackupEngine.END_MARKER + "\n")
            .getBytes(StandardCharsets.UTF_8);

    @Test
    void theRestoreTransactionGetsMoreMemoryAndTheSessionKeepsItsOwnSettingsAfterwards() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase("restore_memory");
        try (Connection connection = TestPostgres.connect(target)) {
            String sessionMaintenance = setting(connection, "maintenance_work_mem");
            String sessionWork = setting(connection, "work_mem");
            List<String> during = new ArrayList<>();

            RestoreEngine.restore(connection, new ByteArrayInputStream(script()), false, () -> {
                try {
                    during.add(setting(connection, "maintenance_work_mem"));
                    during.add(setting(connection, "work_mem"));
                } catch (SQLException e) {
                    throw new java.io.IOException(e);
                }
            });

            assertEquals(List.of("256MB", "64MB"), during);
            assertEquals(sessionMaintenance, setting(connection, "maintenance_work_mem"));
            assertEquals(sessionWork, setting(connection, "work_mem"));
        }
    }

    @Test
    void aHigherServerSettingIsKept() throws Exception {
        DatabaseUrl target = TestPostgres.createDatabase("restore_memory_high");
        TestPostgres.execute(target, "ALTER DATABASE " + target.database() + " SET maintenance_work_mem = '1GB'");
        try (Connection connection = TestPostgres.connect(target)) {
            List<String> during = new ArrayList<>();
            RestoreEngine.restore(connection, new ByteArrayInputStream(script()), false, () -> {
                try {
                    during.add(setting(connection, "maintenance_work_mem"));
                } catch (SQLException e) {
                    throw new java.io.IOException(e);
                }
            });
            assertEquals(List.of("1GB"), during);
        }
    }

    private static byte[] script() {
        return SCRIPT;
    }

    private static String setting(Connection connection, String name) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SHOW " + name)) {
            rows.next();
            return rows.getString(1);
        }
    }
}
