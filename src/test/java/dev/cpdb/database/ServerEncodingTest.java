package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

/**
 * Text encoding on both paths, against the real test server. PostgreSQL converts text between the database encoding
 * and each session's {@code client_encoding}, which a database or role may default to something else than UTF8;
 * characters the client encoding cannot hold fail with SQLSTATE 22P05. A SQL_ASCII database converts nothing and
 * checks nothing.
 */
class ServerEncodingTest {

    private static final String TEXT = "Zürich € ☃ 😀 日本";

    @Test
    void aSqlAsciiDatabaseIsRefusedNamingItsEncodingAndWhatToDo() {
        DatabaseUrl database = TestPostgres.createDatabase("encoding_base");
        String name = database.database() + "_ascii";
        TestPostgres.execute(database, "CREATE DATABASE " + name
                + " ENCODING 'SQL_ASCII' TEMPLATE template0 LC_COLLATE 'C' LC_CTYPE 'C'");
        DirectConnections direct = new DirectConnections(database.with(name, database.user(), database.password()),
                "cpdb-test", Duration.ofSeconds(10));

        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ServerEncoding.requireUtf8(direct));

        assertTrue(e.getMessage().contains("has encoding SQL_ASCII"), e.getMessage());
        assertTrue(e.getMessage().contains("ENCODING 'UTF8'"), e.getMessage());
    }

    @Test
    void aUtf8DatabaseIsAccepted() {
        DatabaseUrl database = TestPostgres.createDatabase("encoding_utf8");

        ServerEncoding.requireUtf8(new DirectConnections(database, "cpdb-test", Duration.ofSeconds(10)));
    }

    @Test
    void runtimeConnectionsSendUtf8WhateverTheDatabaseDefaultsTo() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("encoding_latin1_client");
        TestPostgres.execute(database, "ALTER DATABASE " + database.database() + " SET client_encoding = 'LATIN1'");
        Vertx vertx = Vertx.vertx();
        try {
            for (boolean pooler : new boolean[] { false, true }) {
                ConnectionPlanTest.TestDatabaseConfig config = new ConnectionPlanTest.TestDatabaseConfig(
                        java.util.Optional.of(TestPostgres.libpq(database)), java.util.Optional.empty(),
                        java.util.Optional.of(2), Duration.ofMinutes(1), Duration.ofSeconds(10), "cpdb-test",
                        Duration.ofSeconds(10), java.util.Optional.empty(), "auto");
                RuntimePoolSettings settings = ConnectionPlan.poolSettings(config,
                        pooler ? PoolerMode.TRANSACTION : PoolerMode.NONE);
                Pool pool = RuntimePools.create(vertx, database, settings);
                try {
                    Row row = await(pool.preparedQuery("SELECT $1::text AS echo, current_setting('client_encoding')")
                            .execute(Tuple.of(TEXT))).iterator().next();
                    assertEquals(TEXT, row.getString(0), "text survives the round trip (pooler settings: " + pooler
                            + ")");
                    assertEquals("UTF8", row.getString(1));
                } finally {
                    await(pool.close());
                }
            }
        } finally {
            await(vertx.close());
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
}
