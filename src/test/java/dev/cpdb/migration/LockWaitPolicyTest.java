package dev.cpdb.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;

/**
 * The lock-wait settings and the retry loop, without a database: settings that make no sense are refused naming the
 * property, pauses grow but stay bounded, and only PostgreSQL's lock timeout (SQLSTATE 55P03) is tried again.
 */
class LockWaitPolicyTest {

    private static MigrationConfig config(String lockTimeout, String maxWait) {
        return new MigrationConfig() {
            @Override
            public Duration lockTimeout() {
                return Duration.parse(lockTimeout);
            }

            @Override
            public Duration maxWait() {
                return Duration.parse(maxWait);
            }

            @Override
            public Optional<List<String>> extraLocations() {
                return Optional.empty();
            }
        };
    }

    /** A watch that saw one blocker. */
    private static final LockWaits.Watch WATCH = new LockWaits.Watch() {
        @Override
        public List<BlockingSession> lastBlockers() {
            return List.of(new BlockingSession(4711, "psql", "idle in transaction", 45L, "UPDATE public.agents\n  SET "
                    + "name = 'x'"));
        }

        @Override
        public Optional<RunningBackup> lastBackup() {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aLockTimeoutBelowTheMinimumOrATotalShorterThanOneLockTimeoutIsRefusedNamingTheProperty() {
        InvalidConfigurationException tooShort = assertThrows(InvalidConfigurationException.class,
                () -> LockWaitPolicy.of(config("PT0.01S", "PT5M")));
        assertTrue(tooShort.getMessage().startsWith("CPDB_MIGRATION_LOCK_TIMEOUT (cpdb.migration.lock-timeout)"),
                tooShort.getMessage());
        InvalidConfigurationException total = assertThrows(InvalidConfigurationException.class,
                () -> LockWaitPolicy.of(config("PT10S", "PT5S")));
        assertTrue(total.getMessage().startsWith("CPDB_MIGRATION_MAX_WAIT (cpdb.migration.max-wait)"),
                total.getMessage());
        assertEquals(new LockWaitPolicy(Duration.ofSeconds(3), Duration.ofMinutes(5)),
                LockWaitPolicy.of(config("PT3S", "PT5M")));
    }

    @Test
    void pausesGrowFromAQuarterSecondToAtMostTenSecondsAndAPausedLoopNeverOutlivesTheDeadline() {
        LockWaitPolicy policy = LockWaitPolicy.DEFAULT;
        for (int attempt = 0; attempt < 30; attempt++) {
            Duration pause = policy.pause(attempt);
            assertTrue(pause.toMillis() >= 218 && pause.toMillis() <= 11_250, attempt + ": " + pause);
        }
        assertTrue(policy.pause(0).toMillis() < policy.pause(4).toMillis());
    }

    @Test
    void aLockTimeoutIsTriedAgainUntilTheDeadlineThenTheBlockerIsNamed() {
        LockWaitPolicy policy = new LockWaitPolicy(Duration.ofMillis(100), Duration.ofMillis(600));
        int[] attempts = { 0 };
        MigrationBlockedException blocked = assertThrows(MigrationBlockedException.class,
                () -> LockWaits.retry(policy, policy.start(), "core migrations", () -> WATCH, () -> {
                    attempts[0]++;
                    throw new RuntimeException("migration failed", new SQLException("canceling statement due to "
                            + "lock timeout", LockWaits.LOCK_NOT_AVAILABLE));
                }));
        assertTrue(attempts[0] >= 2, "tried again: " + attempts[0]);
        assertEquals("core migrations: table locks not available within 600ms (" + attempts[0] + " attempt(s), "
                + "lock_timeout 100ms each); blocked by pid 4711 (application \"psql\", idle in transaction, "
                + "transaction open for 45 s, statement: UPDATE public.agents SET name = 'x'); the blocked migration "
                + "was rolled back", blocked.getMessage());
    }

    @Test
    void anyOtherFailurePassesThroughAtOnce() {
        LockWaitPolicy policy = new LockWaitPolicy(Duration.ofMillis(100), Duration.ofSeconds(5));
        int[] attempts = { 0 };
        SQLException syntax = new SQLException("syntax error", "42601");
        SQLException thrown = assertThrows(SQLException.class,
                () -> LockWaits.retry(policy, policy.start(), "core migrations", () -> WATCH, () -> {
                    attempts[0]++;
                    throw syntax;
                }));
        assertEquals(syntax, thrown);
        assertEquals(1, attempts[0]);
    }

    @Test
    void aStepThatSucceedsAfterALockTimeoutReturnsItsResult() throws Exception {
        LockWaitPolicy policy = new LockWaitPolicy(Duration.ofMillis(100), Duration.ofSeconds(5));
        int[] attempts = { 0 };
        String result = LockWaits.retry(policy, policy.start(), "core migrations", () -> WATCH, () -> {
            if (attempts[0]++ == 0) {
                throw new SQLException("canceling statement due to lock timeout", "55P03");
            }
            return "applied";
        });
        assertEquals("applied", result);
        assertEquals(2, attempts[0]);
    }
}
