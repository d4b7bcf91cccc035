package dev.cpdb.database.simple;

import java.util.function.Function;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;

/**
 * The runtime pool in simple-protocol mode: every parameterized statement, in or out of a transaction, is sent as
 * one message with its values written as literals. Behind a transaction pooler that is one round trip per statement
 * instead of the two that unnamed extended-protocol statements need, and nothing is left on a server connection.
 */
public final class SimpleProtocolPool extends SimpleProtocolClient<Pool> implements Pool {

    private SimpleProtocolPool(Pool delegate) {
        super(delegate);
    }

    /** Wraps {@code pool}; transactions use the default implementations over {@link #getConnection()}. */
    public static Pool wrap(Pool pool) {
        return new SimpleProtocolPool(pool);
    }

    @Override
    public void getConnection(Handler<AsyncResult<SqlConnection>> handler) {
        getConnection().onComplete(handler);
    }

    @Override
    public Future<SqlConnection> getConnection() {
        return delegate.getConnection().map(SimpleProtocolConnection::new);
    }

    @Override
    public Pool connectHandler(Handler<SqlConnection> handler) {
        delegate.connectHandler(handler);
        return this;
    }

    @Override
    public Pool connectionProvider(Function<Context, Future<SqlConnection>> provider) {
        delegate.connectionProvider(provider);
        return this;
    }

    @Override
    public int size() {
        return delegate.size();
    }
}
