package dev.cpdb.database.layer;

import io.vertx.core.Future;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

/**
 * What a layer over the runtime pool does to statements, the same for the pool and for each connection it hands
 * out (see {@link LayeredPool}): everything else about pools and connections passes through.
 */
public interface StatementLayer {

    /** A plain statement on {@code below}. */
    Query<RowSet<Row>> query(SqlClient below, String sql);

    /** A parameterized statement on {@code below}; {@code options} may be null. */
    PreparedQuery<RowSet<Row>> preparedQuery(SqlClient below, String sql, PrepareOptions options);

    /** A named prepared statement on a connection; {@code options} may be null. Passes through unless overridden. */
    default Future<PreparedStatement> prepare(SqlConnection below, String sql, PrepareOptions options) {
        return options == null ? below.prepare(sql) : below.prepare(sql, options);
    }
}
