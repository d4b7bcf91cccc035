package dev.cpdb.database.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * Every poll interval reads the primary's WAL position and asks each replica whether it is in recovery and how far
 * it replayed: one cheap statement per server and interval, however many requests arrive. Every question waits on
 * its own, so a replica that hangs delays neither the primary's sample nor the other replicas.
 */
final class ReplicaMonitor {

    private static final Logger LOG = Logger.getLogger(ReplicaMonitor.class);

    /** Where the primary's WAL has been written to: what a streaming replica can receive and replay. */
    static final String PRIMARY_POSITION = "SELECT pg_current_wal_lsn()::text";

    private final Vertx vertx;
    private final Pool primary;
    private final ReplicaSet replicas;
    private final PrimaryTimeline timeline;
    private final CallerWrites writes;
    private final Duration interval;
    private final Answers answers;
    private final AtomicBoolean sampling = new AtomicBoolean();
    private volatile long timer = -1;

    ReplicaMonitor(Vertx vertx, Pool primary, ReplicaSet replicas, PrimaryTimeline timeline, CallerWrites writes,
            Duration interval, Answers answers) {
        this.answers = answers;
        this.vertx = vertx;
        this.primary = primary;
        this.replicas = replicas;
        this.timeline = timeline;
        this.writes = writes;
        this.interval = interval;
    }

    void start() {
        tick();
        timer = vertx.setPeriodic(interval.toMillis(), id -> tick());
    }

    void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        // Replicas are checked once the primary's sample is in, so their lag is measured against the newest one.
        samplePrimary().onComplete(sampled -> replicas.all().forEach(replica -> replica.check(timeline, answers)));
        writes.forgetReachedBefore(Instant.now().minus(replicas.maxStaleness()));
    }

    /** Samples the primary's WAL position, unless the previous sample is still waiting for its answer. */
    private Future<Void> samplePrimary() {
        if (!sampling.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        // Taken before asking, so the answer covers every commit before this moment.
        Instant at = Instant.now();
        Future<RowSet<Row>> answer = primary.query(PRIMARY_POSITION).execute();
        answer.onComplete(done -> sampling.set(false));
        return answers.within(answer)
                .onSuccess(rows -> record(at, WalPosition.parse(rows.iterator().next().getString(0))))
                .onFailure(failure -> LOG.debugf(failure, "reading the primary's WAL position failed"))
                .<Void>mapEmpty()
                .otherwiseEmpty();
    }

    private void record(Instant at, WalPosition position) {
        timeline.add(at, position);
        writes.primaryReached(at, position);
    }
}
