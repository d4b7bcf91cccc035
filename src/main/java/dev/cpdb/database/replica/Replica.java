package dev.cpdb.database.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

import dev.cpdb.database.DatabaseEndpoint;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.PoolerMode;
import dev.cpdb.database.RuntimePool;
import dev.cpdb.database.querylog.QueryLog;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;

/**
 * One streaming replica of {@code DATABASE_READ_URL}: its pool and what its last check found. A replica serves a read
 * when its last check found it in recovery, at most the maximum staleness behind and, for a caller that wrote
 * lately, past the caller's write.
 */
final class Replica {

    private static final Logger LOG = Logger.getLogger(Replica.class);

    /** One statement in the simple protocol, which any pooler routes; NULL replay position outside recovery. */
    static final String CHECK = "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text";

    /**
     * What a check found.
     *
     * @param answered the replica answered (in recovery or not)
     * @param inRecovery it is a standby replaying WAL
     * @param replayed the position it replayed up to; null when not in recovery or not answering
     * @param caughtUpTo it holds every commit the primary made before this time; null when unknown
     * @param problem why it did not answer, or null
     */
    private record Check(boolean answered, boolean inRecovery, WalPosition replayed, Instant caughtUpTo,
            String problem) {

        static final Check NONE = new Check(false, false, null, null, null);
    }

    private final DatabaseUrl url;
    private final DatabaseUrl configuredDirectUrl;
    private final RuntimePool pool;
    private final AtomicBoolean checking = new AtomicBoolean();
    private volatile Check last = Check.NONE;

    /**
     * @param url its entry of {@code DATABASE_READ_URL}
     * @param configuredDirectUrl its entry of {@code DATABASE_READ_DIRECT_URL}; null when that is not set
     */
    Replica(DatabaseUrl url, DatabaseUrl configuredDirectUrl, RuntimePool pool) {
        this.url = url;
        this.configuredDirectUrl = configuredDirectUrl;
        this.pool = pool;
    }

    DatabaseEndpoint endpoint() {
        return url.endpoint();
    }

    /** {@code host:port/database}: names the replica in metrics and logs. */
    String name() {
        return endpoint().host() + ":" + endpoint().port() + "/" + endpoint().database();
    }

    /**
     * Where a session of its own reaches the replica: its {@code DATABASE_READ_DIRECT_URL} entry, else its read URL
     * unless its pool runs with the transaction-pooler settings (decided at start-up or switched since); null then.
     */
    DatabaseUrl directUrl() {
        if (configuredDirectUrl != null) {
            return configuredDirectUrl;
        }
        return pool.decision().mode() == PoolerMode.TRANSACTION ? null : url;
    }

    RuntimePool pool() {
        return pool;
    }

    /**
     * Asks the replica where it is, unless the previous question is still waiting for an answer (a replica that
     * hangs holds up no one else).
     */
    void check(PrimaryTimeline timeline, Answers answers) {
        if (!checking.compareAndSet(false, true)) {
            return;
        }
        Future<RowSet<Row>> answer;
        try {
            // A replica that stays down fails every check; the query log shows the failure once, when it went down.
            answer = last.answered() || last == Check.NONE ? pool.query(CHECK).execute()
                    : QueryLog.quietFailures(() -> pool.query(CHECK).execute());
        } catch (RuntimeException e) {
            checking.set(false);
            record(down(e));
            return;
        }
        // The next check waits for this one's real answer, however late; the limit only marks the replica down.
        answer.onComplete(done -> checking.set(false));
        answers.within(answer).onComplete(done -> record(done.succeeded()
                ? answered(done.result().iterator().next(), timeline)
                : down(done.cause())));
    }

    /** Keeps what a check found, logging once when the replica stops answering, answers again, or leaves recovery. */
    private void record(Check check) {
        Check before = last;
        last = check;
        if (!check.answered() && (before.answered() || before == Check.NONE)) {
            LOG.warnf("read replica %s does not answer (%s); its reads go to the primary", name(), check.problem());
        } else if (check.answered() && (!before.answered() || before.inRecovery() != check.inRecovery())) {
            LOG.infof("read replica %s answers%s", name(), check.inRecovery() ? ""
                    : ", but it is not in recovery; it serves no reads until it is a standby again");
        }
    }

    private static Check answered(Row row, PrimaryTimeline timeline) {
        if (!row.getBoolean(0) || row.getString(1) == null) {
            return new Check(true, false, null, null, null);
        }
        WalPosition replayed = WalPosition.parse(row.getString(1));
        return new Check(true, true, replayed, timeline.caughtUpTo(replayed), null);
    }

    /** Marks the replica down after a read failed on it: no read goes there until a check finds it answering. */
    void failed(Throwable cause) {
        record(down(cause));
    }

    private static Check down(Throwable cause) {
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new Check(false, false, null, null, message.lines().findFirst().orElse(message));
    }

    /** The state at {@code now}. */
    ReplicaState state(Instant now, Duration maxStaleness) {
        return state(last, now, maxStaleness);
    }

    private static ReplicaState state(Check check, Instant now, Duration maxStaleness) {
        if (check == Check.NONE) {
            return ReplicaState.UNCHECKED;
        }
        if (!check.answered()) {
            return ReplicaState.DOWN;
        }
        if (!check.inRecovery()) {
            return ReplicaState.NOT_IN_RECOVERY;
        }
        Duration lag = lag(check, now);
        return lag != null && lag.compareTo(maxStaleness) <= 0 ? ReplicaState.STREAMING : ReplicaState.LAGGING;
    }

    /** Whether a read that must see {@code required} (null: nothing in particular) may go here at {@code now}. */
    boolean serves(WalPosition required, Instant now, Duration maxStaleness) {
        Check check = last;
        return state(check, now, maxStaleness) == ReplicaState.STREAMING
                && (required == null || check.replayed().reached(required));
    }

    /** How far behind the primary the replica is at {@code now}, as its last check showed; null when unknown. */
    Duration lag(Instant now) {
        return lag(last, now);
    }

    private static Duration lag(Check check, Instant now) {
        return check.caughtUpTo() == null ? null : Duration.between(check.caughtUpTo(), now);
    }

    /** The replay position of the last check; null when not known. */
    WalPosition replayed() {
        return last.replayed();
    }

    /** Why the last check or read failed; null when it answered. */
    String problem() {
        return last.problem();
    }

    /** Lets a replaced pool's connections go. */
    Future<Void> close() {
        return pool.close();
    }
}
