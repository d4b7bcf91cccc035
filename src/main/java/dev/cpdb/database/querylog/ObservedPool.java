package dev.cpdb.database.querylog;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

import dev.cpdb.database.layer.FuturePreparedQuery;
import dev.cpdb.database.layer.LayeredPool;
import dev.cpdb.database.layer.StatementLayer;
import dev.cpdb.database.simple.SecretValues;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

/**
 * A runtime pool whose statements, in or out of transactions, go to the {@link QueryLog} with the template the code
 * wrote, before any layer below renders values into it.
 */
public final class ObservedPool extends LayeredPool {

    private ObservedPool(Pool below, QueryLog log, QueryLog.Path path) {
        super(below, new Observed(log, path));
    }

    /** Wraps {@code pool}, whose statements are logged as taking {@code path}. */
    public static Pool wrap(Pool pool, QueryLog log, QueryLog.Path path) {
        return new ObservedPool(pool, log, path);
    }

    /** The layer: each statement timed from execution to completion. */
    private record Observed(QueryLog log, QueryLog.Path path) implements StatementLayer {

        @Override
        public Query<RowSet<Row>> query(SqlClient below, String sql) {
            return new ObservedQuery(log, path, below.query(sql), sql);
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(SqlClient below, String sql, PrepareOptions options) {
            return new ObservedPreparedQuery(log, path,
                    options == null ? below.preparedQuery(sql) : below.preparedQuery(sql, options), sql,
                    options instanceof SecretValues);
        }
    }

    private static Future<RowSet<Row>> observe(QueryLog.Timing timing, Future<RowSet<Row>> result) {
        return result.onComplete(done -> timing.finish(done.succeeded() ? done.result().rowCount() : -1,
                done.failed() ? done.cause() : null));
    }

    /** A plain statement. */
    private record ObservedQuery(QueryLog log, QueryLog.Path path, Query<RowSet<Row>> query, String sql)
            implements
                Query<RowSet<Row>> {

        @Override
        public Future<RowSet<Row>> execute() {
            return observe(log.start(path, sql, null, false), query.execute());
        }

        @Override
        public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
            execute().onComplete(handler);
        }

        // Collecting and mapping views pass through unobserved: cpdb's code does not use them.
        @Override
        public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return query.collecting(collector);
        }

        @Override
        public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
            return query.mapping(mapper);
        }
    }

    /** A parameterized statement. */
    private static final class ObservedPreparedQuery extends FuturePreparedQuery {

        private final QueryLog log;
        private final QueryLog.Path path;
        private final PreparedQuery<RowSet<Row>> query;
        private final String sql;
        private final boolean secret;

        ObservedPreparedQuery(QueryLog log, QueryLog.Path path, PreparedQuery<RowSet<Row>> query, String sql,
                boolean secret) {
            this.log = log;
            this.path = path;
            this.query = query;
            this.sql = sql;
            this.secret = secret;
        }

        @Override
        public Future<RowSet<Row>> execute(Tuple values) {
            // Values are copied only when a line may be written; the count is all a redacted line shows.
            Object[] shown = new Object[values.size()];
            if (log.level() == QueryLog.Level.WITH_VALUES) {
                for (int i = 0; i < shown.length; i++) {
                    shown[i] = values.getValue(i);
                }
            }
            return observe(log.start(path, sql, shown, secret), query.execute(values));
        }

        @Override
        public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
            return observe(log.start(path, sql, new Object[0], secret), query.executeBatch(batch));
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return query.collecting(collector);
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return query.mapping(mapper);
        }
    }
}
