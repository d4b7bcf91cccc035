package dev.cpdb.database.simple;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Collector;

import dev.cpdb.database.layer.FuturePreparedQuery;
import io.vertx.core.Future;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;

/**
 * A "prepared" query that runs as one simple-protocol message: the values are rendered as literals into the
 * statement, so there is no separate parse round trip and no server-side statement a pooler would have to route.
 */
final class SimpleProtocolQuery extends FuturePreparedQuery {

    private final SqlClient client;
    private final String sql;

    SimpleProtocolQuery(SqlClient client, String sql) {
        this.client = client;
        this.sql = sql;
    }

    @Override
    public Future<RowSet<Row>> execute(Tuple values) {
        String rendered;
        try {
            StatementTemplate template = StatementTemplate.of(sql);
            if (values.size() != template.parameterCount()) {
                throw new IllegalArgumentException("the statement needs " + template.parameterCount()
                        + " values, got " + values.size() + ": " + sql);
            }
            rendered = template.render(SqlLiterals.of(values));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return client.query(rendered).execute();
    }

    @Override
    public Future<RowSet<Row>> executeBatch(List<Tuple> batch) {
        return Future.failedFuture(unsupported("executeBatch"));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
        throw unsupported("collecting");
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
        throw unsupported("mapping");
    }

    private static UnsupportedOperationException unsupported(String method) {
        return new UnsupportedOperationException(method + " is not available in the simple statement protocol");
    }
}
