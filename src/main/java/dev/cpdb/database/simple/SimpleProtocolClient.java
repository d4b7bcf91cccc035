package dev.cpdb.database.simple;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

/**
 * What the simple-protocol pool and its connections share: plain queries pass through, parameterized ones become
 * {@link SimpleProtocolQuery}, except those marked {@link SecretValues}, which keep bound parameters.
 */
abstract class SimpleProtocolClient<C extends SqlClient> implements SqlClient {

    final C delegate;

    SimpleProtocolClient(C delegate) {
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
        if (options instanceof SecretValues) {
            return delegate.preparedQuery(sql, options);
        }
        return new SimpleProtocolQuery(delegate, sql);
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        delegate.close(handler);
    }

    @Override
    public Future<Void> close() {
        return delegate.close();
    }
}
