package dev.cpdb.database.layer;

import java.util.function.Function;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/**
 * A pool whose statements, and those of every connection it hands out, go through a {@link StatementLayer}.
 * Transactions use the default implementations over {@link #getConnection()}, so their statements go through the
 * layer too.
 */
public class LayeredPool extends LayeredClient<Pool> implements Pool {

    protected LayeredPool(Pool below, StatementLayer layer) {
        super(below, layer);
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return below.getConnection().map(connection -> new LayeredConnection(connection, layer));
    }

    @Override
    public Pool connectHandler(Handler<SqlConnection> handler) {
        below.connectHandler(handler);
        return this;
    }

    @Override
    public Pool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        below.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return below.size();
    }
}
