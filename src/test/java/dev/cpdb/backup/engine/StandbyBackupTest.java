package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.Await;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.StreamingReplica;
import dev.cpdb.testing.TestPostgres;

/**
 * The backup engine on a hot standby (a real streaming replica of PostgreSQL 15, see {@link StreamingReplica}): the
 * dump's snapshot, its table locks and the exported snapshot its helpers share all work there (PostgreSQL allows
 * exported snapshots on a standby from version 10), and its backup restores to what one from the primary restores
 * to; a conflict with recovery that cancels it is reported as such. Expectations come from PostgreSQL's hot standby
 * (replaying an {@code ACCESS EXCLUSIVE} lock cancels a session holding a conflicting lock once
 * {@code max_standby_streaming_delay} has passed, with SQLSTATE 40001) and from cpdb's design.
 */
@RequiresPostgresClientTools
class StandbyBackupTest {

    /** PostgreSQL's {@code SEQ_LOG_VALS}: how far ahead of the values handed out a sequence is logged. */
    private static final long SEQUENCE_LOGGED_AHEAD = 32;
    private static final String SEQUENCES = "pg_sequence";
    private static final Pattern LAST_VALUE = Pattern.compile(" last=(\\d*)");

    private static StreamingReplica pair() {
        return StreamingReplica.shared();
    }

    @Test
    void aBackupFromTheStandbyWithSharedSnapshotsRestoresLikeOneFromThePrimary() throws Exception {
        String name = pair().createDatabase("standby_dump");
        BackupFixtures.loadApplicationFixture(pair().primaryUrl(name));
        pair().awaitReplayed();
        byte[] fromPrimary = BackupFixtures.dump(pair().primaryUrl(name), 2);
        long committedBefore = pair().committedOnReplica(name);
        byte[] fromStandby = BackupFixtures.dump(pair().url(name), 2);

        DatabaseUrl restoredPrimary = restored(fromPrimary, "from_primary");
        DatabaseUrl restoredStandby = restored(fromStandby, "from_standby");
        assertEquals(BackupFixtures.rowHashes(pair().primaryUrl(name)), BackupFixtures.rowHashes(restoredStandby));
        assertEquals(BackupFixtures.rowHashes(restoredPrimary), BackupFixtures.rowHashes(restoredStandby));
        CatalogCensus censusPrimary = CatalogCensus.take(restoredPrimary);
        CatalogCensus censusStandby = CatalogCensus.take(restoredStandby);
        assertEquals(withoutSequenceValues(censusPrimary), withoutSequenceValues(censusStandby));
        // PostgreSQL logs a sequence 32 values ahead of the values handed out, and a standby only sees what was
        // logged: its sequences may be ahead of the primary's (a gap after a restore), never behind (a reused key).
        Map<String, Long> primaryValues = sequenceValues(censusPrimary);
        Map<String, Long> standbyValues = sequenceValues(censusStandby);
        assertEquals(primaryValues.keySet(), standbyValues.keySet());
        primaryValues.forEach((sequence, value) -> assertTrue(standbyValues.get(sequence) >= value
                && standbyValues.get(sequence) <= value + SEQUENCE_LOGGED_AHEAD,
                sequence + ": " + value + " on the "
                        + "primary, " + standbyValues.get(sequence) + " on the standby"));
        BackupFixtures.assertSameSchema(BackupFixtures.comparableSchema(restoredPrimary),
                BackupFixtures.comparableSchema(restoredStandby));
        // The standby's own statistics count the dump's transaction in that database: the rows were read there.
        Await.until(Duration.ofSeconds(30), () -> pair().committedOnReplica(name) > committedBefore);
    }

    @Test
    void aConflictWithRecoveryThatCancelsTheBackupIsNamedAsSuch() throws Exception {
        String name = pair().createDatabase("standby_conflict");
        DatabaseUrl primary = pair().primaryUrl(name);
        TestPostgres.execute(primary, "CREATE TABLE public.first (id int); CREATE TABLE public.second (id int); "
                + "INSERT INTO public.first VALUES (1); INSERT INTO public.second VALUES (2)");
        pair().awaitReplayed();
        DatabaseUrl standby = pair().url(name);
        TestPostgres.execute(standby, "ALTER SYSTEM SET max_standby_streaming_delay = 0");
        TestPostgres.execute(standby, "SELECT pg_reload_conf()");
        AtomicBoolean locked = new AtomicBoolean();
        try (Connection connection = TestPostgres.connect(standby)) {
            BackupException cancelled = assertThrows(BackupException.class,
                    () -> BackupEngine.dump(connection, new ByteArrayOutputStream(),
                            new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(120))
                                    .withPhases(phase -> {
                                        // While the dump holds its ACCESS SHARE locks on the standby, the primary
                                        // takes an ACCESS EXCLUSIVE lock, whose replay must not wait.
                                        if (phase.startsWith("copying") && locked.compareAndSet(false, true)) {
                                            TestPostgres.execute(primary, "BEGIN; LOCK TABLE public.second IN "
                                                    + "ACCESS EXCLUSIVE MODE; COMMIT");
                                            pair().awaitReplayed();
                                        }
                                    })));

            assertTrue(cancelled.getMessage().contains("conflict with recovery: SQLSTATE 40001"),
                    cancelled.getMessage());
            assertTrue(cancelled.getMessage().contains("max_standby_streaming_delay"), cancelled.getMessage());
            assertTrue(cancelled.getMessage().contains("hot_standby_feedback"), cancelled.getMessage());
            assertTrue(cancelled.retryable());
        } finally {
            TestPostgres.execute(standby, "ALTER SYSTEM RESET max_standby_streaming_delay");
            TestPostgres.execute(standby, "SELECT pg_reload_conf()");
        }
    }

    @Test
    void unloggedTablesRefuseABackupOnTheStandbyByNameBeforeAnythingIsWritten() throws Exception {
        String name = pair().createDatabase("standby_unlogged");
        TestPostgres.execute(pair().primaryUrl(name), "CREATE UNLOGGED TABLE public.scratch (id int); "
                + "INSERT INTO public.scratch VALUES (1); CREATE TABLE public.kept (id int)");
        pair().awaitReplayed();
        ByteArrayOutputStream script = new ByteArrayOutputStream();

        try (Connection connection = TestPostgres.connect(pair().url(name))) {
            BackupException refused = assertThrows(BackupException.class, () -> BackupEngine.dump(connection, script,
                    new BackupEngine.Options(Duration.ofSeconds(10), Instant.now().plusSeconds(60))));

            assertTrue(refused.getMessage().contains("hot standby") && refused.getMessage().contains("public.scratch")
                    && !refused.getMessage().contains("public.kept"), refused.getMessage());
            assertTrue(refused.getMessage().contains("CPDB_BACKUP_SOURCE=primary"), refused.getMessage());
        }
        assertEquals(0, script.size());
    }

    /** Every section of the census with the sequences' current values left out. */
    private static Map<String, List<String>> withoutSequenceValues(CatalogCensus census) {
        Map<String, List<String>> sections = new TreeMap<>(census.sections());
        sections.put(SEQUENCES, census.section(SEQUENCES).stream()
                .map(line -> LAST_VALUE.matcher(line).replaceAll("")).toList());
        return sections;
    }

    private static Map<String, Long> sequenceValues(CatalogCensus census) {
        Map<String, Long> values = new TreeMap<>();
        for (String line : census.section(SEQUENCES)) {
            java.util.regex.Matcher last = LAST_VALUE.matcher(line);
            assertTrue(last.find(), line);
            // Empty for a sequence never used, on both servers.
            values.put(line.substring(0, line.indexOf(' ')), last.group(1).isEmpty() ? -1 : Long.parseLong(
                    last.group(1)));
        }
        return values;
    }

    /** A new database on the primary with {@code script} restored into it by cpdb. */
    private static DatabaseUrl restored(byte[] script, String prefix) throws SQLException {
        DatabaseUrl target = pair().primaryUrl(pair().createDatabase(prefix));
        BackupFixtures.restore(target, script, false);
        return target;
    }
}
