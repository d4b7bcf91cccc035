package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;

/**
 * {@code DATABASE_POOL_MAX_LIFETIME} reaches the runtime pool: a connection older than it is replaced, so a draining
 * pooler sees cpdb leave. Observed through PostgreSQL's {@code pg_backend_pid()}, which differs per server session.
 */
class RuntimePoolLifetimeTest {

    @Test
    void aConnectionOlderThanItsLifetimeIsReplaced() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("lifetime");
        RuntimePoolSettings settings = new RuntimePoolSettings(1, Duration.ofMinutes(5), Duration.ofSeconds(10),
                Duration.ofSeconds(10), "cpdb-test", true, false, false, Duration.ofSeconds(1));
        Vertx vertx = Vertx.vertx();
        try {
            Pool pool = RuntimePools.create(vertx, database, settings);
            int first = pid(pool);
            assertEquals(first, pid(pool), "a young connection is reused");
            Thread.sleep(2500);
            assertNotEquals(first, pid(pool), "the connection was replaced after its lifetime");
            await(pool.close());
        } finally {
            await(vertx.close());
        }
    }

    private static int pid(Pool pool) throws Exception {
        return await(pool.query("SELECT pg_backend_pid()").execute()).iterator().next().getInteger(0);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
