package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.TestPostgres;

/**
 * Copies on several connections that share the main connection's exported snapshot, tables split into block
 * ranges: the script still restores to the same rows, counts add up over a table's COPY blocks, and any failure of
 * one connection (its lock, the deadline, a cancellation) fails the whole backup naming the phase.
 */
class ParallelCopyTest {

    @Test
    void splitTablesRestoreToTheSameRowsAsASingleConnectionOnTheDefaultMajor() throws Exception {
        sameRowsWithOneOrSeveralConnections(TestPostgres.server());
    }

    @Test
    void splitTablesRestoreToTheSameRowsAsASingleConnectionOnPostgres15() throws Exception {
        sameRowsWithOneOrSeveralConnections(TestPostgres.server15());
    }

    private static void sameRowsWithOneOrSeveralConnections(EmbeddedPostgres server) throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(server, "parallel_source");
        TestPostgres.execute(source, "CREATE TABLE public.big (id bigint PRIMARY KEY, body text, at timestamptz)");
        TestPostgres.execute(source, "INSERT INTO public.big SELECT g, repeat(md5(g::text), 1 + g % 5), "
                + "timestamptz '2025-01-01 00:00+00' + g * interval '1 second' FROM generate_series(1, 20000) g");
        TestPostgres.execute(source, "DELETE FROM public.big WHERE id % 13 = 0");
        TestPostgres.execute(source, "CREATE TABLE public.small (id int)");
        TestPostgres.execute(source, "INSERT INTO public.small VALUES (1), (2)");
        TestPostgres.execute(source, "CREATE TABLE public.empty (id int)");

        Dump single = dump(source, 1);
        Dump parallel = dump(source, 3);

        // Our design: jobs 1 writes one COPY block per table, as before; more jobs split big tables.
        assertEquals(3, copyBlocks(single.script(), ""));
        assertTrue(copyBlocks(parallel.script(), "\"big\"") > 10, "big was split into block ranges");
        assertEquals(1, copyBlocks(parallel.script(), "\"small\""));
        assertEquals(rows(single.result()), rows(parallel.result()));
        assertEquals(20000L - 20000 / 13, stats(parallel.result(), "big").rows(), "sum of the chunks' COPY counts");
        assertEquals(stats(single.result(), "big").bytes(), stats(parallel.result(), "big").bytes(),
                "the same rows make the same COPY text, however it is split");
        DatabaseUrl fromSingle = TestPostgres.createDatabase(server, "parallel_single");
        DatabaseUrl fromParallel = TestPostgres.createDatabase(server, "parallel_split");
        BackupFixtures.restore(fromSingle, single.script(), false);
        BackupFixtures.restore(fromParallel, parallel.script(), false);
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(fromParallel));
        assertEquals(BackupFixtures.rowHashes(fromSingle), BackupFixtures.rowHashes(fromParallel));
    }

    @Test
    void oneJobNeverOpensAHelperConnection() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "one_job");
        TestPostgres.execute(source, "CREATE TABLE public.t AS SELECT g FROM generate_series(1, 5000) g");
        ByteArrayOutputStream script = new ByteArrayOutputStream();

        try (Connection connection = TestPostgres.connect(source)) {
            BackupFixtures.withChunkBytes(BackupFixtures.TINY_CHUNKS, () -> BackupEngine.dump(connection, script,
                    options(Instant.now().plusSeconds(60)).withJobs(1, () -> {
                        throw new SQLException("no helper may be opened with one job");
                    })));
        }

        assertEquals(1, copyBlocks(script.toByteArray(), "\"t\""));
    }

    @Test
    void valuesLargerThanTheCopyBuffersPassThrough() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "large_values");
        TestPostgres.execute(source, "CREATE TABLE public.blobs (id int, data bytea)");
        // 12 MB of bytea is 24 MB of COPY text per row, more than a chunk's buffer of rows copied ahead.
        TestPostgres.execute(source, "INSERT INTO public.blobs SELECT g, decode(repeat(md5(g::text), 750000), "
                + "'hex') FROM generate_series(1, 3) g");
        TestPostgres.execute(source, "CREATE TABLE public.rows AS SELECT g FROM generate_series(1, 20000) g");

        Dump dump = dump(source, 2);
        DatabaseUrl target = TestPostgres.createDatabase(TestPostgres.server(), "large_values_target");
        BackupFixtures.restore(target, dump.script(), false);

        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    @Test
    void aHelperThatCannotLockATableFailsTheBackupOnTheLockTimeout() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "helper_lock");
        TestPostgres.execute(source, "CREATE TABLE public.t AS SELECT g, repeat('x', 100) AS pad "
                + "FROM generate_series(1, 5000) g");
        ExecutorService ddl = Executors.newSingleThreadExecutor();
        List<Future<?>> alter = new CopyOnWriteArrayList<>();
        try (Connection connection = TestPostgres.connect(source)) {
            // The main connection holds ACCESS SHARE on t by now. A schema change queues behind it, and the helper's
            // implicit lock queues behind the schema change (PostgreSQL grants locks in order): only the lock
            // timeout gets it out.
            BackupEngine.ConnectionSource helpers = () -> {
                alter.add(ddl.submit(() -> {
                    TestPostgres.execute(source, "ALTER TABLE public.t ADD COLUMN extra integer");
                    return null;
                }));
                awaitQueuedLock(source);
                return TestPostgres.connect(source);
            };
            BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.withChunkBytes(
                    BackupFixtures.TINY_CHUNKS, () -> BackupEngine.dump(connection, OutputStream.nullOutputStream(),
                            new BackupEngine.Options(Duration.ofSeconds(1), Instant.now().plusSeconds(60))
                                    .withJobs(2, helpers))));

            assertEquals("copying public.t", e.phase());
            assertTrue(e.getMessage().contains("could not lock"), e.getMessage());
            assertTrue(e.retryable());
        }
        // Once the backup let go of its locks, the schema change went through.
        alter.get(0).get(30, TimeUnit.SECONDS);
        ddl.shutdown();
    }

    @Test
    void aDeadlinePassingDuringAParallelCopyNamesTheTable() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "parallel_deadline");
        TestPostgres.execute(source, "CREATE TABLE public.t AS SELECT g, repeat('y', 200) AS pad "
                + "FROM generate_series(1, 20000) g");

        try (Connection connection = TestPostgres.connect(source)) {
            // A destination that takes 20 ms per write outlives a 1.5 s deadline part-way through the rows.
            BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.withChunkBytes(
                    BackupFixtures.TINY_CHUNKS, () -> BackupEngine.dump(connection, slowOutput(),
                            options(Instant.now().plusMillis(1500)).withJobs(2, () -> TestPostgres.connect(source)))));

            assertTrue(e.getMessage().contains("deadline"), e.getMessage());
            assertEquals("copying public.t", e.phase());
        }
    }

    @Test
    void aCancelledBackupStopsAndClosesItsHelperConnections() throws Exception {
        DatabaseUrl source = TestPostgres.createDatabase(TestPostgres.server(), "parallel_cancel");
        TestPostgres.execute(source, "CREATE TABLE public.t AS SELECT g, repeat('z', 200) AS pad "
                + "FROM generate_series(1, 20000) g");
        AtomicBoolean cancelled = new AtomicBoolean();
        List<Connection> opened = new CopyOnWriteArrayList<>();
        OutputStream cancelAfterAFewRows = new OutputStream() {
            private long bytes;

            @Override
            public void write(int b) {
                write(new byte[] { (byte) b }, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes += len;
                if (bytes > 200_000) {
                    cancelled.set(true);
                }
            }
        };

        try (Connection connection = TestPostgres.connect(source)) {
            BackupException e = assertThrows(BackupException.class, () -> BackupFixtures.withChunkBytes(
                    BackupFixtures.TINY_CHUNKS, () -> BackupEngine.dump(connection, cancelAfterAFewRows,
                            options(Instant.now().plusSeconds(60)).withCancellation(cancelled::get).withJobs(3,
                                    () -> {
                                        Connection helper = TestPostgres.connect(source);
                                        opened.add(helper);
                                        return helper;
                                    }))));

            assertTrue(e.getMessage().contains("cancelled"), e.getMessage());
        }
        assertEquals(2, opened.size());
        for (Connection helper : opened) {
            assertTrue(helper.isClosed(), "helpers are closed when the backup stops");
        }
    }

    // ---------------------------------------------------------------- helpers

    private record Dump(byte[] script, DumpResult result) {
    }

    private static Dump dump(DatabaseUrl url, int jobs) throws SQLException {
        ByteArrayOutputStream script = new ByteArrayOutputStream();
        try (Connection connection = TestPostgres.connect(url)) {
            DumpResult result = BackupFixtures.withChunkBytes(BackupFixtures.TINY_CHUNKS,
                    () -> BackupEngine.dump(connection, script,
                            options(Instant.now().plusSeconds(300)).withJobs(jobs, () -> TestPostgres.connect(url))));
            return new Dump(script.toByteArray(), result);
        }
    }

    private static BackupEngine.Options options(Instant deadline) {
        return new BackupEngine.Options(Duration.ofSeconds(10), deadline);
    }

    private static List<Long> rows(DumpResult result) {
        return result.tables().stream().map(TableStats::rows).toList();
    }

    private static TableStats stats(DumpResult result, String table) {
        return result.tables().stream().filter(t -> t.name().equals(table)).findFirst().orElseThrow();
    }

    /** COPY blocks in the script whose table name contains {@code table}. */
    private static long copyBlocks(byte[] script, String table) {
        return new String(script, StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("COPY \"public\".") && line.endsWith("FROM stdin;"))
                .filter(line -> line.contains(table))
                .count();
    }

    private static void awaitQueuedLock(DatabaseUrl url) throws SQLException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            if (!BackupFixtures.query(url, "SELECT count(*) FROM pg_locks WHERE relation = 'public.t'::regclass "
                    + "AND NOT granted").equals("0")) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the schema change never queued for its lock");
    }

    private static OutputStream slowOutput() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                pause();
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                pause();
            }

            private void pause() throws IOException {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        };
    }
}
