package dev.cpdb.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Backup gauges at {@code /q/metrics}, read from the run table ({@code backup_runs}) that every replica and the
 * {@code backup} command write, so every replica reports the same values, before and after a restart: last success
 * and failure times (seconds since the epoch, 0 for never), duration and size of the last successful backup, the age
 * of the newest successful backup, whether a backup runs anywhere, and the last restore drill (result and time). The
 * runner reads them afresh periodically and after each of its own runs. Only {@code cpdb.backup.running.here} is this
 * process's own: 1 while it runs a backup itself.
 */
@ApplicationScoped
public class BackupMetrics {

    private final AtomicLong lastSuccess = new AtomicLong();
    private final AtomicLong lastFailure = new AtomicLong();
    private final AtomicLong lastDurationMillis = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong runningHere = new AtomicLong();
    private final AtomicLong verifyResult = new AtomicLong(-1);
    private final AtomicLong lastVerify = new AtomicLong();

    public BackupMetrics(MeterRegistry registry) {
        Gauge.builder("cpdb.backup.last.success.timestamp", lastSuccess, AtomicLong::get)
                .description("When the last backup succeeded, seconds since the epoch (0: never)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("cpdb.backup.last.failure.timestamp", lastFailure, AtomicLong::get)
                .description("When the last backup failed, seconds since the epoch (0: never)")
                .baseUnit("seconds").register(registry);
        Gauge.builder("cpdb.backup.last.duration", lastDurationMillis, value -> value.get() / 1000.0)
                .description("Duration of the last successful backup").baseUnit("seconds").register(registry);
        Gauge.builder("cpdb.backup.last.size", lastBytes, AtomicLong::get)
                .description("Stored size of the last successful backup").baseUnit("bytes").register(registry);
        Gauge.builder("cpdb.backup.age", lastSuccess, BackupMetrics::age)
                .description("Age of the newest successful backup (-1: none yet)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("cpdb.backup.running", running, AtomicLong::get)
                .description("1 while a backup runs on any replica or command").register(registry);
        Gauge.builder("cpdb.backup.running.here", runningHere, AtomicLong::get)
                .description("1 while this process runs a backup").register(registry);
        Gauge.builder("cpdb.backup.verify.last.result", verifyResult, AtomicLong::get)
                .description("Last restore drill: 1 passed, 0 failed, -1 none yet").register(registry);
        Gauge.builder("cpdb.backup.verify.last.timestamp", lastVerify, AtomicLong::get)
                .description("When the last restore drill ended, seconds since the epoch (0: never)")
                .baseUnit("seconds").register(registry);
    }

    /** Reads every shared value from the run table. */
    void refresh(Connection connection) throws SQLException {
        Optional<BackupRun> success = BackupRunRepository.latest(connection, "backup", "succeeded");
        lastSuccess.set(success.map(run -> run.finishedAt().getEpochSecond()).orElse(0L));
        lastDurationMillis.set(success.map(run -> Duration.between(run.startedAt(), run.finishedAt()).toMillis())
                .orElse(0L));
        lastBytes.set(success.map(BackupRun::bytes).orElse(0L));
        lastFailure.set(BackupRunRepository.latest(connection, "backup", "failed")
                .map(run -> run.finishedAt().getEpochSecond()).orElse(0L));
        running.set(BackupRunRepository.runningBackups(connection) > 0 ? 1 : 0);
        Optional<BackupRun> drill = BackupRunRepository.latestFinished(connection, "verify");
        verifyResult.set(drill.map(run -> run.status().equals("succeeded") ? 1L : 0L).orElse(-1L));
        lastVerify.set(drill.map(run -> run.finishedAt().getEpochSecond()).orElse(0L));
    }

    void runningHere(boolean value) {
        runningHere.set(value ? 1 : 0);
    }

    private static double age(AtomicLong lastSuccess) {
        long at = lastSuccess.get();
        return at == 0 ? -1 : Math.max(0, Instant.now().getEpochSecond() - at);
    }
}
