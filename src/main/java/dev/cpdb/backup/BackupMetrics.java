package dev.cpdb.backup;

import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Backup gauges at {@code /q/metrics}, as seen by this replica: last success and failure times (seconds since the
 * epoch, 0 for never), duration and size of the last successful backup, whether one runs here now, and the last
 * restore drill's result (1 passed, 0 failed, -1 none yet).
 */
@ApplicationScoped
public class BackupMetrics {

    private final AtomicLong lastSuccess = new AtomicLong();
    private final AtomicLong lastFailure = new AtomicLong();
    private final AtomicLong lastDurationMillis = new AtomicLong();
    private final AtomicLong lastBytes = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final AtomicLong verifyResult = new AtomicLong(-1);

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
        Gauge.builder("cpdb.backup.running", running, AtomicLong::get)
                .description("1 while this replica runs a backup").register(registry);
        Gauge.builder("cpdb.backup.verify.last.result", verifyResult, AtomicLong::get)
                .description("Last restore drill: 1 passed, 0 failed, -1 none yet").register(registry);
    }

    void running(boolean value) {
        running.set(value ? 1 : 0);
    }

    void succeeded(long epochSeconds, long durationMillis, long bytes) {
        lastSuccess.set(epochSeconds);
        lastDurationMillis.set(durationMillis);
        lastBytes.set(bytes);
    }

    void failed(long epochSeconds) {
        lastFailure.set(epochSeconds);
    }

    void verified(boolean passed) {
        verifyResult.set(passed ? 1 : 0);
    }
}
