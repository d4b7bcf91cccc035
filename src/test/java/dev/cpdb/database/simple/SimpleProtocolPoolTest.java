package dev.cpdb.database.simple;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.RuntimePoolSettings;
import dev.cpdb.database.RuntimePools;
import dev.cpdb.testing.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * The simple-protocol pool against a real PostgreSQL: every value written as a literal must reach the server exactly
 * as a bound parameter would, whatever characters it holds, and must never change the statement. The oracle is the
 * server itself: what it stored and what it compares equal.
 */
class SimpleProtocolPoolTest {

    private static final List<String> HOSTILE_TEXT = List.of("", "plain", "it's", "''", "\\", "\\'", "'\\",
            "\\x41", "E'x'", "$1", "$$", "$q$ x $q$", "--", "/*", "*/", "\"", "a\tb\nc\r\n", "'; DROP TABLE t; --",
            "\\'; SELECT 1; --", "ünïcødé ✓ 🚀", "\u00a0\u2028", "%_\\%", "{\"json\": [1, \"two\"]}", "NULL");

    private static Vertx vertx;
    private static Pool simple;
    private static DatabaseUrl url;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        url = TestPostgres.createDatabase("simple_protocol");
        TestPostgres.execute(url, "CREATE TABLE texts (id int PRIMARY KEY, value text)");
        simple = RuntimePools.create(vertx, url, settings(true));
    }

    @AfterAll
    static void stop() {
        await(simple.close());
        await(vertx.close());
    }

    private static RuntimePoolSettings settings(boolean simpleProtocol) {
        return new RuntimePoolSettings(2, Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofSeconds(10),
                "cpdb-test", false, true, simpleProtocol, Duration.ofMinutes(5));
    }

    private static <T> T await(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new CompletionException(e.getCause() != null ? e.getCause() : e);
        }
    }

    private static Row one(String sql, Tuple values) {
        RowSet<Row> rows = await(simple.preparedQuery(sql).execute(values));
        assertEquals(1, rows.size(), sql);
        return rows.iterator().next();
    }

    @Test
    void theRuntimePoolIsWrappedOnlyWhenTheSimpleProtocolIsChosen() {
        assertInstanceOf(SimpleProtocolPool.class, simple);
        Pool extended = RuntimePools.create(vertx, url, settings(false));
        try {
            assertFalse(extended instanceof SimpleProtocolPool);
        } finally {
            await(extended.close());
        }
    }

    @Test
    void hostileTextIsStoredAndComparedVerbatim() {
        for (int i = 0; i < HOSTILE_TEXT.size(); i++) {
            String value = HOSTILE_TEXT.get(i);
            await(simple.preparedQuery("INSERT INTO texts (id, value) VALUES ($1, $2)").execute(Tuple.of(i, value)));
            Row row = one("SELECT value, value = $2 AS same, length(value) AS length FROM texts WHERE id = $1",
                    Tuple.of(i, value));
            assertEquals(value, row.getString("value"));
            assertTrue(row.getBoolean("same"), value);
            assertEquals(value.codePointCount(0, value.length()), row.getInteger("length"), value);
        }
        // nothing else ran: exactly the rows inserted, and the table is still there
        assertEquals(HOSTILE_TEXT.size(), one("SELECT count(*) AS n FROM texts", Tuple.tuple()).getLong("n"));
    }

    @Test
    void valuesOfEveryTypeTheServiceBindsRoundTrip() {
        UUID id = UUID.randomUUID();
        OffsetDateTime time = OffsetDateTime.of(2026, 11, 25, 13, 14, 15, 123_456_000, ZoneOffset.ofHours(2));
        JsonObject object = new JsonObject().put("quote", "it's \\ \"x\"").put("n", 1).put("list", new JsonArray()
                .add("a").addNull());
        Row row = one("""
                SELECT $1::uuid AS id, $2::int AS i, $3::bigint AS l, $4::boolean AS b, $5::numeric AS n,
                       $6::float8 AS nan, $7::timestamptz AS t, $8::jsonb AS j, $9::jsonb AS ja, $10::bytea AS bytes,
                       $11::text[] AS texts, $12::uuid[] AS ids, $13::text AS missing""",
                Tuple.tuple().addUUID(id).addInteger(-42).addLong(Long.MIN_VALUE).addBoolean(false)
                        .addValue(new BigDecimal("12345678901234567890.000123")).addDouble(Double.NaN)
                        .addOffsetDateTime(time).addJsonObject(object).addJsonArray(new JsonArray().add(1).add("x"))
                        .addBuffer(Buffer.buffer(new byte[] { 0, 1, (byte) 0xff, '\'', '\\' }))
                        .addArrayOfString(new String[] { "a\"b", "c\\d", null, "", "{x,y}", "it's" })
                        .addArrayOfUUID(new UUID[] { id }).addString(null));
        assertEquals(id, row.getUUID("id"));
        assertEquals(-42, row.getInteger("i"));
        assertEquals(Long.MIN_VALUE, row.getLong("l"));
        assertFalse(row.getBoolean("b"));
        assertEquals(0, new BigDecimal("12345678901234567890.000123").compareTo(row.getBigDecimal("n")));
        assertTrue(Double.isNaN(row.getDouble("nan")));
        assertTrue(time.isEqual(row.getOffsetDateTime("t")));
        assertEquals(ZoneOffset.UTC, row.getOffsetDateTime("t").getOffset(), "sessions run in UTC");
        assertEquals(object, row.getJsonObject("j"));
        assertEquals(new JsonArray().add(1).add("x"), row.getJsonArray("ja"));
        assertArrayEquals(new byte[] { 0, 1, (byte) 0xff, '\'', '\\' }, row.getBuffer("bytes").getBytes());
        assertArrayEquals(new String[] { "a\"b", "c\\d", null, "", "{x,y}", "it's" }, row.getArrayOfStrings("texts"));
        assertArrayEquals(new UUID[] { id }, row.getArrayOfUUIDs("ids"));
        assertNull(row.getString("missing"));
    }

    @Test
    void untypedValuesTakeTheirTypeFromWhereTheyStandLikeBoundParameters() {
        Row row = one("SELECT $1 + 1 AS next, CASE WHEN $2 THEN 'yes' END AS answer, 'x' = ANY($3) AS member "
                + "LIMIT $4", Tuple.of(41, true, new String[] { "x", "y" }, 5));
        assertEquals(42, row.getInteger("next"));
        assertEquals("yes", row.getString("answer"));
        assertTrue(row.getBoolean("member"));
    }

    @Test
    void anEnumConstantIsWrittenByItsNameAsTheExtendedProtocolBindsIt() {
        Row row = one("SELECT $1::text AS name", Tuple.of(java.time.DayOfWeek.MONDAY));
        assertEquals("MONDAY", row.getString("name"));
    }

    @Test
    void aNulCharacterIsRefusedWithTheServersOwnErrorCode() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> await(simple.preparedQuery("SELECT $1::text").execute(Tuple.of("a\0b"))));
        PgException cause = assertInstanceOf(PgException.class, e.getCause());
        assertEquals("22021", cause.getSqlState());
    }

    @Test
    void aWrongNumberOfValuesIsRefusedBeforeAnythingIsSent() {
        CompletionException e = assertThrows(CompletionException.class,
                () -> await(simple.preparedQuery("SELECT $1::text, $2::text").execute(Tuple.of("only one"))));
        assertTrue(e.getCause().getMessage().contains("needs 2 values"), e.getCause().getMessage());
    }

    @Test
    void transactionsRunTheirStatementsOnOneConnectionAndRollBackOnFailure() {
        TestPostgres.execute(url, "CREATE TABLE IF NOT EXISTS tx_rows (id int PRIMARY KEY)");
        assertThrows(CompletionException.class, () -> await(simple.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO tx_rows (id) VALUES ($1)").execute(Tuple.of(1))
                .compose(ignored -> connection.preparedQuery("INSERT INTO tx_rows (id) VALUES ($1)")
                        .execute(Tuple.of(1))))));
        assertEquals(0, one("SELECT count(*) AS n FROM tx_rows", Tuple.tuple()).getLong("n"));
        await(simple.withTransaction(connection -> connection
                .preparedQuery("INSERT INTO tx_rows (id) VALUES ($1)").execute(Tuple.of(1))
                .compose(ignored -> connection.preparedQuery("SELECT count(*) AS n FROM tx_rows WHERE id = $1")
                        .execute(Tuple.of(1)))));
        assertEquals(1, one("SELECT count(*) AS n FROM tx_rows", Tuple.tuple()).getLong("n"));
    }

    /**
     * PostgreSQL shows (and logs, for a failing statement) the text of the statement a session runs: in the simple
     * protocol the values are part of it, for a statement marked {@link SecretValues} only the placeholders are, both
     * on the pool and inside a transaction.
     */
    @Test
    void valuesOfStatementsMarkedSecretNeverEnterTheStatementText() {
        String sql = "SELECT query FROM pg_stat_activity WHERE pid = pg_backend_pid() AND $1::text IS NOT NULL";
        String secret = "secret-" + UUID.randomUUID();

        String plain = await(simple.preparedQuery(sql).execute(Tuple.of(secret))).iterator().next().getString(0);
        String marked = await(simple.preparedQuery(sql, SecretValues.KEEP_OUT_OF_TEXT).execute(Tuple.of(secret)))
                .iterator().next().getString(0);
        String inTransaction = await(simple.withTransaction(connection -> connection
                .preparedQuery(sql, SecretValues.KEEP_OUT_OF_TEXT).execute(Tuple.of(secret))))
                .iterator().next().getString(0);

        assertTrue(plain.contains(secret), "the simple protocol writes values into the text: " + plain);
        assertFalse(marked.contains(secret), marked);
        assertTrue(marked.contains("$1"), marked);
        assertFalse(inTransaction.contains(secret), inTransaction);
        assertTrue(inTransaction.contains("$1"), inTransaction);
    }
}
