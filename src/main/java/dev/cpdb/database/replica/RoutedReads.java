package dev.cpdb.database.replica;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

import dev.cpdb.database.layer.FuturePreparedQuery;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.pgclient.PgException;
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
 * The client of one read-only request: each statement goes to a replica that serves it, or to the primary when none
 * does. A statement a replica fails runs once more on the primary, which is safe because it only reads: the caller
 * sees the primary's answer, never the replica's failure. Owns nothing, so closing it closes nothing.
 */
final class RoutedReads implements SqlClient {

    private final Pool primary;
    private final ReplicaSet replicas;
    private final WalPosition required;
    private final ReadMetrics metrics;
    private final Answers answers;

    /** @param required the position every statement must see; null for nothing in particular */
    RoutedReads(Pool primary, ReplicaSet replicas, WalPosition required, ReadMetrics metrics, Answers answers) {
        this.answers = answers;
        this.primary = primary;
        this.replicas = replicas;
        this.required = required;
        this.metrics = metrics;
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return new RoutedQuery(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new RoutedPreparedQuery(sql, null);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new RoutedPreparedQuery(sql, options);
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        handler.handle(Future.succeededFuture());
    }

    @Override
    public Future<Void> close() {
        return Future.succeededFuture();
    }

    /** Runs {@code statement} on a serving replica, or on the primary when none serves or the replica fails. */
    private Future<RowSet<Row>> route(Function<SqlClient, Future<RowSet<Row>>> statement) {
        Replica replica = replicas.choose(required);
        if (replica == null) {
            return onPrimary(statement);
        }
        Future<RowSet<Row>> answer;
        try {
            answer = statement.apply(replica.pool());
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answers.within(answer)
                .onSuccess(rows -> metrics.servedByReplica())
                .recover(failure -> fallBack(replica, failure, statement));
    }

    private Future<RowSet<Row>> fallBack(Replica replica, Throwable failure,
            Function<SqlClient, Future<RowSet<Row>>> statement) {
        if (replicaTrouble(failure)) {
            replica.failed(failure);
        }
        metrics.fellBack();
        return onPrimary(statement);
    }

    private Future<RowSet<Row>> onPrimary(Function<SqlClient, Future<RowSet<Row>>> statement) {
        metrics.servedByPrimary();
        return statement.apply(primary);
    }

    /**
     * Whether a failure says the replica cannot serve (unreachable, shutting down, a pooler that lost it), as opposed
     * to an error of the statement, which the primary will give too.
     */
    static boolean replicaTrouble(Throwable failure) {
        if (failure instanceof Answers.NoAnswer || !(failure instanceof PgException pg) || pg.getSqlState() == null) {
            return true;
        }
        String sqlState = pg.getSqlState();
        // Class 08: connection exception; class 57: operator intervention (admin shutdown, cannot connect now).
        return sqlState.startsWith("08") || sqlState.startsWith("57");
    }

    /** A plain statement. */
    private final class RoutedQuery implements Query<RowSet<Row>> {

        private final String sql;

        RoutedQuery(String sql) {
            this.sql = sql;
        }

        @Override
        public Future<RowSet<Row>> execute() {
            return route(client -> client.query(sql).execute());
        }

        @Override
        public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
            execute().onComplete(handler);
        }

        // Collecting and mapping views go to the primary: cpdb's reads do not use them.
        @Override
        public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return primary.query(sql).collecting(collector);
        }

        @Override
        public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
            return primary.query(sql).mapping(mapper);
        }
    }

    /** A parameterized statement. */
    private final class RoutedPreparedQuery extends FuturePreparedQuery {

        private final String sql;
        /** As the caller gave them (a mark that keeps values out of the statement text, say); may be null. */
        private final PrepareOptions options;

        RoutedPreparedQuery(String sql, PrepareOptions options) {
            this.sql = sql;
            this.options = options;
        }

        private PreparedQuery<RowSet<Row>> on(SqlClient client) {
            return options == null ? client.preparedQuery(sql) : client.preparedQuery(sql, options);
        }

        @Override
        public Future<RowSet<Row>> execute(Tuple values) {
            return route(client -> on(client).execute(values));
        }

        // Batches write; they never come through a read, but if one did it belongs on the primary.
        @Override
        public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
            return on(primary).executeBatch(batch);
        }

        @Override
        public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
            return on(primary).collecting(collector);
        }

        @Override
        public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
            return on(primary).mapping(mapper);
        }
    }
}
