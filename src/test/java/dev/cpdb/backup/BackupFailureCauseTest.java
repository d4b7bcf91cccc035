package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.backup.store.FilesystemBackupStore;
import dev.cpdb.backup.store.ForwardingStore;
import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.Await;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A backup whose statement the server cancels says who cancelled it. PostgreSQL reports every cancelled statement
 * with SQLSTATE 57014, whether the statement timeout fired (cpdb sets it from the backup deadline) or another session
 * called {@code pg_cancel_backend}; the run row and the exception must tell the two apart. Shutdown, the third cause,
 * is covered by {@link BackupRunnerIT} and {@link BackupLeaseIT}.
 *
 * <p>
 * To cancel mid-COPY for sure, the store holds the backup's first write: the backup's copy connection then stops
 * reading, and the server waits with the COPY half sent ({@code wait_event = 'ClientWrite'}). A cancel request is
 * acted on once the server can write again, at its next row (PostgreSQL's behaviour), so the test releases the store
 * after cancelling.
 */
@QuarkusTest
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupFailureCauseTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Inject
    Database database;

    @Inject
    BackupJobs jobs;

    @Inject
    BackupOptions options;

    @Inject
    ObjectMapper json;

    HeldUploads store;

    /** Compressed on disk to a few pages, about 60 MB as COPY text: more than the copy buffers and socket hold. */
    @BeforeEach
    void aTableLargerThanEveryBuffer() {
        store = new HeldUploads(new FilesystemBackupStore(TestFolders.create("cpdb-cancel").resolve("backups")));
        DatabaseUrl source = database.plan().direct();
        TestPostgres.execute(source, "CREATE SCHEMA IF NOT EXISTS cancel");
        TestPostgres.execute(source, "CREATE TABLE IF NOT EXISTS cancel.big (id int PRIMARY KEY, body text)");
        TestPostgres.execute(source,
                "INSERT INTO cancel.big SELECT g, repeat('x', 1000000) FROM generate_series(1, 60) g "
                        + "ON CONFLICT DO NOTHING");
    }

    @Test
    void aCopyCancelledByAnotherSessionIsReportedAsSuchNotAsTheDeadline() throws Exception {
        BackupRequest request = options.request(store).withCompression(Compression.NONE).withJobs(1);
        CompletableFuture<BackupJobs.Start> backup = CompletableFuture.supplyAsync(() -> jobs.runHere(request, "cli"));
        String copying = awaitCopyWaitingOnItsClient();

        // What an operator does to a query they do not want: it runs as another session, never as cpdb.
        assertEquals("t", TestPostgres.column(database.plan().direct(), "SELECT pg_cancel_backend(" + copying + ")")
                .get(0));
        store.release();

        BackupFailedException failure = failureOf(backup);
        assertTrue(failure.getMessage().startsWith("backup failed while copying cancel.big: its statement was "
                + "cancelled by an administrator or another session (pg_cancel_backend)"), failure.getMessage());
        assertFalse(failure.getMessage().contains("deadline passed"), failure.getMessage());
        List<String> run = TestPostgres.column(database.plan().direct(), "SELECT status || ': ' || error FROM "
                + "public.backup_runs WHERE target = '" + store.location() + "'");
        assertEquals(List.of("failed: " + failure.getMessage()), run, "the run row names the same cause");
        assertEquals(List.of(), store.list(""), "nothing that looks like a backup is left");
        assertEquals(List.of(), store.pendingUploads(""));
    }

    @Test
    void aCopyStoppedByTheBackupDeadlineNamesTheDeadline() throws Exception {
        Duration deadline = Duration.ofSeconds(5);
        TestBackups impatient = TestBackups.wired(database, new ShortLockTimeout() {
            @Override
            public Duration deadline() {
                return deadline;
            }
        }, json);
        long started = System.nanoTime();
        CompletableFuture<BackupManifest> backup = CompletableFuture.supplyAsync(() -> impatient.take(
                impatient.options().request(store).withCompression(Compression.NONE).withJobs(1),
                BackupPipeline.Progress.NONE));
        // On a slow machine the deadline may pass before the copy starts; the cause is the same.
        Await.until(PATIENCE, () -> store.held.getCount() == 0 || backup.isDone());
        // The statement timeout fires while the server waits on its client; it is acted on once the store goes on.
        Thread.sleep(Math.max(0, deadline.plusSeconds(1).toMillis() - (System.nanoTime() - started) / 1_000_000));
        store.release();

        BackupFailedException failure = failureOf(backup);
        assertTrue(failure.getMessage().contains("the backup deadline passed"), failure.getMessage());
        assertFalse(failure.getMessage().contains("administrator"), failure.getMessage());
        assertEquals(List.of(), store.list(""));
    }

    /** The process id of the backend whose COPY of {@code cancel.big} waits for the backup to read on. */
    private String awaitCopyWaitingOnItsClient() throws Exception {
        assertTrue(store.held.await(PATIENCE.toSeconds(), TimeUnit.SECONDS), "the backup reached the store");
        String waiting = "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE "
                + "'COPY %big%' AND wait_event = 'ClientWrite'";
        Await.until(PATIENCE, () -> !pids(waiting).isEmpty());
        return pids(waiting).get(0);
    }

    private List<String> pids(String sql) {
        try {
            return TestPostgres.column(database.plan().direct(), sql);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static BackupFailedException failureOf(CompletableFuture<?> backup) throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> backup.get(PATIENCE.toSeconds(), TimeUnit.SECONDS));
        return assertInstanceOf(BackupFailedException.class, e.getCause());
    }

    /** A folder store whose uploads hold their first write until {@link #release()}. */
    private static final class HeldUploads extends ForwardingStore {

        final CountDownLatch held = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        HeldUploads(BackupStore delegate) {
            super(delegate);
        }

        void release() {
            released.countDown();
        }

        @Override
        public Upload create(String key) throws IOException {
            Upload upload = delegate.create(key);
            OutputStream holding = new FilterOutputStream(upload.stream()) {
                @Override
                public void write(byte[] bytes, int offset, int length) throws IOException {
                    hold();
                    out.write(bytes, offset, length);
                }

                @Override
                public void write(int b) throws IOException {
                    hold();
                    out.write(b);
                }
            };
            return new Upload() {
                @Override
                public OutputStream stream() {
                    return holding;
                }

                @Override
                public void commit() throws IOException {
                    upload.commit();
                }

                @Override
                public void abort() {
                    upload.abort();
                }
            };
        }

        private void hold() throws InterruptedIOException {
            held.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("the test stopped");
            }
        }
    }
}
