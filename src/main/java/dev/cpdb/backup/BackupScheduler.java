package dev.cpdb.backup;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.InvalidConfigurationException;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import io.quarkus.scheduler.Scheduler;

/**
 * Scheduled backups and restore drills. Every replica ticks; a tick claims the current schedule slot (see
 * {@link BackupSchedule}) if no run has claimed it yet, so each slot gets exactly one run across replicas, and a
 * freshly started service takes the current slot's backup soon after start-up instead of one period later.
 */
@ApplicationScoped
public class BackupScheduler {

    private static final Logger LOG = Logger.getLogger(BackupScheduler.class);

    private final BackupConfig config;
    private final BackupJobs jobs;
    private final BackupListing listing;
    private final RestoreService restores;
    private final BackupOptions options;
    private final Scheduler scheduler;
    private static final String JOB = "cpdb-backup-schedule";

    private volatile Optional<BackupSchedule> backupSchedule = Optional.empty();
    private volatile Optional<BackupSchedule> verifySchedule = Optional.empty();
    private volatile boolean enabled;
    private volatile boolean started;
    private volatile boolean validated;
    private volatile Instant handledBackupSlot;
    private volatile Instant handledVerifySlot;

    public BackupScheduler(BackupConfig config, BackupJobs jobs, BackupListing listing, RestoreService restores,
            BackupOptions options, Scheduler scheduler) {
        this.config = config;
        this.jobs = jobs;
        this.listing = listing;
        this.restores = restores;
        this.options = options;
        this.scheduler = scheduler;
    }

    /** Checks the backup settings; called at start-up so a bad value stops the service with a clear message. */
    public void validate() {
        // Target and compression are used by every scheduled and HTTP backup: a bad value stops start-up instead
        // of failing each run later.
        try {
            options.defaultStore();
            options.defaultCompression();
        } catch (BackupFailedException e) {
            throw new InvalidConfigurationException("CPDB_BACKUP_TARGET / CPDB_BACKUP_COMPRESSION: " + e.getMessage(),
                    e);
        }
        try {
            options.compressionLevel(options.defaultCompression());
            options.defaultJobs();
            options.readFromReplica();
            options.defaultSelection();
            options.validateSigningSettings();
            options.validateEncryptionSettings();
        } catch (BackupFailedException e) {
            throw new InvalidConfigurationException(e.getMessage(), e);
        }
        enabled = config.enabled();
        backupSchedule = BackupSchedule.parse("CPDB_BACKUP_SCHEDULE (cpdb.backup.schedule)", config.schedule());
        verifySchedule = BackupSchedule.parse("CPDB_BACKUP_VERIFY_SCHEDULE (cpdb.backup.verify-schedule)",
                config.verifySchedule());
        validated = true;
    }

    /** The backup schedule, empty when scheduled backups are off. */
    public Optional<BackupSchedule> backupSchedule() {
        return enabled ? backupSchedule : Optional.empty();
    }

    /** The restore-drill schedule, empty when drills are off. */
    public Optional<BackupSchedule> verifySchedule() {
        return verifySchedule;
    }

    /**
     * Applies schedules changed while the service runs (instance settings): the ticking job is replaced, or stopped
     * when both schedules are off. Before {@link #start()} only remembers them.
     */
    public synchronized void reschedule(boolean newEnabled, Optional<BackupSchedule> backups,
            Optional<BackupSchedule> drills) {
        enabled = newEnabled;
        backupSchedule = backups;
        verifySchedule = drills;
        if (started) {
            scheduler.unscheduleJob(JOB);
            scheduleTicks();
        }
    }

    /**
     * Starts ticking (server mode only), after marking runs of dead replicas as failed and removing what their
     * backups left in the store; from then on the runner looks for such runs on its own ({@link BackupJobs#watch}).
     */
    public synchronized void start() {
        // Validated at start-up already, possibly followed by schedules from the instance settings: keep those.
        if (!validated) {
            validate();
        }
        jobs.failInterruptedRuns();
        jobs.watch();
        // On the embedded default this generates the signing key now, as the operator token is, not at the first
        // backup.
        LOG.infof("backup signing keys: %s", options.signingSource());
        // The service writes backups: an operator without a key hears it at start-up, not at the first backup.
        options.warnIfUnsigned();
        LOG.infof("backup encryption: %s", options.encryptionSummary());
        started = true;
        scheduleTicks();
    }

    private void scheduleTicks() {
        if (backupSchedule().isEmpty() && verifySchedule.isEmpty()) {
            LOG.info("scheduled backups are off");
            return;
        }
        Duration period = backupSchedule().or(() -> verifySchedule).orElseThrow().period(Instant.now());
        long tickMillis = Math.max(1000, Math.min(15_000, period.toMillis() / 10));
        scheduler.newJob(JOB)
                .setInterval(tickMillis + "ms")
                .setDelayed("1s")
                .setConcurrentExecution(ConcurrentExecution.SKIP)
                .setTask(execution -> tick())
                .schedule();
        LOG.infof("scheduled backups: %s; restore drills: %s", backupSchedule().map(Object::toString).orElse("off"),
                verifySchedule.map(Object::toString).orElse("off"));
    }

    /** One look at the schedules; public for tests. */
    public void tick() {
        try {
            Instant now = Instant.now();
            backupSchedule().ifPresent(schedule -> tickBackup(schedule.slotAt(now)));
            verifySchedule.ifPresent(schedule -> tickVerify(schedule.slotAt(now)));
        } catch (RuntimeException e) {
            LOG.errorf("backup schedule tick failed: %s", e.getMessage());
        }
    }

    private void tickBackup(Instant slot) {
        if (slot.equals(handledBackupSlot)) {
            return;
        }
        BackupJobs.Start start = jobs.startBackup("schedule", slot);
        if (start instanceof BackupJobs.Started started) {
            LOG.infof("scheduled backup %s started for slot %s", started.runId(), slot);
            handledBackupSlot = slot;
        } else if (start instanceof BackupJobs.SlotTaken) {
            handledBackupSlot = slot;
        }
        // Busy (another backup runs) or a schema migration runs: try again on the next tick, the slot is still open.
    }

    private void tickVerify(Instant slot) {
        if (slot.equals(handledVerifySlot)) {
            return;
        }
        Optional<BackupManifest> candidate = listing.drillCandidate(options.defaultStore());
        if (candidate.isEmpty()) {
            return;
        }
        String newest = candidate.get().backupId();
        BackupJobs.Start start = jobs.startVerify(restores.locate(options.defaultStore(), newest), "schedule", slot);
        if (start instanceof BackupJobs.Started started) {
            LOG.infof("scheduled restore drill %s of backup %s started", started.runId(), newest);
        }
        handledVerifySlot = slot;
    }
}
