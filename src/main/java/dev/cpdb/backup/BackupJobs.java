package dev.cpdb.backup;

import java.io.IOException;
import java.net.InetAddress;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import dev.cpdb.backup.engine.Compression;
import dev.cpdb.backup.retention.BackupRetention;
import dev.cpdb.backup.retention.InterruptedBackupCleanup;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.migration.SchemaChangeGate;
import io.quarkus.runtime.ShutdownEvent;

/**
 * Runs backups and restore drills in the background for the schedule and the HTTP API, recording each run in
 * {@code backup_runs}.
 *
 * <p>
 * A backup runs only while this replica holds the {@code backup_lease} row (taken with database time, renewed by a
 * heartbeat every third of its lifetime, released at the end), so exactly one backup runs at a time across all
 * replicas; a replica that dies stops renewing and the lease is free again within {@code CPDB_BACKUP_LEASE_TTL}. On
 * shutdown a running backup is cancelled: its statement is cancelled on the server, the upload aborted and the lease
 * released. All work here is blocking JDBC on dedicated threads.
 */
@ApplicationScoped
public class BackupJobs {

    /** How long shutdown waits for a cancelled backup to clean up. */
    static final Duration CANCEL_WAIT = Duration.ofSeconds(15);

    /**
     * How long start-up waits for the leftovers of interrupted backups to be removed; an unreachable store (whose
     * requests the S3 client retries for longer) then delays start-up by at most this.
     */
    static final Duration LEFTOVER_WAIT = Duration.ofSeconds(10);

    private static final Logger LOG = Logger.getLogger(BackupJobs.class);

    /** Outcome of asking for a run. */
    public sealed interface Start {
    }

    /** The run was started with this id. */
    public record Started(String runId) implements Start {
    }

    /** Another backup holds the lease. */
    public record Busy(String runningId) implements Start {
    }

    /** The schedule slot was already taken by another run. */
    public record SlotTaken(Instant slot) implements Start {
    }

    /** A schema migration of this database runs (holds the schema-change gate); {@code who} names its session. */
    public record MigrationRunning(String who) implements Start {
    }

    /**
     * How long a backup tries for the schema-change gate: a migration that only looked at the backup lease lets go
     * within milliseconds; one that runs holds it until it ends, and the backup is refused.
     */
    static final Duration GATE_WAIT = Duration.ofSeconds(2);

    private final Database database;
    private final BackupService backups;
    private final VerifyService verifier;
    private final BackupConfig config;
    private final BackupMetrics metrics;
    private final BackupRetention retention;
    private final String holder;
    private final ExecutorService backupThread = Executors.newSingleThreadExecutor(named("cpdb-backup"));
    private final ExecutorService verifyThread = Executors.newSingleThreadExecutor(named("cpdb-backup-verify"));
    private final ExecutorService leftoverThread = Executors.newSingleThreadExecutor(named("cpdb-backup-leftovers"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            named("cpdb-backup-lease"));
    private final AtomicReference<Running> current = new AtomicReference<>();

    /** How often a running backup's current phase is written to its run record, at most. */
    static final Duration PHASE_INTERVAL = Duration.ofMillis(500);

    /** The backup running on this replica. */
    private static final class Running {
        final String id;
        final java.util.List<Connection> connections = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile boolean cancelled;
        final SchemaChangeGate.Hold gate;
        volatile Future<?> task;

        Running(String id, SchemaChangeGate.Hold gate) {
            this.id = id;
            this.gate = gate;
        }
    }

    public BackupJobs(Database database, BackupService backups, VerifyService verifier, BackupConfig config,
            BackupMetrics metrics, BackupRetention retention) {
        this.database = database;
        this.backups = backups;
        this.verifier = verifier;
        this.config = config;
        this.metrics = metrics;
        this.retention = retention;
        this.holder = hostName() + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString()
                .substring(0, 8);
    }

    /** This replica's name in leases and runs. */
    public String holder() {
        return holder;
    }

    /**
     * Starts a backup to the configured store unless another one runs (on any replica) or, for a scheduled run,
     * the slot was already taken. Blocking: call from a worker thread.
     */
    public Start startBackup(String trigger, Instant slot) {
        String id = BackupId.next(Instant.now());
        BackupStore store = backups.defaultStore();
        Compression compression = backups.defaultCompression();
        SchemaChangeGate.Hold gate = null;
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.acquireLease(connection, holder, id, config.leaseTtl())) {
                return new Busy(BackupRunRepository.leaseHolderRun(connection).orElse("unknown"));
            }
            // Under the lease, so the only other holders of the gate are migrations: no migration takes table locks
            // while this backup runs, and none runs now (see SchemaChangeGate).
            gate = SchemaChangeGate.tryForBackup(database.direct(), GATE_WAIT).orElse(null);
            if (gate == null) {
                BackupRunRepository.releaseLease(connection, holder, id);
                return new MigrationRunning(SchemaChangeGate.migrationsHolding(database.direct()));
            }
            if (!BackupRunRepository.insert(connection, id, "backup", id, trigger, slot, store.location(), holder)) {
                BackupRunRepository.releaseLease(connection, holder, id);
                gate.close();
                return new SlotTaken(slot);
            }
        } catch (SQLException e) {
            if (gate != null) {
                gate.close();
            }
            throw new BackupFailedException("cannot start a backup: " + e.getMessage(), e);
        }
        Running running = new Running(id, gate);
        current.set(running);
        metrics.running(true);
        running.task = backupThread.submit(() -> runBackup(running, store, compression));
        return new Started(id);
    }

    private void runBackup(Running running, BackupStore store, Compression compression) {
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renew(running),
                config.leaseTtl().toMillis() / 3, config.leaseTtl().toMillis() / 3, TimeUnit.MILLISECONDS);
        // Phases change once per table; the run record gets the latest one at most every PHASE_INTERVAL, written
        // beside the backup instead of in its way (a connection per table used to slow down many-table databases).
        AtomicReference<String> latestPhase = new AtomicReference<>();
        ScheduledFuture<?> phaseWriter = heartbeats.scheduleWithFixedDelay(() -> {
            String phase = latestPhase.getAndSet(null);
            if (phase != null) {
                recordPhase(running.id, phase);
            }
        }, 0, PHASE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        Instant started = Instant.now();
        try {
            BackupManifest manifest = backups.backup(store, compression, running.id, new BackupService.Progress() {
                @Override
                public void connected(Connection connection) {
                    running.connections.add(connection);
                }

                @Override
                public boolean cancelled() {
                    return running.cancelled;
                }

                @Override
                public void phase(String phase) {
                    latestPhase.set(phase);
                }
            });
            phaseWriter.cancel(false);
            finish(running.id, true, manifest.data().bytes(), manifest.totalRows(), null);
            metrics.succeeded(Instant.now().getEpochSecond(), Duration.between(started, Instant.now()).toMillis(),
                    manifest.data().bytes());
            // Still under the lease: no other replica prunes while this one does.
            retention.afterBackup(store);
        } catch (RuntimeException e) {
            String reason = running.cancelled ? "cancelled: " + e.getMessage() : e.getMessage();
            LOG.errorf("backup %s failed: %s", running.id, reason);
            finish(running.id, false, null, null, reason);
            metrics.failed(Instant.now().getEpochSecond());
        } finally {
            phaseWriter.cancel(false);
            heartbeat.cancel(false);
            release(running.id);
            running.gate.close();
            current.compareAndSet(running, null);
            metrics.running(false);
        }
    }

    /**
     * Starts a restore drill of a committed backup in the background.
     *
     * @return the drill's run id
     */
    public Start startVerify(BackupService.Located backup, String trigger, Instant slot) {
        return startVerify(backup, trigger, slot, false);
    }

    /**
     * Starts a restore drill, accepting a backup without (known) signature when {@code allowUnsigned}.
     *
     * @see #startVerify(BackupService.Located, String, Instant)
     */
    public Start startVerify(BackupService.Located backup, String trigger, Instant slot, boolean allowUnsigned) {
        String id = "verify-" + BackupId.next(Instant.now());
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.insert(connection, id, "verify", backup.id(), trigger, slot,
                    backup.store().location(), holder)) {
                return new SlotTaken(slot);
            }
        } catch (SQLException e) {
            throw new BackupFailedException("cannot start a restore drill: " + e.getMessage(), e);
        }
        verifyThread.submit(() -> {
            VerifyResult result = verifier.verify(backup, allowUnsigned);
            finish(id, result.passed(), null, result.rows(),
                    result.passed() ? null : result.error() + (result.mismatches().isEmpty() ? ""
                            : ": " + String.join("; ", result.mismatches())));
            metrics.verified(result.passed());
        });
        return new Started(id);
    }

    /** The id of the backup running on this replica, if any. */
    public Optional<String> runningHere() {
        Running running = current.get();
        return running == null ? Optional.empty() : Optional.of(running.id);
    }

    /**
     * Marks runs of replicas that died as failed and removes what their backups left in the store they were writing
     * to (multipart uploads, temporary files, a data object without manifest; never a committed backup). A run counts
     * as interrupted only once its lease has expired, so the upload of a backup running on another replica is never
     * touched. Store failures are logged and do not stop the caller: a later prune removes what is left once it is
     * older than the leftover age. Waits at most {@link #LEFTOVER_WAIT} for the store.
     *
     * @return the ids of the runs marked failed
     */
    public List<String> failInterruptedRuns() {
        List<BackupRun> interrupted;
        try (Connection connection = database.direct().open()) {
            interrupted = BackupRunRepository.failInterrupted(connection, config.deadline().plusMinutes(5));
        } catch (SQLException e) {
            LOG.warnf("cannot check for interrupted backup runs: %s", e.getMessage());
            return List.of();
        }
        interrupted.forEach(run -> LOG.warnf("run %s was interrupted (its replica stopped); marked failed", run.id()));
        List<BackupRun> backupRuns = interrupted.stream().filter(run -> run.kind().equals("backup")).toList();
        if (!backupRuns.isEmpty()) {
            awaitLeftoverRemoval(leftoverThread.submit(() -> backupRuns.forEach(this::removeLeftovers)));
        }
        return interrupted.stream().map(BackupRun::id).toList();
    }

    private void removeLeftovers(BackupRun run) {
        try {
            BackupStore store = backups.store(run.target());
            Optional<BackupManifest> committed = backups.manifest(store, run.backupId());
            if (committed.isPresent()) {
                recordCommitted(run, committed.get());
                return;
            }
            List<String> removed = InterruptedBackupCleanup.removeLeftovers(store, run.backupId());
            removed.forEach(what -> LOG.infof("removed the %s left by interrupted backup %s in %s", what,
                    run.backupId(), store.location()));
        } catch (IOException | RuntimeException e) {
            LOG.warnf("the leftovers of interrupted backup %s in %s were not removed: %s; a prune removes them once "
                    + "they are older than the leftover age", run.backupId(), run.target(), e.getMessage());
        }
    }

    /**
     * The replica stopped after writing the manifest but before recording the result: the backup is complete, so its
     * run says so rather than "failed".
     */
    private void recordCommitted(BackupRun run, BackupManifest manifest) {
        try (Connection connection = database.direct().open()) {
            BackupRunRepository.finish(connection, run.id(), true, manifest.data().bytes(), manifest.totalRows(), null);
            LOG.infof("interrupted run %s had committed backup %s before its replica stopped; marked succeeded",
                    run.id(), run.backupId());
        } catch (SQLException e) {
            LOG.warnf("backup %s is committed but its run %s could not be marked succeeded: %s", run.backupId(),
                    run.id(), e.getMessage());
        }
    }

    private static void awaitLeftoverRemoval(Future<?> removal) {
        try {
            removal.get(LEFTOVER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("the backup store did not answer within %d s; the leftovers of interrupted backups are removed "
                    + "in the background", LEFTOVER_WAIT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.warnf("removing the leftovers of interrupted backups failed: %s", e.getCause().getMessage());
        }
    }

    /**
     * Cancels the backup running on this replica and waits a bounded time for it to clean up (abort the upload,
     * record the failure, release the lease).
     */
    public void cancelRunning(Duration wait) {
        Running running = current.get();
        if (running == null) {
            return;
        }
        running.cancelled = true;
        LOG.warnf("cancelling backup %s", running.id);
        // Every connection of the backup (the main one and the helpers of a parallel copy) has its running
        // statement cancelled; connections between statements notice the flag.
        for (Connection connection : running.connections) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debugf(e, "cancelling the running statement failed");
            }
        }
        Future<?> task = running.task;
        if (task != null) {
            try {
                task.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.warnf("backup %s did not stop within %d s", running.id, wait.toSeconds());
            } catch (Exception e) {
                LOG.debugf(e, "backup task ended with an error");
            }
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        cancelRunning(CANCEL_WAIT);
    }

    @PreDestroy
    void stopThreads() {
        backupThread.shutdownNow();
        verifyThread.shutdownNow();
        leftoverThread.shutdownNow();
        heartbeats.shutdownNow();
    }

    private void renew(Running running) {
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.renewLease(connection, holder, running.id, config.leaseTtl())) {
                LOG.errorf("backup %s lost its lease; cancelling it", running.id);
                cancelRunning(Duration.ZERO);
            }
        } catch (SQLException e) {
            LOG.warnf("cannot renew the backup lease: %s", e.getMessage());
        }
    }

    private void recordPhase(String id, String phase) {
        try (Connection connection = database.direct().open()) {
            BackupRunRepository.phase(connection, id, phase);
        } catch (SQLException e) {
            LOG.debugf("cannot record phase %s of %s: %s", phase, id, e.getMessage());
        }
    }

    private void finish(String id, boolean succeeded, Long bytes, Long rows, String error) {
        try (Connection connection = database.direct().open()) {
            BackupRunRepository.finish(connection, id, succeeded, bytes, rows, error);
        } catch (SQLException e) {
            LOG.errorf("cannot record the end of run %s: %s", id, e.getMessage());
        }
    }

    private void release(String id) {
        try (Connection connection = database.direct().open()) {
            BackupRunRepository.releaseLease(connection, holder, id);
        } catch (SQLException e) {
            // The lease expires on its own within its lifetime.
            LOG.warnf("cannot release the backup lease: %s", e.getMessage());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    private static String hostName() {
        String fromEnv = System.getenv("HOSTNAME");
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
