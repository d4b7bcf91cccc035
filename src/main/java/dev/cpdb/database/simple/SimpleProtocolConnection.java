package dev.cpdb.database.simple;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * A pooled connection whose parameterized queries run in the simple protocol (see {@link SimpleProtocolQuery});
 * named prepared statements are refused because a transaction pooler cannot keep them.
 */
final class SimpleProtocolConnection implements SqlConnection {

    private final SqlConnection delegate;

    SimpleProtocolConnection(SqlConnection delegate) {
        this.delegate = delegate;
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return delegate.query(sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return new SimpleProtocolQuery(delegate, sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return new SimpleProtocolQuery(delegate, sql);
    }

    @Override
    public SqlConnection prepare(String sql, Handler<AsyncResult<PreparedStatement>> handler) {
        handler.handle(Future.failedFuture(namedStatements()));
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql) {
        return Future.failedFuture(namedStatements());
    }

    @Override
    public SqlConnection prepare(String sql, PrepareOptions options,
            Handler<AsyncResult<PreparedStatement>> handler) {
        return prepare(sql, handler);
    }

    @Override
    public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
        return prepare(sql);
    }

    @Override
    public SqlConnection exceptionHandler(Handler<Throwable> handler) {
        delegate.exceptionHandler(handler);
        return this;
    }

    @Override
    public SqlConnection closeHandler(Handler<Void> handler) {
        delegate.closeHandler(handler);
        return this;
    }

    @Override
    public void begin(Handler<AsyncResult<Transaction>> handler) {
        delegate.begin(handler);
    }

    @Override
    public Future<Transaction> begin() {
        return delegate.begin();
    }

    @Override
    public Transaction transaction() {
        return delegate.transaction();
    }

    @Override
    public boolean isSSL() {
        return delegate.isSSL();
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        delegate.close(handler);
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }

    @Override
    public DatabaseMetadata databaseMetadata() {
        return delegate.databaseMetadata();
    }

    private static UnsupportedOperationException namedStatements() {
        return new UnsupportedOperationException("named prepared statements cannot be used behind a transaction "
                + "pooler; use preparedQuery");
    }
}
