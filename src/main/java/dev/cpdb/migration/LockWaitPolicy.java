package dev.cpdb.migration;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

import dev.cpdb.InvalidConfigurationException;

/**
 * Bounded lock waits of a migration run: the {@code lock_timeout} of each statement, the total time to keep trying,
 * and the back-off between attempts.
 *
 * @param lockTimeout how long one statement waits for a lock
 * @param maxWait how long a whole run keeps trying
 */
public record LockWaitPolicy(Duration lockTimeout, Duration maxWait) {

    /** Shortest accepted {@code lock_timeout}: below it, even uncontended catalog locks could time out. */
    static final Duration MIN_LOCK_TIMEOUT = Duration.ofMillis(100);

    /** First pause between attempts; doubled each time up to {@link #MAX_PAUSE}. */
    static final Duration FIRST_PAUSE = Duration.ofMillis(250);

    /** Longest pause between attempts, so a freed lock is noticed soon. */
    static final Duration MAX_PAUSE = Duration.ofSeconds(10);

    /** The defaults of {@link MigrationConfig}. */
    public static final LockWaitPolicy DEFAULT = new LockWaitPolicy(Duration.ofSeconds(3), Duration.ofMinutes(5));

    /**
     * The policy of the configuration, refused with a message naming the property when it makes no sense.
     */
    public static LockWaitPolicy of(MigrationConfig config) {
        if (config.lockTimeout().compareTo(MIN_LOCK_TIMEOUT) < 0) {
            throw new InvalidConfigurationException("CPDB_MIGRATION_LOCK_TIMEOUT (cpdb.migration.lock-timeout) is "
                    + config.lockTimeout() + "; use at least 100ms, e.g. 3s");
        }
        if (config.maxWait().compareTo(config.lockTimeout()) < 0) {
            throw new InvalidConfigurationException("CPDB_MIGRATION_MAX_WAIT (cpdb.migration.max-wait) is "
                    + config.maxWait() + ", shorter than CPDB_MIGRATION_LOCK_TIMEOUT (" + config.lockTimeout()
                    + "); use a total wait of at least one lock timeout, e.g. 5m");
        }
        return new LockWaitPolicy(config.lockTimeout(), config.maxWait());
    }

    /** The {@code SET lock_timeout} value, in milliseconds. */
    public long lockTimeoutMillis() {
        return lockTimeout.toMillis();
    }

    /**
     * Pause before attempt {@code attempt + 1}: doubling from {@link #FIRST_PAUSE} up to {@link #MAX_PAUSE}, with
     * jitter so that several instances waiting for the same lock do not ask at the same moment.
     */
    public Duration pause(int attempt) {
        long base = Math.min(MAX_PAUSE.toMillis(), FIRST_PAUSE.toMillis() << Math.min(attempt, 10));
        long jitter = ThreadLocalRandom.current().nextLong(base / 4 + 1);
        return Duration.ofMillis(base - base / 8 + jitter);
    }

    /** A deadline that starts now. */
    public Deadline start() {
        return new Deadline(System.nanoTime() + maxWait.toNanos(), maxWait);
    }

    /** The end of one run's total wait. */
    public record Deadline(long nanos, Duration total) {

        /** Time left, never negative. */
        public Duration remaining() {
            return Duration.ofNanos(Math.max(0, nanos - System.nanoTime()));
        }

        /** Whether a pause of {@code pause} would end past the deadline. */
        public boolean exceededAfter(Duration pause) {
            return System.nanoTime() + pause.toNanos() >= nanos;
        }

        /**
         * Sleeps for {@code pause}, or less when the deadline comes first.
         *
         * @throws MigrationBlockedException when interrupted
         */
        public void sleep(Duration pause, String what) {
            try {
                Thread.sleep(Math.max(1, Math.min(pause.toMillis(), remaining().toMillis())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MigrationBlockedException(what + ": interrupted while waiting");
            }
        }
    }
}
