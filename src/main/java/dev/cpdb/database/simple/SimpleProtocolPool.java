package dev.cpdb.database.simple;

import dev.cpdb.database.layer.LayeredPool;
import dev.cpdb.database.layer.StatementLayer;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.PreparedStatement;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;

/**
 * The runtime pool in simple-protocol mode: every parameterized statement, in or out of a transaction, is sent as
 * one message with its values written as literals. Behind a transaction pooler that is one round trip per statement
 * instead of the two that unnamed extended-protocol statements need, and nothing is left on a server connection.
 * Plain queries pass through; statements marked {@link SecretValues} keep bound parameters; named prepared statements
 * are refused because a transaction pooler cannot keep them.
 */
public final class SimpleProtocolPool extends LayeredPool {

    private static final StatementLayer SIMPLE_PROTOCOL = new StatementLayer() {

        @Override
        public Query<RowSet<Row>> query(SqlClient below, String sql) {
            return below.query(sql);
        }

        @Override
        public PreparedQuery<RowSet<Row>> preparedQuery(SqlClient below, String sql, PrepareOptions options) {
            if (options instanceof SecretValues) {
                return below.preparedQuery(sql, options);
            }
            return new SimpleProtocolQuery(below, sql);
        }

        @Override
        public Future<PreparedStatement> prepare(SqlConnection below, String sql, PrepareOptions options) {
            return Future.failedFuture(new UnsupportedOperationException("named prepared statements cannot be used "
                    + "behind a transaction pooler; use preparedQuery"));
        }
    };

    private SimpleProtocolPool(Pool below) {
        super(below, SIMPLE_PROTOCOL);
    }

    /** Wraps {@code pool}. */
    public static Pool wrap(Pool pool) {
        return new SimpleProtocolPool(pool);
    }
}
