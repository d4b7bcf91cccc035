package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.backup.engine.BackupFixturesAccess;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.DirectConnections;
import dev.cpdb.database.replica.ReadPath;
import dev.cpdb.database.replica.WalPosition;
import dev.cpdb.testing.Await;
import dev.cpdb.testing.LogLines;
import dev.cpdb.testing.ReadReplicaProfiles;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.StreamingReplica;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Backups with {@code CPDB_BACKUP_SOURCE=replica} against a real streaming replica (see {@link StreamingReplica}):
 * taken through the backup runner (lease and run row on the primary), they read their data on the replica, restore to
 * the primary's content and record where they read; with the replica stopped they read from the primary and say why.
 * Expectations come from cpdb's design ({@link BackupSource}) and from PostgreSQL (a standby's
 * {@code pg_stat_database} counts the transactions run on it).
 */
@QuarkusTest
@TestProfile(ReadReplicaProfiles.BackupsFromReplica.class)
@RequiresPostgresClientTools
class ReplicaBackupTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final List<String> FIXTURE_SCHEMAS = List.of("shop.", "audit.", "reporting.");

    @Inject
    BackupJobs jobs;

    @Inject
    BackupOptions options;

    @Inject
    RestoreService restores;

    @Inject
    Database database;

    @Inject
    ReadPath readPath;

    private static StreamingReplica pair() {
        return StreamingReplica.shared();
    }

    private String databaseName() {
        return database.plan().direct().database();
    }

    /** The replica's name as status and manifests give it. */
    private String replicaName() {
        DatabaseUrl replica = pair().url(databaseName());
        return replica.host() + ":" + replica.port() + "/" + databaseName();
    }

    @Test
    void aBackupReadsOnAHealthyReplicaRestoresToThePrimarysRowsAndRecordsWhereItStood() throws Exception {
        DatabaseUrl primary = database.plan().direct();
        BackupFixturesAccess.loadApplicationFixture(primary);
        pair().awaitReplayed();
        awaitState("streaming");
        long committedBefore = pair().committedOnReplica(databaseName());

        BackupStore store = options.folder(TestFolders.create("cpdb-replica-backups"));
        BackupManifest manifest = backUp(store);

        assertEquals("replica", manifest.source().readFrom());
        assertEquals(replicaName(), manifest.source().replica());
        assertTrue(WalPosition.parse(manifest.source().replayPosition()).known());
        assertNull(manifest.source().fallback());
        // The lease and the run row stayed on the primary.
        assertEquals(List.of("succeeded"), TestPostgres.column(primary,
                "SELECT status FROM public.backup_runs WHERE backup_id = '" + manifest.backupId() + "'"));
        // The replica's own statistics count the dump's transactions in this database.
        Await.until(WAIT, () -> pair().committedOnReplica(databaseName()) > committedBefore);

        DatabaseUrl target = pair().primaryUrl(pair().createDatabase("from_replica"));
        restores.restore(new RestoreService.Located(store, manifest.backupId(), manifest),
                new DirectConnections(target, "cpdb-test", Duration.ofSeconds(10)), false);
        assertEquals(fixtureRows(primary), fixtureRows(target));
        assertTrue(fixtureRows(target).size() > 5, fixtureRows(target).toString());
    }

    @Test
    void withTheReplicaStoppedTheBackupReadsOnThePrimaryAndSaysWhy() throws Exception {
        awaitState("streaming");
        pair().stopServer();
        try (LogLines warnings = LogLines.capture(BackupSource.class.getName())) {
            awaitState("down");

            BackupManifest manifest = backUp(options.folder(TestFolders.create("cpdb-replica-backups")));

            assertEquals("primary", manifest.source().readFrom());
            assertNull(manifest.source().replica());
            assertNull(manifest.source().replayPosition());
            assertTrue(manifest.source().fallback().contains(replicaName() + " is down"),
                    manifest.source().fallback());
            assertTrue(warnings.lines().contains("backup " + manifest.backupId() + " reads from the primary: "
                    + manifest.source().fallback()), warnings.lines().toString());
        } finally {
            pair().startServer();
        }
        awaitState("streaming");
    }

    private BackupManifest backUp(BackupStore store) {
        BackupJobs.Start outcome = jobs.runHere(options.request(store).withJobs(2), "cli");
        return assertInstanceOf(BackupJobs.Finished.class, outcome).manifest();
    }

    /** Row fingerprints of the application fixture's tables. */
    private static Map<String, String> fixtureRows(DatabaseUrl url) throws SQLException {
        return BackupFixturesAccess.rowHashes(url).entrySet().stream()
                .filter(table -> FIXTURE_SCHEMAS.stream().anyMatch(table.getKey()::startsWith))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private void awaitState(String state) throws InterruptedException {
        Await.until(WAIT, () -> state.equals(readPath.status().get(0).state()));
    }
}
