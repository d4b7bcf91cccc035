package dev.cpdb.database.simple;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/**
 * A pooled connection whose parameterized queries run in the simple protocol (see {@link SimpleProtocolQuery});
 * named prepared statements are refused because a transaction pooler cannot keep them.
 */
final class SimpleProtocolConnection extends SimpleProtocolClient<SqlConnection> implements SqlConnection {

    SimpleProtocolConnection(SqlConnection delegate) {
        super(delegate);
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
    public DatabaseMetadata databaseMetadata() {
        return delegate.databaseMetadata();
    }

    private static UnsupportedOperationException namedStatements() {
        return new UnsupportedOperationException("named prepared statements cannot be used behind a transaction "
                + "pooler; use preparedQuery");
    }
}
