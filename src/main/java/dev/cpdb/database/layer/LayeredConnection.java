package dev.cpdb.database.layer;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.spi.DatabaseMetadata;

/** A pooled connection of a {@link LayeredPool}: statements go through the layer, the rest passes through. */
final class LayeredConnection extends LayeredClient<SqlConnection> implements SqlConnection {

    LayeredConnection(SqlConnection below, StatementLayer layer) {
        super(below, layer);
    }

    @Override
    public SqlConnection prepare(String sql, Handler<AsyncResult<PreparedStatement>> handler) {
        prepare(sql).onComplete(handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql) {
        return layer.prepare(below, sql, null);
    }

    @Override
    public SqlConnection prepare(String sql, PrepareOptions options,
            Handler<AsyncResult<PreparedStatement>> handler) {
        prepare(sql, options).onComplete(handler);
        return this;
    }

    @Override
    public Future<PreparedStatement> prepare(String sql, PrepareOptions options) {
        return layer.prepare(below, sql, options);
    }

    @Override
    public SqlConnection exceptionHandler(Handler<Throwable> handler) {
        below.exceptionHandler(handler);
        return this;
    }

    @Override
    public SqlConnection closeHandler(Handler<Void> handler) {
        below.closeHandler(handler);
        return this;
    }

    @Override
    public void begin(Handler<AsyncResult<Transaction>> handler) {
        below.begin(handler);
    }

    @Override
    public Future<Transaction> begin() {
        return below.begin();
    }

    @Override
    public Transaction transaction() {
        return below.transaction();
    }

    @Override
    public boolean isSSL() {
        return below.isSSL();
    }

    @Override
    public DatabaseMetadata databaseMetadata() {
        return below.databaseMetadata();
    }
}
