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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

import dev.cpdb.backup.retention.BackupRetention;
import dev.cpdb.backup.retention.InterruptedBackupCleanup;
import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.migration.SchemaChangeGate;
import io.quarkus.runtime.ShutdownEvent;

/**
 * The backup runner: every backup (HTTP, schedule, the {@code backup} command) and every restore drill goes through
 * here, is recorded in {@code backup_runs}, and ends in the metrics every replica reads from that table.
 *
 * <p>
 * A backup runs only while its process holds the {@code backup_lease} row (taken with database time, renewed by a
 * heartbeat every third of its lifetime, released at the end), so exactly one backup runs at a time across all
 * replicas and commands; a holder that dies stops renewing and the lease is free again within
 * {@code CPDB_BACKUP_LEASE_TTL}. Restore drills run side by side, each renewing a lease of its own that only says its
 * holder is alive. Every replica looks for runs whose holder is gone every {@link #watchPeriod()} and marks them
 * interrupted once their lease has expired, removing what they left in the store; a run taking the lease does the
 * same at the latest. On shutdown a running backup is cancelled: its statement is cancelled on the server, the upload
 * aborted, the run recorded as cancelled by shutdown and the lease released. All work here is blocking JDBC on
 * dedicated threads (or the command's own thread).
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

    /** Why a run was cancelled by this process, as its run row says. */
    static final String SHUTDOWN = "cancelled by shutdown";
    static final String LEASE_LOST = "cancelled: the backup lease was lost (the lease expired without renewal and "
            + "another replica declared the run interrupted or took the lease)";

    private static final Logger LOG = Logger.getLogger(BackupJobs.class);

    /** Outcome of asking for a run. */
    public sealed interface Start {
    }

    /** The run was started with this id. */
    public record Started(String runId) implements Start {
    }

    /** Another backup holds the lease: run {@code runningId} of {@code holder}, since {@code since}. */
    public record Busy(String runningId, String holder, Instant since) implements Start {

        /** One line naming the running backup, for operators. */
        public String describe() {
            return "backup " + runningId + " is running on " + holder + (since == null ? "" : " since " + since);
        }
    }

    /** The backup ran on the caller's thread and committed. */
    public record Finished(String runId, BackupManifest manifest) implements Start {
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
    private final BackupOptions options;
    private final BackupPipeline pipeline;
    private final RestoreService restores;
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
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
            named("cpdb-backup-watch"));
    private final AtomicReference<Running> current = new AtomicReference<>();
    private final AtomicBoolean watching = new AtomicBoolean();

    /** How often a running backup's current phase is written to its run record, at most. */
    static final Duration PHASE_INTERVAL = Duration.ofMillis(500);

    /** The backup running in this process. */
    private static final class Running {
        final String id;
        final List<Connection> connections = new CopyOnWriteArrayList<>();
        final SchemaChangeGate.Hold gate;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        volatile String cancelledBecause;
        volatile String phase;

        Running(String id, SchemaChangeGate.Hold gate) {
            this.id = id;
            this.gate = gate;
        }

        /**
         * The cause a failed run records: why this process cancelled it, where it was then (the engine sees only a
         * cancelled statement, which it cannot tell from its deadline), or the pipeline's own message.
         */
        String failure(RuntimeException e) {
            String because = cancelledBecause;
            if (because == null) {
                return e.getMessage();
            }
            return phase == null ? because : because + " while " + phase;
        }
    }

    public BackupJobs(Database database, BackupOptions options, BackupPipeline pipeline, RestoreService restores,
            VerifyService verifier, BackupConfig config,
            BackupMetrics metrics, BackupRetention retention) {
        this.database = database;
        this.options = options;
        this.pipeline = pipeline;
        this.restores = restores;
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
     * Starts a backup to the configured store with the live settings unless another one runs (on any replica) or, for
     * a scheduled run, the slot was already taken. Blocking: call from a worker thread.
     */
    public Start startBackup(String trigger, Instant slot) {
        BackupRequest request = options.request(options.defaultStore());
        Claim claim = claim(request, trigger, slot);
        if (claim.running() != null) {
            backupThread.submit(() -> runInBackground(claim.running(), request));
        }
        return claim.outcome();
    }

    private void runInBackground(Running running, BackupRequest request) {
        try {
            runBackup(running, request);
        } catch (BackupFailedException e) {
            // Recorded in its run row and logged there.
        }
    }

    /**
     * Runs the backup {@code request} describes on the calling thread (the {@code backup} command), under the same
     * lease and with the same run row, metrics and retention as a backup of the service, or says why it cannot start
     * now. On a database without cpdb's backup catalog (one the service never ran on) there is nothing to coordinate
     * with: the backup runs without lease or run row, holding the schema-change gate only.
     *
     * @return {@link Finished} with the manifest, or {@link Busy} / {@link MigrationRunning}
     * @throws BackupFailedException when the backup fails; the run row records the same cause
     */
    public Start runHere(BackupRequest request, String trigger) {
        if (!catalogPresent()) {
            return runUncoordinated(request);
        }
        Claim claim = claim(request, trigger, null);
        if (claim.running() == null) {
            return claim.outcome();
        }
        return new Finished(claim.running().id, runBackup(claim.running(), request));
    }

    /** Takes the lease, then the schema-change gate, then records the run; releases what it took when it cannot. */
    private Claim claim(BackupRequest request, String trigger, Instant slot) {
        String id = BackupId.next(Instant.now());
        SchemaChangeGate.Hold gate = null;
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.acquireLease(connection, holder, id, config.leaseTtl())) {
                return new Claim(BackupRunRepository.lease(connection)
                        .map(lease -> new Busy(lease.runId(), lease.holder(), lease.acquiredAt()))
                        .orElseGet(() -> new Busy("unknown", "unknown", null)), null);
            }
        } catch (SQLException e) {
            throw new BackupFailedException("cannot start a backup: " + e.getMessage(), e);
        }
        // The lease is taken, so any run still marked running lost its holder: it ends now, at the latest.
        failInterruptedRuns();
        try (Connection connection = database.direct().open()) {
            // Under the lease, so the only other holders of the gate are migrations: no migration takes table locks
            // while this backup runs, and none runs now (see SchemaChangeGate).
            gate = SchemaChangeGate.tryForBackup(database.direct(), GATE_WAIT).orElse(null);
            if (gate == null) {
                BackupRunRepository.releaseLease(connection, holder, id);
                return new Claim(new MigrationRunning(SchemaChangeGate.migrationsHolding(database.direct())), null);
            }
            if (!BackupRunRepository.insert(connection, id, "backup", id, trigger, slot, request.store().location(),
                    holder)) {
                BackupRunRepository.releaseLease(connection, holder, id);
                gate.close();
                return new Claim(new SlotTaken(slot), null);
            }
        } catch (SQLException e) {
            if (gate != null) {
                gate.close();
            }
            release(id);
            throw new BackupFailedException("cannot start a backup: " + e.getMessage(), e);
        }
        Running running = new Running(id, gate);
        current.set(running);
        metrics.runningHere(true);
        return new Claim(new Started(id), running);
    }

    /** The outcome of {@link #claim}, with the run to carry out when it was started. */
    private record Claim(Start outcome, Running running) {
    }

    /**
     * Carries out a claimed backup: heartbeat, phases, the pipeline, the run's end, metrics, retention; releases the
     * lease and the gate whatever happens.
     */
    private BackupManifest runBackup(Running running, BackupRequest request) {
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renew(running),
                config.leaseTtl().toMillis() / 3, config.leaseTtl().toMillis() / 3, TimeUnit.MILLISECONDS);
        // Phases change once per table; the run record gets the latest one at most every PHASE_INTERVAL, written
        // beside the backup instead of in its way.
        AtomicReference<String> latestPhase = new AtomicReference<>();
        ScheduledFuture<?> phaseWriter = heartbeats.scheduleWithFixedDelay(() -> {
            String phase = latestPhase.getAndSet(null);
            if (phase != null) {
                recordPhase(running.id, phase);
            }
        }, 0, PHASE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        try {
            BackupManifest manifest = pipeline.backup(running.id, request, new BackupPipeline.Progress() {
                @Override
                public void connected(Connection connection) {
                    running.connections.add(connection);
                }

                @Override
                public boolean cancelled() {
                    return running.cancelledBecause != null;
                }

                @Override
                public void phase(String phase) {
                    running.phase = phase;
                    latestPhase.set(phase);
                }
            });
            phaseWriter.cancel(false);
            finish(running.id, true, manifest.data().bytes(), manifest.totalRows(), null);
            // Still under the lease: no other replica prunes while this one does.
            retention.afterBackup(request.store());
            return manifest;
        } catch (RuntimeException e) {
            String reason = running.failure(e);
            // A failure the pipeline explains needs no stack trace; anything else is a bug to find.
            LOG.errorf(e instanceof BackupFailedException ? null : e, "backup %s failed: %s", running.id, reason);
            finish(running.id, false, null, null, reason);
            throw new BackupFailedException(reason, e);
        } finally {
            phaseWriter.cancel(false);
            heartbeat.cancel(false);
            release(running.id);
            running.gate.close();
            current.compareAndSet(running, null);
            metrics.runningHere(false);
            refreshMetrics();
            running.done.complete(null);
        }
    }

    /** A backup of a database without backup catalog: the schema-change gate only, nothing recorded. */
    private Start runUncoordinated(BackupRequest request) {
        LOG.warn("this database has no cpdb backup catalog (the service never ran on it): the backup is neither "
                + "coordinated with service replicas nor recorded as a run");
        Optional<SchemaChangeGate.Hold> gate;
        try {
            gate = SchemaChangeGate.tryForBackup(database.direct(), GATE_WAIT);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot start a backup: " + e.getMessage(), e);
        }
        if (gate.isEmpty()) {
            return new MigrationRunning(SchemaChangeGate.holders(database.direct()));
        }
        try (SchemaChangeGate.Hold hold = gate.get()) {
            String id = BackupId.next(Instant.now());
            return new Finished(id, pipeline.backup(id, request, BackupPipeline.Progress.NONE));
        }
    }

    private boolean catalogPresent() {
        try (Connection connection = database.direct().open()) {
            return BackupRunRepository.catalogPresent(connection);
        } catch (SQLException e) {
            throw new BackupFailedException("cannot start a backup: " + e.getMessage(), e);
        }
    }

    /**
     * Starts a restore drill of a committed backup in the background.
     *
     * @return the drill's run id
     */
    public Start startVerify(RestoreService.Located backup, String trigger, Instant slot) {
        return startVerify(backup, trigger, slot, false);
    }

    /**
     * Starts a restore drill, accepting a backup without (known) signature when {@code allowUnsigned}.
     *
     * @see #startVerify(RestoreService.Located, String, Instant)
     */
    public Start startVerify(RestoreService.Located backup, String trigger, Instant slot, boolean allowUnsigned) {
        String id = "verify-" + BackupId.next(Instant.now());
        if (!recordDrill(id, backup, trigger, slot)) {
            return new SlotTaken(slot);
        }
        verifyThread.submit(() -> drill(id, backup, allowUnsigned));
        return new Started(id);
    }

    /**
     * Runs a restore drill on the calling thread (the {@code verify} command), recorded in the run table like the
     * service's drills; on a database without backup catalog, unrecorded.
     */
    public VerifyResult verifyHere(RestoreService.Located backup, String trigger, boolean allowUnsigned) {
        if (!catalogPresent()) {
            return verifier.verify(backup, allowUnsigned);
        }
        String id = "verify-" + BackupId.next(Instant.now());
        recordDrill(id, backup, trigger, null);
        return drill(id, backup, allowUnsigned);
    }

    /**
     * Takes the drill's own lease, then records its run (so a replica looking meanwhile never sees the run without its
     * lease).
     *
     * @return false when a drill already claimed {@code slot}
     */
    private boolean recordDrill(String id, RestoreService.Located backup, String trigger, Instant slot) {
        try (Connection connection = database.direct().open()) {
            BackupRunRepository.takeDrillLease(connection, holder, id, config.leaseTtl());
            if (BackupRunRepository.insert(connection, id, "verify", backup.id(), trigger, slot,
                    backup.store().location(), holder)) {
                return true;
            }
            BackupRunRepository.releaseLease(connection, holder, id);
            return false;
        } catch (SQLException e) {
            throw new BackupFailedException("cannot start a restore drill: " + e.getMessage(), e);
        }
    }

    /** Carries out a recorded drill, renewing its lease while it runs, and records its result. */
    private VerifyResult drill(String id, RestoreService.Located backup, boolean allowUnsigned) {
        ScheduledFuture<?> heartbeat = heartbeats.scheduleAtFixedRate(() -> renewDrill(id),
                config.leaseTtl().toMillis() / 3, config.leaseTtl().toMillis() / 3, TimeUnit.MILLISECONDS);
        try {
            VerifyResult result = verifier.verify(backup, allowUnsigned);
            finish(id, result.passed(), null, result.rows(), result.passed() ? null
                    : result.error() + (result.mismatches().isEmpty() ? "" : ": " + String.join("; ",
                            result.mismatches())));
            return result;
        } finally {
            heartbeat.cancel(false);
            release(id);
            refreshMetrics();
        }
    }

    private void renewDrill(String id) {
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.renewLease(connection, holder, id, config.leaseTtl())) {
                // A drill writes only its own scratch database: it may finish, and its result then stands.
                LOG.warnf("restore drill %s lost its lease (declared interrupted after a stall); it goes on", id);
            }
        } catch (SQLException e) {
            LOG.warnf("cannot renew the lease of restore drill %s: %s", id, e.getMessage());
        }
    }

    /** The id of the backup running on this replica, if any. */
    public Optional<String> runningHere() {
        Running running = current.get();
        return running == null ? Optional.empty() : Optional.of(running.id);
    }

    /**
     * Marks runs whose holder (a replica or a command) died as failed and removes what their backups left in the store
     * they were writing to (multipart uploads, temporary files, a data object without manifest; never a committed
     * backup). A run counts as interrupted only once its lease has expired, so the upload of a backup running elsewhere
     * is never touched. Store failures are logged and do not stop the caller: a later prune removes what is left once it is
     * older than the leftover age. Waits at most {@link #LEFTOVER_WAIT} for the store. One look at a time in this
     * process: a caller that comes while the periodic look runs finds its work done.
     *
     * @return the ids of the runs marked failed
     */
    public synchronized List<String> failInterruptedRuns() {
        List<BackupRun> interrupted;
        try (Connection connection = database.direct().open()) {
            interrupted = BackupRunRepository.failInterrupted(connection, config.deadline().plusMinutes(5));
        } catch (SQLException e) {
            LOG.warnf("cannot check for interrupted backup runs: %s", e.getMessage());
            return List.of();
        }
        interrupted.forEach(run -> LOG.warnf("run %s of %s was interrupted (its holder stopped); marked failed",
                run.id(), run.holder()));
        List<BackupRun> backupRuns = interrupted.stream().filter(run -> run.kind().equals("backup")).toList();
        if (!backupRuns.isEmpty()) {
            awaitLeftoverRemoval(leftoverThread.submit(() -> backupRuns.forEach(this::removeLeftovers)));
        }
        return interrupted.stream().map(BackupRun::id).toList();
    }

    private void removeLeftovers(BackupRun run) {
        try {
            BackupStore store = options.store(run.target());
            Optional<BackupManifest> committed = restores.manifest(store, run.backupId());
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
     * Cancels the backup running in this process for {@code because} and waits a bounded time for it to clean up
     * (abort the upload, record the cause, release the lease).
     */
    private void cancelRunning(Duration wait, String because) {
        Running running = current.get();
        if (running == null) {
            return;
        }
        running.cancelledBecause = because;
        LOG.warnf("cancelling backup %s: %s", running.id, because);
        // Every connection of the backup (the main one and the helpers of a parallel copy) has its running
        // statement cancelled; connections between statements notice the flag.
        for (Connection connection : running.connections) {
            try {
                connection.unwrap(PGConnection.class).cancelQuery();
            } catch (SQLException e) {
                LOG.debugf(e, "cancelling the running statement failed");
            }
        }
        try {
            running.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warnf("backup %s did not stop within %d s", running.id, wait.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            LOG.debugf(e, "backup task ended with an error");
        }
    }

    /**
     * Starts the periodic look at the run table (server mode): runs whose holder is gone are marked interrupted once
     * their lease has expired, and the backup metrics are read afresh, so every replica reports the same.
     */
    public void watch() {
        if (watching.getAndSet(true)) {
            return;
        }
        watcher.scheduleWithFixedDelay(this::look, 0, watchPeriod().toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * How often each replica looks: a quarter of the lease's lifetime, between 1 and 15 seconds, so a dead holder's
     * run ends soon after its lease expires. One short statement on the direct path when nothing is running.
     */
    Duration watchPeriod() {
        long quarter = config.leaseTtl().toMillis() / 4;
        return Duration.ofMillis(Math.max(1000, Math.min(15_000, quarter)));
    }

    private void look() {
        try {
            failInterruptedRuns();
            refreshMetrics();
        } catch (RuntimeException e) {
            LOG.warnf("looking at the backup runs failed: %s", e.getMessage());
        }
    }

    private void refreshMetrics() {
        try (Connection connection = database.direct().open()) {
            metrics.refresh(connection);
        } catch (SQLException e) {
            LOG.debugf("cannot read the backup metrics from the run table: %s", e.getMessage());
        }
    }

    void onShutdown(@Observes ShutdownEvent event) {
        watcher.shutdownNow();
        cancelRunning(CANCEL_WAIT, SHUTDOWN);
    }

    @PreDestroy
    void stopThreads() {
        backupThread.shutdownNow();
        verifyThread.shutdownNow();
        leftoverThread.shutdownNow();
        heartbeats.shutdownNow();
        watcher.shutdownNow();
    }

    private void renew(Running running) {
        try (Connection connection = database.direct().open()) {
            if (!BackupRunRepository.renewLease(connection, holder, running.id, config.leaseTtl())) {
                LOG.errorf("backup %s lost its lease; cancelling it", running.id);
                cancelRunning(Duration.ZERO, LEASE_LOST);
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
