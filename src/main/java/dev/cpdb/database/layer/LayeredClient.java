package dev.cpdb.database.layer;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;

/** What a layered pool and its connections share: statements go through the layer, closing passes through. */
abstract class LayeredClient<C extends SqlClient> implements SqlClient {

    final C below;
    final StatementLayer layer;

    LayeredClient(C below, StatementLayer layer) {
        this.below = below;
        this.layer = layer;
    }

    @Override
    public Query<RowSet<Row>> query(String sql) {
        return layer.query(below, sql);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
        return layer.preparedQuery(below, sql, null);
    }

    @Override
    public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
        return layer.preparedQuery(below, sql, options);
    }

    @Override
    public void close(Handler<AsyncResult<Void>> handler) {
        below.close(handler);
    }

    @Override
    public Future<Void> close() {
        return below.close();
    }
}
