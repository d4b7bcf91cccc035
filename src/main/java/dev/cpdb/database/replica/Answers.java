package dev.cpdb.database.replica;

import java.time.Duration;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * Waits for a replica's answer at most a set time. A pooler in front of a replica that is gone may hold a statement
 * until its own timeout (PgBouncer's {@code query_wait_timeout}, two minutes by default) rather than fail it; past
 * the limit the replica counts as down and the caller's read goes to the primary. The late answer is dropped.
 */
final class Answers {

    private final Vertx vertx;
    private final Duration limit;

    Answers(Vertx vertx, Duration limit) {
        this.vertx = vertx;
        this.limit = limit;
    }

    /** {@code answer}, or a {@link NoAnswer} failure once the limit has passed without one. */
    <T> Future<T> within(Future<T> answer) {
        Promise<T> bounded = Promise.promise();
        long timer = vertx.setTimer(limit.toMillis(), id -> bounded.tryFail(new NoAnswer(limit)));
        answer.onComplete(done -> {
            vertx.cancelTimer(timer);
            if (done.succeeded()) {
                bounded.tryComplete(done.result());
            } else {
                bounded.tryFail(done.cause());
            }
        });
        return bounded.future();
    }

    /** The replica did not answer in time. */
    static final class NoAnswer extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NoAnswer(Duration limit) {
            super("no answer within " + limit.toMillis() + " ms", null, false, false);
        }
    }
}
