package dev.cpdb.database.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.database.Database;
import dev.cpdb.database.DatabaseConfig;
import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.RuntimePool;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Where the reads of read-only requests go. Without {@code DATABASE_READ_URL} that is the runtime pool itself and
 * nothing else happens. With it, each statement of a read goes to a streaming replica that is in recovery, at most the
 * maximum staleness behind the primary and, when the caller wrote lately (or the request names a WAL position), past
 * that write; otherwise to the primary. Writes, and everything inside a write's transaction, never come here.
 *
 * <p>
 * A caller is the operator or one agent. After each of its writes the primary's WAL insert position is read and kept
 * for the caller (see {@link CallerWrites} for how long); it is read after the commit on purpose: read inside the
 * transaction it would stop short of the commit record, and a replica at that position still hides the write.
 *
 * <p>
 * Replicas are optional at run time: one that is down, lagging or promoted is skipped, a read a replica fails runs
 * again on the primary, and readiness never asks a replica.
 */
@ApplicationScoped
public class ReadPath {

    private static final Logger LOG = Logger.getLogger(ReadPath.class);

    /** Where the primary's WAL is inserted to: at or past the commit record of a write that has returned. */
    static final String WRITE_POSITION = "SELECT pg_current_wal_insert_lsn()::text";

    /** Samples of the primary are kept at least this long, so status can show a large lag. */
    private static final Duration TIMELINE_KEPT = Duration.ofMinutes(2);

    private final Database database;
    private final DatabaseConfig config;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final CallerWrites writes = new CallerWrites();

    private volatile ReplicaSet replicas;
    private volatile ReplicaMonitor monitor;
    private volatile ReadMetrics metrics;
    private volatile Answers answers;

    public ReadPath(Database database, DatabaseConfig config, Vertx vertx, MeterRegistry registry) {
        this.database = database;
        this.config = config;
        this.vertx = vertx;
        this.registry = registry;
    }

    /**
     * Builds the replicas' pools and starts checking them; does nothing without {@code DATABASE_READ_URL}. Called
     * once the database has started. Blocking (pooler detection asks each replica).
     */
    public synchronized void start() {
        ReadSettings settings = ReadSettings.resolve(config.read(), database.embedded());
        if (settings.replicas().isEmpty() || replicas != null) {
            return;
        }
        Duration maxStaleness = settings.maxStaleness();
        List<Replica> built = new ArrayList<>();
        for (int i = 0; i < settings.replicas().size(); i++) {
            DatabaseUrl url = settings.replicas().get(i);
            RuntimePool pool = database.replicaPool(url);
            built.add(new Replica(url, settings.directUrls().isEmpty() ? null : settings.directUrls().get(i), pool));
            LOG.infof("read replica %s (pooler %s: %s)", url.redacted(), pool.decision().mode().settingValue(),
                    pool.decision().reason());
        }
        ReplicaSet set = new ReplicaSet(built, maxStaleness);
        PrimaryTimeline timeline = new PrimaryTimeline(TIMELINE_KEPT.compareTo(maxStaleness.multipliedBy(2)) > 0
                ? TIMELINE_KEPT
                : maxStaleness.multipliedBy(2));
        metrics = new ReadMetrics(registry, set);
        answers = new Answers(vertx, settings.timeout());
        monitor = new ReplicaMonitor(vertx, database.pool().getDelegate(), set, timeline, writes,
                settings.pollInterval(), answers);
        replicas = set;
        monitor.start();
    }

    /** How long work that needs the replicas' state (the status command, a backup from a replica) waits for it. */
    public static final Duration FIRST_CHECK = Duration.ofSeconds(15);

    /**
     * For the {@code status} command, which serves no traffic: builds the replicas' pools and waits until each has
     * answered its first check or failed it, at most {@code timeout}. Blocking.
     */
    public void startAndAwaitFirstCheck(Duration timeout) throws InterruptedException {
        start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (status().stream().anyMatch(replica -> replica.state().equals(ReplicaState.UNCHECKED.wire()))
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    /** Whether {@code DATABASE_READ_URL} names replicas. */
    public boolean enabled() {
        return replicas != null;
    }

    /**
     * The client for the reads of a read-only request by {@code caller}: the runtime pool itself without replicas,
     * else a client that routes each statement (never use it for a write or inside a transaction).
     *
     * @param caller who reads, as read-your-writes tells callers apart (the operator, or one agent)
     * @param named the position the request asked its reads to see; null for none
     */
    public SqlClient client(String caller, WalPosition named) {
        ReplicaSet set = replicas;
        if (set == null) {
            return database.pool();
        }
        return SqlClient.newInstance(new RoutedReads(database.pool().getDelegate(), set, required(caller, named),
                metrics, answers));
    }

    /**
     * The position the reads of {@code caller}'s request must see: its latest write still remembered, or the
     * position the request named, whichever is later; null when any serving replica will do. Not always a real
     * position (see {@link WalPosition#known()}).
     */
    public WalPosition required(String caller, WalPosition named) {
        return WalPosition.later(writes.required(caller), named);
    }

    /**
     * Remembers that {@code caller}'s write has committed: reads the primary's WAL insert position and keeps it for
     * the caller. When the position cannot be read the caller reads from the primary for one maximum staleness.
     *
     * @return the position, or null when it could not be read
     */
    public Uni<WalPosition> wrote(String caller) {
        return database.pool().query(WRITE_POSITION).execute()
                .onItem().transform(rows -> WalPosition.parse(rows.iterator().next().getString(0)))
                .invoke(position -> writes.wrote(caller, position))
                .onFailure().recoverWithItem(failure -> unknownPosition(caller, failure));
    }

    private WalPosition unknownPosition(String caller, Throwable failure) {
        LOG.debugf(failure, "reading the WAL position after a write failed; the caller reads from the primary");
        writes.wroteAtUnknownPosition(caller, Instant.now());
        return null;
    }

    /** Each replica's state for status; empty without replicas. */
    public List<ReplicaStatus> status() {
        ReplicaSet set = replicas;
        if (set == null) {
            return List.of();
        }
        Instant now = Instant.now();
        return set.all().stream().map(replica -> status(replica, now, set.maxStaleness())).toList();
    }

    /**
     * Each replica as work that needs a session of its own sees it (its state now and its direct address), in the
     * order of {@code DATABASE_READ_URL}; empty without replicas.
     */
    public List<DirectReplica> directReplicas() {
        ReplicaSet set = replicas;
        if (set == null) {
            return List.of();
        }
        Instant now = Instant.now();
        return set.all().stream().map(replica -> new DirectReplica(replica.name(),
                replica.state(now, set.maxStaleness()), replica.directUrl(), replica.problem(), replica.replayed()))
                .toList();
    }

    private static ReplicaStatus status(Replica replica, Instant now, Duration maxStaleness) {
        Duration lag = replica.lag(now);
        WalPosition replayed = replica.replayed();
        return new ReplicaStatus(replica.endpoint().host(), replica.endpoint().port(),
                replica.endpoint().database(), replica.state(now, maxStaleness).wire(),
                lag == null ? null : lag.toMillis() / 1000.0, replayed == null ? null : replayed.text(),
                replica.pool().decision().mode().settingValue(), replica.pool().decision().reason(),
                replica.problem());
    }

    @PreDestroy
    synchronized void stop() {
        ReplicaSet set = replicas;
        replicas = null;
        if (monitor != null) {
            monitor.stop();
        }
        if (set != null) {
            set.all().forEach(Replica::close);
        }
    }
}
