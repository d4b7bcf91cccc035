package dev.cpdb.database.layer;

import java.util.List;

import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * A parameterized statement defined by its future-returning {@link #execute(Tuple)} and {@link #executeBatch(List)};
 * the callback forms and {@code execute()} without values follow from them.
 */
public abstract class FuturePreparedQuery implements PreparedQuery<RowSet<Row>> {

    @Override
    public void execute(Tuple values, Handler<AsyncResult<RowSet<Row>>> handler) {
        execute(values).onComplete(handler);
    }

    @Override
    public Future<RowSet<Row>> execute() {
        return execute(Tuple.tuple());
    }

    @Override
    public void execute(Handler<AsyncResult<RowSet<Row>>> handler) {
        execute().onComplete(handler);
    }

    @Override
    public void executeBatch(List<Tuple> batch, Handler<AsyncResult<RowSet<Row>>> handler) {
        executeBatch(batch).onComplete(handler);
    }
}
