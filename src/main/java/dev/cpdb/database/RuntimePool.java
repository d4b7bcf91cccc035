package dev.cpdb.database;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collector;

import org.jboss.logging.Logger;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

/**
 * The runtime pool the services use. It starts with the settings decided at start-up and, the first time an error
 * arrives that only a transaction pooler produces, replaces its connections with ones in the transaction-pooler-safe
 * settings, logs one ERROR naming the setting to make explicit, and runs the failed work once more when that cannot
 * apply anything twice: a statement outside a transaction when it only reads or provably never ran, a transaction
 * always (it was rolled back).
 *
 * <p>
 * It also counts the work it runs (statements and transactions from start to completion), from which
 * {@link #use()} tells how many connections are in use and how much work waits for one.
 */
public final class RuntimePool implements Pool {

    private static final Logger LOG = Logger.getLogger(RuntimePool.class);

    /** How long connections of a replaced pool may finish the work they hold before they are closed. */
    static final Duration DRAIN = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final DatabaseUrl url;
    private final RuntimePoolSettings safeSettings;
    private volatile Pool current;
    private volatile RuntimePoolSettings settings;
    private volatile PoolerDecision decision;
    /** Statements and transactions started and not yet completed, on the current and any draining pool. */
    private final AtomicInteger inFlight = new AtomicInteger();

    private final dev.cpdb.database.querylog.QueryLog log;
    /** The path the query log files this pool's statements under. */
    private final dev.cpdb.database.querylog.QueryLog.Path path;

    RuntimePool(Vertx vertx, DatabaseUrl url, RuntimePoolSettings settings, RuntimePoolSettings safeSettings,
            PoolerDecision decision, dev.cpdb.database.querylog.QueryLog log,
            dev.cpdb.database.querylog.QueryLog.Path path) {
        this.vertx = vertx;
        this.log = log;
        this.path = path;
        this.url = url;
        this.settings = settings;
        this.safeSettings = safeSettings;
        this.decision = decision;
        this.current = RuntimePools.create(vertx, url, settings, log, path);
    }

    /** The pooler decision in force: the start-up one, or the switch at run time. */
    public PoolerDecision decision() {
        return decision;
    }

    /** Connections in use and work waiting for one, from the work in flight and the pool's size. */
    public PoolUse use() {
        return PoolUse.of(settings.maxSize(), inFlight.get());
    }

    /** Runs {@code work}, counting it in flight until its future completes. */
    private <T> Future<T> counted(Supplier<Future<T>> work) {
        inFlight.incrementAndGet();
        Future<T> future;
        try {
            future = work.get();
        } catch (RuntimeException e) {
            inFlight.decrementAndGet();
            throw e;
        }
        return future.onComplete(done -> inFlight.decrementAndGet());
    }

    /** The settings in force. */
    RuntimePoolSettings settings() {
        return settings;
    }

    /**
     * Switches to the safe settings unless already there. Connections of the replaced pool finish what they hold and
     * are closed after {@link #DRAIN}.
     *
     * @return whether this call switched
     */
    synchronized boolean switchToSafeSettings(Throwable cause) {
        if (settings.transactionPoolerSafe()) {
            return false;
        }
        Pool replaced = current;
        settings = safeSettings;
        current = RuntimePools.create(vertx, url, safeSettings, log, path);
        String evidence = "PostgreSQL answered \"" + PoolerErrors.describe(cause) + "\" through " + variable() + " ("
                + url.host() + ":" + url.port() + "), which only a transaction pooler causes";
        PoolerDecision before = decision;
        decision = before.switchedAtRuntime(evidence + "; the runtime pool switched to the transaction-pooler "
                + "settings");
        LOG.errorf("%s. The runtime pool now runs with the transaction-pooler settings (prepared-statement cache off, "
                + "%s). Set CPDB_POOLER=transaction to make this explicit (at start-up: pooler %s, because %s)",
                evidence, safeSettings.simpleProtocol() ? "simple statement protocol" : "layer-7 proxy mode",
                before.mode().settingValue(), before.reason());
        vertx.setTimer(DRAIN.toMillis(), id -> replaced.close());
        return true;
    }

    /** The setting this pool's address comes from, for messages. */
    private String variable() {
        return path == dev.cpdb.database.querylog.QueryLog.Path.REPLICA ? "DATABASE_READ_URL" : "DATABASE_URL";
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        // Plain queries use the simple protocol, which names no statement: nothing for a pooler to mix up.
        return new CountedQuery(current.query(sql));
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new SwitchingQuery(sql, null);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new SwitchingQuery(sql, options);
    }

    @Override
    public <T> Future<T> withTransaction(Function<SqlConnection, Future<T>> function) {
        Pool pool = current;
        return counted(() -> pool.withTransaction(function)
                .recover(failure -> PoolerErrors.poolerOnly(failure)
                        ? againAfterSwitch(failure, () -> current.withTransaction(function))
                        : Future.failedFuture(failure)));
    }

    @Override
    public <T> void withTransaction(Function<SqlConnection, Future<T>> function, Handler<AsyncResult<T>> handler) {
        withTransaction(function).onComplete(handler);
    }

    private <T> Future<T> againAfterSwitch(Throwable failure, java.util.function.Supplier<Future<T>> again) {
        switchToSafeSettings(failure);
        return again.get();
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        current.getConnection(handler);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return current.getConnection();
    }

    @Override
    public Pool connectHandler(Handler<SqlConnection> handler) {
        current.connectHandler(handler);
        return this;
    }

    @Override
    public Pool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        current.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return current.size();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        close().onComplete(handler);
    }

    @Override
    public Future<Void> close() {
        return current.close();
    }

    /** A statement outside a transaction, run again on the safe pool when that cannot apply it twice. */
    private final class SwitchingQuery extends dev.cpdb.database.layer.FuturePreparedQuery {

        private final String sql;
        /** Options as the caller gave them (for example a mark that keeps values out of the statement text); may be null. */
        private final PrepareOptions options;

        SwitchingQuery(String sql, PrepareOptions options) {
            this.sql = sql;
            this.options = options;
        }

        private PreparedQuery<RowSet<Row>> onCurrentPool() {
            return options == null ? current.preparedQuery(sql) : current.preparedQuery(sql, options);
        }

        @Override
        public Future<RowSet<Row>> execute(Tuple values) {
            return counted(() -> onCurrentPool().execute(values)
                    .recover(failure -> {
                        if (!PoolerErrors.poolerOnly(failure)) {
                            return Future.failedFuture(failure);
                        }
                        boolean again = PoolerErrors.readOnly(sql) || PoolerErrors.beforeExecution(failure);
                        switchToSafeSettings(failure);
                        return again ? onCurrentPool().execute(values) : Future.failedFuture(failure);
                    }));
        }

        @Override
        public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
            return counted(() -> onCurrentPool().executeBatch(batch));
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return onCurrentPool().collecting(collector);
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return onCurrentPool().mapping(mapper);
        }
    }

    /** A plain (simple-protocol) statement, counted in flight while it runs. */
    private final class CountedQuery implements Query<RowSet<Row>> {

        private final Query<RowSet<Row>> delegate;

        CountedQuery(Query<RowSet<Row>> delegate) {
            this.delegate = delegate;
        }

        @Override
        public Future<RowSet<Row>> execute() {
            return counted(delegate::execute);
        }

        @Override
        public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
            execute().onComplete(handler);
        }

        // Collecting and mapping views are left uncounted: cpdb's code does not use them.
        @Override
        public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return delegate.collecting(collector);
        }

        @Override
        public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
            return delegate.mapping(mapper);
        }
    }
}
