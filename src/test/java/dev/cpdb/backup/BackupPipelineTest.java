package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPInputStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.BackupEngine;
import dev.cpdb.backup.engine.BackupFixturesAccess;
import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.engine.LargeObjectStats;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Backups of the service's own database (the product's default PostgreSQL major) through the full pipeline: engine,
 * compression, digest, folder store and manifest. Failure cases must leave neither a backup that looks complete nor
 * a changed restore target.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupPipelineTest {

    @Inject
    TestBackups backups;

    @Inject
    RestoreService restores;

    @Inject
    BackupListing listing;

    @Inject
    ObjectMapper json;

    @Inject
    Database database;

    FilesystemBackupStore store;

    @BeforeEach
    void freshStoreAndData() throws SQLException {
        store = new FilesystemBackupStore(TestFolders.create("cpdb-backups").resolve("backups"));
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("CREATE SCHEMA IF NOT EXISTS shop");
            sql.execute("CREATE TABLE IF NOT EXISTS shop.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, "
                    + "note text)");
            sql.execute("CREATE TABLE IF NOT EXISTS shop.lines (id bigserial PRIMARY KEY, order_id bigint NOT NULL "
                    + "REFERENCES shop.orders (id), qty integer NOT NULL CHECK (qty > 0))");
            sql.execute("WITH o AS (INSERT INTO shop.orders (note) SELECT 'order ' || g FROM generate_series(1, 50) g "
                    + "RETURNING id) INSERT INTO shop.lines (order_id, qty) SELECT id, 1 FROM o");
        }
    }

    @Test
    void aBackupRestoresIntoAnotherDatabaseWithTheSameDefinitionsAndRows() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        DatabaseUrl target = TestPostgres.createDatabase("svc_restore");

        restores.restore(restores.locate(store, manifest.backupId()), direct(target), false);

        // Oracle for the default major (no matching pg_dump here): a second backup of the restored database holds
        // the same definitions and the same data, and every table's rows hash the same.
        assertEquals(scriptWithoutHeader(backupOf(database.plan().direct())), scriptWithoutHeader(backupOf(target)));
        assertEquals(dev.cpdb.backup.engine.BackupFixturesAccess.rowHashes(database.plan().direct()),
                dev.cpdb.backup.engine.BackupFixturesAccess.rowHashes(target));
    }

    @Test
    void largeObjectsGoThroughTheCompressedPipelineAndAreCountedInTheManifestAndTheRestore() throws Exception {
        DatabaseUrl source = database.plan().direct();
        String small = query(source, "SELECT lo_from_bytea(0, 'small')");
        // Three chunks and a bit, with bytes of every value.
        String big = query(source, "SELECT lo_from_bytea(0, (SELECT string_agg(sha256(g::text::bytea), ''::bytea) "
                + "FROM generate_series(1, 13000) g))");
        try {
            BackupManifest manifest = backups.take(store, Compression.ZSTD);
            DatabaseUrl target = TestPostgres.createDatabase("svc_large_objects");

            RestoreOutcome outcome = restores.restore(restores.locate(store, manifest.backupId()), direct(target),
                    false);

            LargeObjectStats expected = new LargeObjectStats(2, 5 + 13000 * 32);
            assertEquals(expected, manifest.largeObjects());
            assertEquals(expected, outcome.largeObjects());
            for (String oid : List.of(small, big)) {
                assertEquals(query(source, "SELECT md5(lo_get(" + oid + "))"),
                        query(target, "SELECT md5(lo_get(" + oid + "))"));
            }
        } finally {
            TestPostgres.execute(source, "SELECT lo_unlink(" + small + "), lo_unlink(" + big + ")");
        }
    }

    @Test
    void theManifestDescribesTheCommittedDataObject() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.GZIP);

        Path data = store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
        assertEquals(Files.size(data), manifest.data().bytes());
        assertEquals(sha256(data), manifest.data().sha256());
        assertEquals(BackupEngine.FORMAT_VERSION, manifest.formatVersion());
        assertTrue(manifest.backupId().matches("\\d{8}T\\d{6}Z-[0-9a-f]{6}"));
        assertTrue(manifest.schemas().contains("shop"));
        long orders = manifest.tables().stream().filter(t -> t.name().equals("orders")).findFirst().orElseThrow()
                .rows();
        assertEquals(count("shop.orders"), orders);
        assertFalse(manifest.migrations().core().isEmpty(), "the Flyway history is recorded");
        assertFalse(manifest.ownersAndPrivileges(), "off unless CPDB_BACKUP_OWNERS_AND_PRIVILEGES says otherwise");
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(data))) {
            assertEquals(manifest.data().scriptBytes(), in.readAllBytes().length);
        }
        assertEquals(List.of(manifest.backupId()),
                listing.committed(store).stream().map(BackupManifest::backupId).toList());
    }

    @Test
    void aManifestThatDoesNotParseOrNamesAnotherBackupIsLeftOutOfTheListingNotFatalToIt() throws Exception {
        Path root = TestFolders.create("cpdb-tampered-listing");
        FilesystemBackupStore tampered = new FilesystemBackupStore(root);
        BackupManifest manifest = backups.take(tampered, Compression.ZSTD);
        Path garbage = Files.createDirectories(root.resolve("20200101T000000Z-aaaaaa"));
        Files.writeString(garbage.resolve("manifest.json"), "{\"backupId\": ");
        Path copied = Files.createDirectories(root.resolve("20200102T000000Z-bbbbbb"));
        Files.writeString(copied.resolve("manifest.json"), BackupManifest.writer(json).writeValueAsString(manifest));

        assertEquals(List.of(manifest.backupId()),
                listing.committed(tampered).stream().map(BackupManifest::backupId).toList());
    }

    @Test
    void withTheSettingOnBackupsCarryOwnersAndARestoreLackingTheirRolesChangesNothing() throws Exception {
        String role = "svc owner " + ProcessHandle.current().pid() + "_" + System.nanoTime() % 1_000_000;
        String quoted = "\"" + role + "\"";
        TestBackups withOwners = TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public boolean ownersAndPrivileges() {
                return true;
            }
        }, json);
        DatabaseUrl source = database.plan().direct();
        DatabaseUrl sameServer = TestPostgres.createDatabase("svc_owners");
        DatabaseUrl withoutRole = TestPostgres.createDatabase("svc_owners_missing");
        TestPostgres.execute(source, "CREATE ROLE " + quoted);
        try {
            TestPostgres.execute(source, "CREATE SCHEMA owned");
            TestPostgres.execute(source, "CREATE TABLE owned.things (id int)");
            TestPostgres.execute(source, "ALTER TABLE owned.things OWNER TO " + quoted);
            TestPostgres.execute(source, "GRANT SELECT ON shop.orders TO " + quoted);

            // Scheduled and HTTP backups take this path: the setting decides.
            BackupManifest manifest = withOwners.take(store, Compression.NONE);
            RestoreService restoresWithOwners = withOwners.restores();
            restoresWithOwners.restore(restoresWithOwners.locate(store, manifest.backupId()), direct(sameServer),
                    false);

            assertTrue(manifest.ownersAndPrivileges());
            String script = Files.readString(store.root().resolve(manifest.backupId()).resolve("data.sql"));
            assertTrue(script.contains("ALTER TABLE \"owned\".\"things\" OWNER TO " + quoted + ";"), "owner written");
            assertEquals(role, query(sameServer, "SELECT pg_get_userbyid(relowner) FROM pg_class "
                    + "WHERE oid = 'owned.things'::regclass"));
            assertEquals("t", query(sameServer, "SELECT has_table_privilege('" + role + "', 'shop.orders', "
                    + "'SELECT')"));

            // Without the role (here: after it is dropped) the restore fails, names it and says what to do.
            TestPostgres.execute(sameServer, "DROP OWNED BY " + quoted);
            TestPostgres.execute(source, "DROP OWNED BY " + quoted);
            TestPostgres.execute(source, "DROP ROLE " + quoted);
            TestPostgres.execute(withoutRole, "CREATE TABLE public.keep_me (id int)");
            TestPostgres.execute(withoutRole, "INSERT INTO public.keep_me VALUES (1), (2)");
            BackupFailedException e = assertThrows(BackupFailedException.class, () -> restoresWithOwners.restore(
                    restoresWithOwners.locate(store, manifest.backupId()), direct(withoutRole), true));

            assertTrue(e.getMessage().contains("role " + quoted + " does not exist"), e.getMessage());
            assertTrue(e.getMessage().contains("create role " + quoted + " on the target server first"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("the target was not changed"), e.getMessage());
            assertEquals(2, count(withoutRole, "public.keep_me"));
            assertEquals(0, userTablesNamed(withoutRole, "things"));
        } finally {
            // Roles belong to the whole test server: leave none behind, whatever failed.
            String ifTheRoleExists = "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + role + "') "
                    + "THEN %s; END IF; END $$";
            TestPostgres.execute(sameServer, String.format(ifTheRoleExists, "DROP OWNED BY " + quoted));
            TestPostgres.execute(source, String.format(ifTheRoleExists, "DROP OWNED BY " + quoted));
            TestPostgres.execute(source, "DROP SCHEMA IF EXISTS owned CASCADE");
            TestPostgres.execute(source, String.format(ifTheRoleExists, "DROP ROLE " + quoted));
        }
    }

    @Test
    void aCorruptedDataObjectIsRefusedAndTheTargetStaysEmpty() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.NONE);
        Path data = store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
        flipOneByte(data, Files.size(data) / 2);
        DatabaseUrl target = TestPostgres.createDatabase("svc_corrupt");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));

        assertTrue(e.getMessage().contains("is damaged: the data object's SHA-256 does not match"), e.getMessage());
        assertTrue(e.getMessage().contains("the target was not changed"), e.getMessage());
        assertEquals(0, userTables(target), "a failed restore leaves the target as it was");
    }

    @Test
    void aCorruptedCompressedObjectIsRefusedToo() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        Path data = store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
        flipOneByte(data, Files.size(data) / 2);
        DatabaseUrl target = TestPostgres.createDatabase("svc_corrupt_zstd");

        assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));

        assertEquals(0, userTables(target));
    }

    @Test
    void aTruncatedDataObjectIsRefused() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        Path data = store.root().resolve(manifest.backupId()).resolve(manifest.data().key());
        try (RandomAccessFile file = new RandomAccessFile(data.toFile(), "rw")) {
            file.setLength(file.length() * 2 / 3);
        }
        DatabaseUrl target = TestPostgres.createDatabase("svc_truncated");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));

        assertTrue(e.getMessage().contains("is damaged") && e.getMessage().contains("truncated"), e.getMessage());
        assertEquals(0, userTables(target));
    }

    @Test
    void aBackupWithoutManifestIsNotABackup() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        Files.delete(store.root().resolve(manifest.backupId()).resolve(BackupManifest.FILE_NAME));

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.locate(store, manifest.backupId()));

        assertTrue(e.getMessage().contains("no committed backup"), e.getMessage());
        assertEquals(List.of(), listing.committed(store), "listing shows committed backups only");
    }

    @Test
    void aBackupFromANewerFormatIsRefused() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        Path file = store.root().resolve(manifest.backupId()).resolve(BackupManifest.FILE_NAME);
        Files.writeString(file, Files.readString(file).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));
        DatabaseUrl target = TestPostgres.createDatabase("svc_newer");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));

        assertTrue(e.getMessage().contains("newer cpdb"), e.getMessage());
        assertEquals(0, userTables(target));
    }

    @Test
    void aNonEmptyTargetIsRefusedUnlessCleanIsAsked() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD);
        DatabaseUrl target = TestPostgres.createDatabase("svc_nonempty");
        TestPostgres.execute(target, "CREATE TABLE public.precious (id int)");
        TestPostgres.execute(target, "INSERT INTO public.precious VALUES (7)");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));
        assertTrue(e.getMessage().contains("not empty"), e.getMessage());
        assertTrue(e.getMessage().contains("--clean"), e.getMessage());
        assertEquals(1, count(target, "public.precious"), "nothing was touched");

        restores.restore(restores.locate(store, manifest.backupId()), direct(target), true);

        assertEquals(count("shop.orders"), count(target, "shop.orders"));
        assertEquals(0, userTablesNamed(target, "precious"), "--clean dropped what was there");
    }

    @Test
    void aSelectedBackupRecordsItsSelectionAndCleanReplacesOnlyItsSchemas() throws Exception {
        TestPostgres.execute(database.plan().direct(), "CREATE SCHEMA IF NOT EXISTS shop_archive");
        TestPostgres.execute(database.plan().direct(), "CREATE TABLE IF NOT EXISTS shop_archive.old (id int)");
        BackupManifest manifest = backups.take(store, Compression.ZSTD,
                BackupOptions.selection(List.of("SHOP*"), List.of("shop_a*", "nothing_like_this"), "test"));

        assertEquals(List.of("shop"), manifest.schemas());
        assertEquals(List.of("SHOP*"), manifest.selection().include());
        assertEquals(List.of("shop_a*", "nothing_like_this"), manifest.selection().exclude());
        assertTrue(manifest.selection().leftOut().contains(
                new BackupManifest.LeftOut("shop_archive", "excluded by pattern \"shop_a*\"")),
                manifest.selection().toString());
        assertTrue(manifest.selection().leftOut().contains(
                new BackupManifest.LeftOut("public", "not matched by any include pattern")),
                manifest.selection().toString());
        assertEquals(List.of("nothing_like_this"), manifest.selection().unmatchedExcludes());
        assertEquals(manifest, restores.locate(store, manifest.backupId()).manifest(), "the stored manifest has it");
        assertTrue(manifest.tables().stream().allMatch(table -> table.schema().equals("shop")));

        // The target holds the backup's schema with other rows, and schemas the backup does not hold.
        DatabaseUrl target = TestPostgres.createDatabase("svc_selected");
        TestPostgres.execute(target, "CREATE SCHEMA shop");
        TestPostgres.execute(target, "CREATE TABLE shop.stale (id int)");
        TestPostgres.execute(target, "CREATE SCHEMA keep_me");
        TestPostgres.execute(target, "CREATE TABLE keep_me.t (id int)");
        TestPostgres.execute(target, "INSERT INTO keep_me.t VALUES (1), (2)");
        TestPostgres.execute(target, "CREATE TABLE public.also_kept (id int)");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), false));
        assertTrue(e.getMessage().contains("schema shop") && e.getMessage().contains("--clean"), e.getMessage());

        restores.restore(restores.locate(store, manifest.backupId()), direct(target), true);

        assertEquals(count("shop.orders"), count(target, "shop.orders"));
        assertEquals(0, userTablesNamed(target, "stale"), "the backup's schema was replaced");
        assertEquals(2, count(target, "keep_me.t"), "a schema the backup does not hold is left alone");
        assertEquals(0, count(target, "public.also_kept"), "public is not the backup's: left alone");
    }

    @Test
    void scheduledAndHttpBackupsFollowTheSchemaSettings() throws Exception {
        TestPostgres.execute(database.plan().direct(), "CREATE SCHEMA IF NOT EXISTS shop_archive");
        TestBackups configured = TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public java.util.Optional<String> schemas() {
                return java.util.Optional.of("shop, Shop_Archive, public");
            }

            @Override
            public java.util.Optional<String> excludeSchemas() {
                return java.util.Optional.of("shop_arch*, vault");
            }
        }, json);

        // Scheduled and HTTP backups take this path: the settings decide.
        BackupManifest manifest = configured.take(store, Compression.NONE);

        assertEquals(List.of("public", "shop"), manifest.schemas());
        assertEquals(List.of("shop", "Shop_Archive", "public"), manifest.selection().include());
        assertEquals(List.of("vault"), manifest.selection().unmatchedExcludes());
        assertTrue(manifest.selection().leftOut().contains(
                new BackupManifest.LeftOut("shop_archive", "excluded by pattern \"shop_arch*\"")),
                manifest.selection().toString());
    }

    @Test
    void aMalformedSchemaSettingIsRefusedNamingTheSetting() throws Exception {
        TestBackups misconfigured = TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public java.util.Optional<String> excludeSchemas() {
                return java.util.Optional.of("auth, \"unterminated");
            }
        }, json);

        BackupFailedException e = assertThrows(BackupFailedException.class, misconfigured.options()::defaultSelection);

        assertTrue(e.getMessage().contains("CPDB_BACKUP_EXCLUDE_SCHEMAS") && e.getMessage().contains("unterminated"),
                e.getMessage());
        assertThrows(BackupFailedException.class, () -> misconfigured.take(store, Compression.NONE));
        assertEquals(List.of(), store.list(""));
    }

    @Test
    void includePatternsThatMatchNothingOrNameAnotherDatabaseFailTheBackupAndLeaveNothing() throws Exception {
        BackupFailedException e = assertThrows(BackupFailedException.class, () -> backups.take(store,
                Compression.ZSTD, BackupOptions.selection(List.of("shop", "Shpo"), List.of(), "test")));

        assertTrue(e.getMessage().contains("\"Shpo\" matches no schema"), e.getMessage());
        assertFalse(e.getMessage().contains("\"shop\" matches"), e.getMessage());
        BackupFailedException other = assertThrows(BackupFailedException.class, () -> backups.take(store,
                Compression.ZSTD, BackupOptions.selection(List.of("elsewhere.shop"), List.of(), "test")));
        assertTrue(other.getMessage().contains("cross-database"), other.getMessage());
        assertEquals(List.of(), store.list(""));

        String name = database.plan().direct().database();
        assertEquals(List.of("shop"),
                backups.take(store, Compression.ZSTD,
                        BackupOptions.selection(List.of(name + ".shop"), List.of(), "test")).schemas(),
                "a pattern qualified with this database's name");
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aManifestWhoseSchemasDifferFromItsScriptIsRefusedBeforeAnythingRuns() throws Exception {
        BackupManifest manifest = backups.take(store, Compression.ZSTD,
                BackupOptions.selection(List.of("shop"), List.of(), "test"));
        Path file = store.root().resolve(manifest.backupId()).resolve(BackupManifest.FILE_NAME);
        // An unsigned store's manifest claims a schema the script does not create, which --clean would drop.
        Files.writeString(file, Files.readString(file).replace("\"schemas\" : [ \"shop\" ]",
                "\"schemas\" : [ \"keep_me\", \"shop\" ]"));
        DatabaseUrl target = TestPostgres.createDatabase("svc_forged_schemas");
        TestPostgres.execute(target, "CREATE SCHEMA keep_me");
        TestPostgres.execute(target, "CREATE TABLE keep_me.t (id int)");

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> restores.restore(restores.locate(store, manifest.backupId()), direct(target), true, true));

        assertTrue(e.getMessage().contains("its manifest lists the schemas keep_me, shop but its script creates shop"),
                e.getMessage());
        assertEquals(0, count(target, "keep_me.t"));
        assertEquals(1, userTables(target));
    }

    @Test
    void aBackupThatCannotLockItsTablesFailsAndLeavesNothing() throws Exception {
        try (Connection blocker = database.direct().open(); Statement sql = blocker.createStatement()) {
            blocker.setAutoCommit(false);
            sql.execute("LOCK TABLE shop.orders IN ACCESS EXCLUSIVE MODE");

            TestBackups impatient = TestBackups.wired(database, new ShortLockTimeout(), json);
            BackupFailedException e = assertThrows(BackupFailedException.class,
                    () -> impatient.take(store, Compression.ZSTD));

            assertTrue(e.getMessage().contains("locking tables"), e.getMessage());
            blocker.rollback();
        }
        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aHelperConnectionThatCannotLockFailsTheBackupAndLeavesNothing() throws Exception {
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO shop.orders (note) SELECT repeat('n', 200) FROM generate_series(1, 2000)");
        }
        ExecutorService ddl = Executors.newSingleThreadExecutor();
        List<Future<?>> alter = new java.util.concurrent.CopyOnWriteArrayList<>();
        TestBackups impatient = TestBackups.wired(database, new ShortLockTimeout(), json);
        // Once the main connection holds its locks, a schema change queues behind them; the helpers' implicit
        // locks then queue behind the schema change until their lock timeout.
        BackupPipeline.Progress queueASchemaChange = new BackupPipeline.Progress() {
            @Override
            public void phase(String phase) {
                if (phase.equals("opening copy connections")) {
                    alter.add(ddl.submit(() -> {
                        try (Connection connection = database.direct().open();
                                Statement sql = connection.createStatement()) {
                            sql.execute("ALTER TABLE shop.orders ADD COLUMN IF NOT EXISTS extra integer");
                        }
                        return null;
                    }));
                    awaitQueuedLock("shop.orders");
                }
            }
        };

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> BackupFixturesAccess.withTinyChunks(() -> impatient.take(
                        impatient.options().request(store).withCompression(Compression.ZSTD), queueASchemaChange)));

        assertTrue(e.getMessage().contains("copying shop."), e.getMessage());
        assertTrue(e.getMessage().contains("could not lock"), e.getMessage());
        alter.get(0).get();
        ddl.shutdown();
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("ALTER TABLE shop.orders DROP COLUMN extra");
        }
        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aCancelledParallelBackupStopsEveryConnectionAndLeavesNothing() throws Exception {
        try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
            sql.execute("INSERT INTO shop.orders (note) SELECT repeat('c', 200) FROM generate_series(1, 2000)");
        }
        List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicBoolean cancelled = new AtomicBoolean();
        // Cancels the way the service does on shutdown: the flag, then every reported connection's statement.
        BackupPipeline.Progress cancelWhileCopying = new BackupPipeline.Progress() {
            @Override
            public void connected(Connection connection) {
                connections.add(connection);
            }

            @Override
            public boolean cancelled() {
                return cancelled.get();
            }

            @Override
            public void phase(String phase) {
                if (phase.startsWith("copying ")) {
                    cancelled.set(true);
                    for (Connection connection : connections) {
                        try {
                            connection.unwrap(org.postgresql.PGConnection.class).cancelQuery();
                        } catch (SQLException e) {
                            throw new IllegalStateException(e);
                        }
                    }
                }
            }
        };

        BackupFailedException e = assertThrows(BackupFailedException.class,
                () -> BackupFixturesAccess.withTinyChunks(() -> backups.take(backups.options().request(store)
                        .withCompression(Compression.ZSTD).withJobs(2).withOwnersAndPrivileges(false),
                        cancelWhileCopying)));

        assertTrue(e.getMessage().contains("cancel"), e.getMessage());
        assertEquals(2, connections.size(), "the main connection and one helper were reported");
        for (Connection connection : connections) {
            assertTrue(connection.isClosed());
        }
        assertEquals(List.of(), store.list(""));
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aBackupTakenDuringWritesRestoresToOneConsistentState() throws Exception {
        AtomicBoolean writing = new AtomicBoolean(true);
        ExecutorService writers = Executors.newFixedThreadPool(3);
        List<Future<Integer>> results = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            results.add(writers.submit(() -> {
                int committed = 0;
                try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
                    connection.setAutoCommit(false);
                    while (writing.get()) {
                        // Each transaction adds an order with two lines, so a consistent snapshot has lines = 2 x orders
                        // for the new orders, and every line's order exists.
                        sql.execute("WITH o AS (INSERT INTO shop.orders (note) VALUES ('concurrent') RETURNING id) "
                                + "INSERT INTO shop.lines (order_id, qty) SELECT id, q FROM o, (VALUES (1), (2)) v(q)");
                        connection.commit();
                        committed++;
                    }
                }
                return committed;
            }));
        }
        Thread.sleep(300);
        // The default two copy connections, with every table of more than one block split into block ranges.
        BackupManifest manifest = BackupFixturesAccess
                .withTinyChunks(() -> backups.take(store, Compression.ZSTD));
        writing.set(false);
        int committed = 0;
        for (Future<Integer> result : results) {
            committed += result.get();
        }
        writers.shutdown();
        assertTrue(committed > 0, "writers were busy during the backup");

        DatabaseUrl target = TestPostgres.createDatabase("svc_concurrent");
        restores.restore(restores.locate(store, manifest.backupId()), direct(target), false);

        // The restore re-created the foreign key, which PostgreSQL validates against every restored row.
        long orders = count(target, "shop.orders");
        long lines = count(target, "shop.lines");
        assertEquals(rowsInManifest(manifest, "orders"), orders);
        assertEquals(rowsInManifest(manifest, "lines"), lines);
        long concurrentOrders = count(target, "shop.orders WHERE note = 'concurrent'");
        assertEquals(lines - (orders - concurrentOrders), 2 * concurrentOrders, "no half-written transaction");
    }

    // ---------------------------------------------------------------- helpers

    private void awaitQueuedLock(String table) {
        long until = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            try {
                if (count("pg_locks WHERE relation = '" + table + "'::regclass AND NOT granted") > 0) {
                    return;
                }
                Thread.sleep(20);
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the schema change never queued for its lock");
    }

    private static DirectConnections direct(DatabaseUrl url) {
        return new DirectConnections(url, "cpdb-test", Duration.ofSeconds(10));
    }

    private static long rowsInManifest(BackupManifest manifest, String table) {
        return manifest.tables().stream().filter(t -> t.schema().equals("shop") && t.name().equals(table))
                .findFirst().orElseThrow().rows();
    }

    private String backupOf(DatabaseUrl url) throws Exception {
        java.io.ByteArrayOutputStream script = new java.io.ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(url)) {
            BackupEngine.dump(connection, script, new BackupEngine.Options(Duration.ofSeconds(10),
                    java.time.Instant.now().plusSeconds(120)));
        }
        return script.toString(StandardCharsets.UTF_8);
    }

    private static String scriptWithoutHeader(String script) {
        return script.lines().filter(line -> !line.startsWith("-- source:"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }

    private long count(String table) throws SQLException {
        return count(database.plan().direct(), table);
    }

    private static long count(DatabaseUrl url, String table) throws SQLException {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long userTables(DatabaseUrl url) throws SQLException {
        return count(url, "pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') "
                + "AND n.nspname !~ '^pg_' AND n.nspname <> 'information_schema'");
    }

    private static String query(DatabaseUrl url, String sql) throws SQLException {
        try (Connection connection = TestPostgres.connect(url);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long userTablesNamed(DatabaseUrl url, String name) throws SQLException {
        return count(url, "pg_class WHERE relname = '" + name + "'");
    }

    private static void flipOneByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x01);
        }
    }

    private static String sha256(Path file) throws Exception {
        java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
        return java.util.HexFormat.of().formatHex(digest.digest(Files.readAllBytes(file)));
    }
}
