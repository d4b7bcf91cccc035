package dev.cpdb.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.PgBouncer;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * A rolling upgrade as Kubernetes runs it: an old instance serves (runtime path through PgBouncer in transaction
 * mode) while a new instance with one pending core migration starts against the same database. Expectations come
 * from issue 19: the migration never queues the old instance's requests for long, waits for a running backup instead
 * of queueing behind its locks, gives up after its total wait naming the blocking session, keeps the new instance
 * not ready meanwhile, and applies once the blocker is gone. A plugin whose migration cannot get its locks is
 * {@code migration_failed} with the blocker named, and the core service is ready all the same.
 */
@RequiresPgBouncer
class RollingUpgradeIT {

    static final String TOKEN = "rolling-upgrade-token-0123456789abcdef";

    /** The pending migration only the new instance knows, kept outside the core migrations. */
    private static Path pendingMigration(String sql) throws IOException {
        Path folder = TestFolders.create("cpdb-pending-migration");
        Files.writeString(folder.resolve("V1000__rollout_note.sql"), sql);
        return folder;
    }

    @Test
    void aLongTransactionMakesTheNewInstanceGiveUpNamingItWhileTheOldInstanceKeepsServing() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("upgrade_blocked");
        Path migrations = pendingMigration("ALTER TABLE public.agents ADD COLUMN rollout_note text;");
        try (PgBouncer bouncer = PgBouncer.start(database, TestFolders.create("cpdb-upgrade-bouncer"))) {
            int oldPort = FreePorts.next();
            try (CpdbProcess old = CpdbProcess.start(environment(database, bouncer, oldPort))) {
                old.awaitHttp200(oldPort, "/q/health/ready", Duration.ofSeconds(120));
                String company = post(oldPort, "/api/companies", "{\"name\": \"Upgrade\", \"issuePrefix\": \"UPG\"}");
                String agent = post(oldPort, "/api/companies/" + company + "/agents",
                        "{\"name\": \"worker\", \"role\": \"engineer\", \"adapterType\": \"process\"}");

                // A backup does not start while a migration holds the schema-change gate.
                LockWaitPolicy policy = new LockWaitPolicy(Duration.ofMillis(300), Duration.ofSeconds(5));
                try (SchemaChangeGate.Hold migrating = SchemaChangeGate.awaitForMigration(
                        PluginFixtures.direct(database), policy, policy.start(), "test migration")) {
                    HttpResponse<String> refused = send(oldPort, "POST", "/api/db/backups");
                    assertEquals(409, refused.statusCode(), refused.body());
                    assertTrue(refused.body().contains("a schema migration in pid "), refused.body());
                    assertTrue(refused.body().contains("is running on this database; a backup starts only once it "
                            + "has finished"), refused.body());
                }
                assertEquals(List.of("0"), query(database, "SELECT count(*) FROM public.backup_runs"));

                Connection writer = TestPostgres.connect(database);
                int writerPid;
                try (Statement sql = writer.createStatement()) {
                    sql.execute("SET application_name = 'long-writer'");
                    writer.setAutoCommit(false);
                    sql.execute("UPDATE public.agents SET name = name WHERE id = '" + agent + "'");
                    writerPid = pid(writer);
                }

                int newPort = FreePorts.next();
                Map<String, String> upgraded = environment(database, bouncer, newPort);
                upgraded.put("CPDB_MIGRATION_EXTRA_LOCATIONS", "filesystem:" + migrations);
                upgraded.put("CPDB_MIGRATION_LOCK_TIMEOUT", "500ms");
                upgraded.put("CPDB_MIGRATION_MAX_WAIT", "3s");

                // The pipeline's `migrate` gives up after one total wait, names the blocker and exits non-zero.
                CpdbProcess command = CpdbProcess.run(upgraded, "migrate");
                assertEquals(1, command.exitCode(), command.stderr());
                assertTrue(command.stderr().contains("table locks not available within 3s"), command.stderr());
                assertTrue(command.stderr().contains("pid " + writerPid + " (application \"long-writer\""),
                        command.stderr());
                try (CpdbProcess upgrade = CpdbProcess.start(upgraded)) {
                    upgrade.awaitHttp200(newPort, "/q/health/started", Duration.ofSeconds(120));
                    HttpResponse<String> ready = get(newPort, "/q/health/ready");
                    assertEquals(503, ready.statusCode(), ready.body());
                    assertTrue(ready.body().contains("core migrations (next: V1000): table locks not available "
                            + "within 3s"), ready.body());
                    assertTrue(ready.body().contains("pid " + writerPid + " (application \\\"long-writer\\\", idle "
                            + "in transaction"), ready.body());
                    assertTrue(upgrade.stdout().contains("core migrations wait for a lock held by pid " + writerPid
                            + " (application \"long-writer\""), upgrade.stdout());

                    // The old instance serves the touched table throughout.
                    assertEquals(200, get(oldPort, "/q/health/ready").statusCode());
                    for (int i = 0; i < 5; i++) {
                        HttpResponse<String> answer = get(oldPort, "/api/agents/" + agent);
                        assertEquals(200, answer.statusCode(), answer.body());
                    }
                    assertEquals(List.of("0"), query(database, "SELECT count(*) FROM information_schema.columns "
                            + "WHERE table_name = 'agents' AND column_name = 'rollout_note'"));

                    writer.rollback();
                    writer.close();
                    upgrade.awaitHttp200(newPort, "/q/health/ready", Duration.ofSeconds(60));
                }
                assertEquals(List.of("1"), query(database, "SELECT count(*) FROM information_schema.columns "
                        + "WHERE table_name = 'agents' AND column_name = 'rollout_note'"));
                assertEquals(200, get(oldPort, "/api/agents/" + agent).statusCode());
            }
        }
    }

    @Test
    void aMigrationWaitsForARunningBackupWithoutStallingRequestsOnTheTouchedTable() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("upgrade_backup");
        Path migrations = pendingMigration("ALTER TABLE public.companies ADD COLUMN rollout_note text;");
        try (PgBouncer bouncer = PgBouncer.start(database, TestFolders.create("cpdb-upgrade-bouncer"))) {
            int oldPort = FreePorts.next();
            Map<String, String> oldEnvironment = environment(database, bouncer, oldPort);
            oldEnvironment.put("CPDB_BACKUP_LOCK_TIMEOUT", "3m");
            try (CpdbProcess old = CpdbProcess.start(oldEnvironment)) {
                old.awaitHttp200(oldPort, "/q/health/ready", Duration.ofSeconds(120));
                post(oldPort, "/api/companies", "{\"name\": \"Backup\", \"issuePrefix\": \"BKP\"}");
                tableRich(database);

                // The backup's length must not depend on this machine's speed: a table that sorts after the core
                // tables is held by another client, so the backup holds its locks on public.companies and waits
                // until the test lets it go on, as a backup of a much larger database would.
                TestPostgres.execute(database, "CREATE SCHEMA zz_slow");
                TestPostgres.execute(database, "CREATE TABLE zz_slow.hold (id int)");
                Connection staller = TestPostgres.connect(database);
                staller.setAutoCommit(false);
                try (Statement sql = staller.createStatement()) {
                    sql.execute("LOCK TABLE zz_slow.hold IN ACCESS EXCLUSIVE MODE");
                }
                String backup = post(oldPort, "/api/db/backups", "");
                await(Duration.ofSeconds(30), () -> query(database, "SELECT count(*) FROM pg_locks l JOIN "
                        + "pg_class c ON c.oid = l.relation WHERE c.relname = 'hold' AND NOT l.granted").equals(
                                List.of("1")));

                int newPort = FreePorts.next();
                Map<String, String> upgraded = environment(database, bouncer, newPort);
                upgraded.put("CPDB_MIGRATION_EXTRA_LOCATIONS", "filesystem:" + migrations);
                upgraded.put("CPDB_MIGRATION_LOCK_TIMEOUT", "1s");
                upgraded.put("CPDB_MIGRATION_MAX_WAIT", "3m");
                try (CpdbProcess upgrade = CpdbProcess.start(upgraded)) {
                    String waiting = "core migrations wait for cpdb backup " + backup;
                    Requests requests = new Requests(oldPort, "/api/companies");
                    long waitUntil = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                    while (!upgrade.stdout().contains(waiting) && System.nanoTime() < waitUntil) {
                        requests.one();
                    }
                    assertTrue(upgrade.stdout().contains(waiting),
                            "the new instance reached its migration while the backup ran: " + upgrade.stdout());
                    long keepOn = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < keepOn) {
                        requests.one();
                    }
                    staller.rollback();
                    staller.close();
                    while ("running".equals(runStatus(database, backup))) {
                        requests.one();
                    }
                    upgrade.awaitHttp200(newPort, "/q/health/ready", Duration.ofSeconds(120));

                    assertEquals("succeeded", runStatus(database, backup));
                    long backupMillis = Long.parseLong(query(database, "SELECT floor(extract(epoch FROM finished_at "
                            + "- started_at) * 1000) FROM public.backup_runs WHERE id = '" + backup + "'").get(0));
                    // Without the wait, the ALTER TABLE would queue behind the backup's lock on companies and every
                    // later request on companies behind it, for the rest of the backup.
                    assertTrue(requests.answered > 20, "requests answered: " + requests.answered);
                    assertTrue(requests.slowest < backupMillis / 2, "slowest request " + requests.slowest
                            + " ms, backup " + backupMillis + " ms");
                    assertEquals(List.of("t"), query(database, "SELECT installed_on >= (SELECT finished_at FROM "
                            + "public.backup_runs WHERE id = '" + backup + "') FROM public.flyway_schema_history "
                            + "WHERE version = '1000'"));
                    assertEquals(List.of("1"), query(database, "SELECT count(*) FROM information_schema.columns "
                            + "WHERE table_name = 'companies' AND column_name = 'rollout_note'"));
                }
            }
        }
    }

    @Test
    void aPluginMigrationThatCannotGetItsLocksFailsNamingTheBlockerWhileTheServiceBecomesReady() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("upgrade_plugin");
        Path plugins = TestFolders.create("cpdb-upgrade-plugins");
        Path plugin = PluginFixtures.writePlugin(plugins, "crm", PluginFixtures.manifest("crm"), "V1__items.sql",
                "CREATE TABLE items (id int PRIMARY KEY);");
        try (PgBouncer bouncer = PgBouncer.start(database, TestFolders.create("cpdb-upgrade-bouncer"))) {
            int oldPort = FreePorts.next();
            Map<String, String> oldEnvironment = environment(database, bouncer, oldPort);
            oldEnvironment.put("CPDB_PLUGINS_DIR", plugins.toString());
            try (CpdbProcess old = CpdbProcess.start(oldEnvironment)) {
                old.awaitHttp200(oldPort, "/q/health/ready", Duration.ofSeconds(120));
            }
            PluginFixtures.writeMigration(plugin, "V2__note.sql", "ALTER TABLE items ADD COLUMN note text;");

            try (Connection reader = TestPostgres.connect(database); Statement sql = reader.createStatement()) {
                sql.execute("SET application_name = 'long-report'");
                reader.setAutoCommit(false);
                sql.execute("SELECT count(*) FROM plugin_crm.items");
                int readerPid = pid(reader);

                int newPort = FreePorts.next();
                Map<String, String> upgraded = environment(database, bouncer, newPort);
                upgraded.put("CPDB_PLUGINS_DIR", plugins.toString());
                upgraded.put("CPDB_MIGRATION_LOCK_TIMEOUT", "300ms");
                upgraded.put("CPDB_MIGRATION_MAX_WAIT", "2s");
                try (CpdbProcess upgrade = CpdbProcess.start(upgraded)) {
                    // Plugins are not required: the core service becomes ready although the plugin failed.
                    upgrade.awaitHttp200(newPort, "/q/health/ready", Duration.ofSeconds(120));
                    HttpResponse<String> state = get(newPort, "/api/plugins/crm");
                    assertEquals(200, state.statusCode(), state.body());
                    assertTrue(state.body().contains("\"status\":\"migration_failed\""), state.body());
                    assertTrue(state.body().contains("V2__note.sql: table locks not available within 2s"),
                            state.body());
                    assertTrue(state.body().contains("pid " + readerPid + " (application \\\"long-report\\\""),
                            state.body());
                    assertTrue(upgrade.stdout().contains("wait for a lock held by pid " + readerPid), upgrade.stdout());
                }
                reader.rollback();
            }
        }
        assertEquals(List.of("0"), query(database, "SELECT count(*) FROM information_schema.columns "
                + "WHERE table_schema = 'plugin_crm' AND column_name = 'note'"));
    }

    /** GET requests on the old instance, each answered 200, with the slowest answer's time. */
    private static final class Requests {
        final int port;
        final String path;
        long slowest;
        int answered;

        Requests(int port, String path) {
            this.port = port;
            this.path = path;
        }

        void one() throws IOException, InterruptedException {
            long start = System.nanoTime();
            HttpResponse<String> answer = get(port, path);
            slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            assertEquals(200, answer.statusCode(), answer.body());
            answered++;
            Thread.sleep(50);
        }
    }

    /** Many small tables, as a control plane with many plugins has. */
    private static void tableRich(DatabaseUrl database) {
        TestPostgres.execute(database, "CREATE SCHEMA bulk");
        TestPostgres.execute(database, "DO $$ BEGIN FOR i IN 1..600 LOOP EXECUTE format('CREATE TABLE bulk.t%s "
                + "(id int PRIMARY KEY, payload text)', i); EXECUTE format('INSERT INTO bulk.t%s SELECT g, md5(g::text) "
                + "FROM generate_series(1, 20) g', i); END LOOP; END $$");
    }

    private static Map<String, String> environment(DatabaseUrl database, PgBouncer bouncer, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", TestPostgres.libpq(bouncer.url()));
        env.put("DATABASE_MIGRATION_URL", TestPostgres.libpq(database));
        env.put("CPDB_POOLER", "transaction");
        env.put("CPDB_HOME", TestFolders.create("cpdb-upgrade-home").toString());
        env.put("CPDB_ADMIN_TOKEN", TOKEN);
        env.put("CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY);
        env.put("CPDB_BACKUP_TARGET", TestFolders.create("cpdb-upgrade-backups").toString());
        env.put("CPDB_BACKUP_SCHEDULE", "off");
        env.put("CPDB_BACKUP_VERIFY_SCHEDULE", "off");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return env;
    }

    private static final Pattern ID = Pattern.compile("\"(?:id|backupId)\"\\s*:\\s*\"([^\"]+)\"");

    /** POSTs as the operator and returns the new resource's id. */
    private static String post(int port, String path, String json) throws IOException, InterruptedException {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .POST(json.isEmpty() ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(answer.statusCode() == 201 || answer.statusCode() == 202, answer.statusCode() + " " + answer.body());
        Matcher id = ID.matcher(answer.body());
        assertTrue(id.find(), answer.body());
        return id.group(1);
    }

    private static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return send(port, "GET", path);
    }

    private static HttpResponse<String> send(int port, String method, String path)
            throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(60))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String runStatus(DatabaseUrl database, String id) {
        try {
            List<String> status = query(database, "SELECT status FROM public.backup_runs WHERE id = '" + id + "'");
            return status.isEmpty() ? null : status.get(0);
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    private static int pid(Connection connection) throws SQLException {
        try (Statement sql = connection.createStatement(); ResultSet rs = sql.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static List<String> query(DatabaseUrl database, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(database);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    private interface Condition {
        boolean holds() throws SQLException;
    }

    private static void await(Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.holds()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("condition not reached within " + timeout);
    }
}
