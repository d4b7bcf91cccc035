package dev.cpdb.database;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.InjectPgBouncer;
import dev.cpdb.testing.PgBouncer;
import dev.cpdb.testing.PgBouncerProfile;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vertx.pgclient.PgException;

/**
 * The service behind PgBouncer 1.18 in transaction mode with two server connections: the runtime pool's settings
 * (no prepared-statement cache; statements in the simple protocol, or in layer-7-proxy mode in the subclass) must
 * give every client its own results and transactions,
 * migrations must go to PostgreSQL directly, and nothing a request does may stay behind on a shared server
 * connection.
 *
 * <p>
 * Expectations come from PostgreSQL (a transaction runs on one backend and is atomic, {@code SET LOCAL} ends with
 * the transaction, a plain {@code SET} lasts for the session), from PgBouncer (a transaction-mode pool hands server
 * connections from client to client between transactions) and from cpdb's own design (the direct path bypasses the
 * pooler; the runtime pool sends DateStyle and application_name at start-up).
 */
@QuarkusTest
@TestProfile(PgBouncerProfile.class)
@RequiresPgBouncer
class PgBouncerTransactionModeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final int CONCURRENT_QUERIES = 200;
    private static final int CONCURRENT_TRANSACTIONS = 50;
    private static final int PROBE_ROUNDS = 50;
    private static final int PROTOCOL_3_0 = 196608;

    @Inject
    Database database;

    @InjectPgBouncer
    PgBouncer pgBouncer;

    /** The statement protocol this class runs the checks with. */
    boolean simpleProtocol() {
        return true;
    }

    @Test
    void theRuntimePoolUsesTheStatementProtocolUnderTest() {
        assertEquals(simpleProtocol(), database.plan().pool().simpleProtocol());
        assertTrue(database.plan().pool().layer7Proxy());
    }

    @Test
    void pgBouncerAsksClientsForScramSha256EvenThoughItsUserlistHoldsAPlainPassword() throws IOException {
        DatabaseUrl target = pgBouncer.url();
        byte[] parameters = ("user\0" + target.user() + "\0database\0" + target.database() + "\0\0")
                .getBytes(StandardCharsets.UTF_8);

        try (Socket socket = new Socket(target.host(), target.port())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            // One write: PgBouncer 1.18 drops a client whose start-up packet arrives in pieces.
            ByteBuffer startup = ByteBuffer.allocate(8 + parameters.length)
                    .putInt(8 + parameters.length)
                    .putInt(PROTOCOL_3_0)
                    .put(parameters);
            socket.getOutputStream().write(startup.array());
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte type = in.readByte();
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);

            // PostgreSQL protocol: 'R' with code 10 is AuthenticationSASL, followed by the offered mechanisms.
            assertEquals('R', (char) type, "authentication request expected");
            DataInputStream message = new DataInputStream(new ByteArrayInputStream(body));
            assertEquals(10, message.readInt(), "SASL authentication expected");
            assertTrue(new String(body, 4, body.length - 4, StandardCharsets.US_ASCII).contains("SCRAM-SHA-256"));
        }
    }

    @Test
    void twoHundredConcurrentParameterizedQueriesEachGetTheirOwnAnswerWithoutErrors() {
        List<Uni<Answer>> queries = IntStream.range(0, CONCURRENT_QUERIES)
                .mapToObj(this::doubleAndEcho)
                .toList();

        List<Answer> answers = Uni.join().all(queries).andCollectFailures().await().atMost(TIMEOUT);

        List<String> errors = answers.stream().map(Answer::error).filter(Objects::nonNull).toList();
        assertEquals(List.of(), errors, "queries that failed through PgBouncer");
        for (Answer answer : answers) {
            assertEquals(answer.sent() * 2, answer.doubled(), "doubled value for " + answer.sent());
            assertEquals("value-" + answer.sent(), answer.echoed(), "echoed text for " + answer.sent());
        }
        Set<Integer> backends = answers.stream().map(Answer::backendPid).collect(Collectors.toSet());
        assertTrue(backends.size() <= PgBouncer.SERVER_POOL_SIZE,
                "PgBouncer may use at most " + PgBouncer.SERVER_POOL_SIZE + " server connections, saw " + backends);
        long runtimeClients = clientsOfTheDatabase().stream()
                .filter(client -> "cpdb".equals(client.get("application_name")))
                .count();
        assertTrue(runtimeClients > PgBouncer.SERVER_POOL_SIZE,
                "the runtime pool should hold more client connections (" + runtimeClients
                        + ") than PgBouncer has server connections, so that they really share them");
    }

    @Test
    void fiftyConcurrentTransactionsEachRunOnOneBackendSeeTheirOwnWritesAndAllCommit() throws SQLException {
        List<Uni<TransactionTrace>> transactions = IntStream.rangeClosed(1, CONCURRENT_TRANSACTIONS)
                .mapToObj(this::createReadAndRename)
                .toList();

        List<TransactionTrace> traces = Uni.join().all(transactions).andCollectFailures().await().atMost(TIMEOUT);

        for (TransactionTrace trace : traces) {
            assertEquals(1, trace.backendPids().size(), trace.prefix() + " ran on several backends");
            assertEquals(1, trace.transactionIds().size(), trace.prefix() + " ran in several transactions");
            assertEquals(nameOf(trace.number()), trace.nameSeenAfterInsert(), trace.prefix() + " insert not visible");
            assertEquals(renamed(trace.number()), trace.nameSeenAfterUpdate(), trace.prefix() + " update not visible");
        }
        Map<String, String> stored = companiesWithPrefixLike("TX%");
        assertEquals(CONCURRENT_TRANSACTIONS, stored.size(), "committed companies seen on the direct path");
        for (int number = 1; number <= CONCURRENT_TRANSACTIONS; number++) {
            assertEquals(renamed(number), stored.get(prefix(number)), "stored name of " + prefix(number));
        }
    }

    @Test
    void aTransactionThatFailsMidwayLeavesNothingBehindAndTheServerConnectionsStayUsable() throws SQLException {
        Pool pool = database.pool();

        Throwable failure = pool.withTransaction(this::insertTwoCompaniesThenBreakTheRules)
                .onItem().<Throwable>transform(ignored -> null)
                .onFailure().recoverWithItem(error -> error)
                .await().atMost(TIMEOUT);

        PgException error = assertInstanceOf(PgException.class, failure);
        assertEquals("23514", error.getSqlState(), "the issue_prefix check constraint should have fired");
        assertEquals(Map.of(), companiesWithPrefixLike("RB%"), "rows of the rolled-back transaction");
        List<Integer> afterwards = IntStream.range(0, 20)
                .mapToObj(i -> pool.preparedQuery("SELECT $1::int").execute(Tuple.of(i))
                        .onItem().transform(rows -> rows.iterator().next().getInteger(0)))
                .map(uni -> uni.await().atMost(TIMEOUT))
                .toList();
        assertEquals(IntStream.range(0, 20).boxed().toList(), afterwards);
    }

    @Test
    void migrationsRanOnTheDirectPathWhileTheStatusShowsPgBouncerOnTheRuntimePath() throws SQLException {
        given().auth().oauth2(PgBouncerProfile.ADMIN_TOKEN)
                .when().get("/api/db/status")
                .then()
                .statusCode(200)
                .body("pooler", is("transaction"))
                .body("runtime.port", is(pgBouncer.port()))
                .body("runtime.reachable", is(true))
                .body("direct.port", is(pgBouncer.backend().port()))
                .body("direct.reachable", is(true))
                .body("migrations.currentVersion", notNullValue())
                .body("migrations.pending", is(0));

        try (Connection connection = TestPostgres.connect(pgBouncer.backend());
                Statement statement = connection.createStatement();
                ResultSet rows = statement
                        .executeQuery("SELECT to_regclass('public.flyway_schema_history') IS NOT NULL,"
                                + " (SELECT count(*) FROM public.flyway_schema_history WHERE NOT success)")) {
            rows.next();
            assertTrue(rows.getBoolean(1), "flyway_schema_history exists in the database");
            assertEquals(0, rows.getInt(2), "failed migrations");
        }
        List<String> applicationNames = clientsOfTheDatabase().stream()
                .map(client -> client.get("application_name"))
                .toList();
        assertFalse(applicationNames.contains("cpdb-direct"),
                "the direct path must not connect through PgBouncer; clients seen: " + applicationNames);
    }

    @Test
    void readinessIsUpThroughThePooler() {
        given()
                .when().get("/q/health/ready")
                .then()
                .statusCode(200)
                .body("status", is("UP"))
                .body("checks.find { it.name == 'database' }.data.runtime", is("UP"))
                .body("checks.find { it.name == 'database' }.data.direct", is("UP"));
    }

    @Test
    void queriesThroughThePoolerSeeTheDateStyleAndApplicationNameTheRuntimePoolAskedFor() {
        List<Uni<Map<String, String>>> probes = IntStream.range(0, 40)
                .mapToObj(i -> database.pool()
                        .query("SELECT current_setting('DateStyle'), current_setting('application_name')")
                        .execute()
                        .onItem().transform(rows -> settingsOf(rows.iterator().next())))
                .toList();

        List<Map<String, String>> seen = Uni.join().all(probes).andCollectFailures().await().atMost(TIMEOUT);

        assertEquals(Set.of(Map.of("DateStyle", "ISO, MDY", "application_name", "cpdb")), Set.copyOf(seen));
    }

    @Test
    void aSetLocalEndsWithItsTransactionAndNeverReachesTheNextClientOfThatServerConnection() {
        String before = singleSetting("statement_timeout");

        Observation inside = database.pool()
                .withTransaction(connection -> connection.query("SET LOCAL statement_timeout = '4321ms'")
                        .execute()
                        .chain(() -> observe(connection, "statement_timeout")))
                .await().atMost(TIMEOUT);

        assertEquals("4321ms", inside.value(), "SET LOCAL applies inside its own transaction");
        List<String> later = valuesLaterSeenOn(inside.backendPid(), "statement_timeout");
        assertEquals(List.of(before), later.stream().distinct().toList(),
                "statement_timeout on backend " + inside.backendPid() + " after the transaction");
    }

    /**
     * The control for the test above: it shows that the probe does see session state left on a shared server
     * connection. It sets a custom setting no other code reads, so the leak it causes is harmless.
     */
    @Test
    void aPlainSetOutlivesItsRequestOnTheSharedServerConnectionWhichIsWhyRuntimeSqlMustNotUseIt() {
        int polluted = database.pool()
                .query("SET cpdb_test.leak_probe = 'leaked'; SELECT pg_backend_pid()")
                .execute()
                .onItem().transform(setResult -> setResult.next().iterator().next().getInteger(0))
                .await().atMost(TIMEOUT);

        List<String> later = valuesLaterSeenOn(polluted, "cpdb_test.leak_probe");

        assertEquals(List.of("leaked"), later.stream().distinct().toList(),
                "a plain SET stays on backend " + polluted + " for whichever client comes next");
    }

    @Test
    void afterParameterizedStatementsAndTransactionsNoServerConnectionHoldsANamedPreparedStatement() {
        List<Answer> answers = Uni.join().all(IntStream.range(0, CONCURRENT_QUERIES)
                .mapToObj(this::doubleAndEcho)
                .toList()).andCollectFailures().await().atMost(TIMEOUT);
        assertEquals(List.of(), answers.stream().map(Answer::error).filter(Objects::nonNull).toList());
        Uni.join().all(IntStream.rangeClosed(1, 10)
                .mapToObj(number -> database.pool()
                        .withTransaction(connection -> observe(connection, "statement_timeout")))
                .toList()).andCollectFailures().await().atMost(TIMEOUT);

        Map<Integer, Long> named = namedStatementsPerServerConnection();

        assertEquals(PgBouncer.SERVER_POOL_SIZE, named.size(), "server connections the probe reached: " + named);
        assertEquals(Set.of(0L), Set.copyOf(named.values()),
                "named prepared statements per backend (pg_prepared_statements): " + named);
    }

    /**
     * The control for the test above: the probe's view lists a statement prepared by name on the backend it runs on.
     * It prepares and deallocates within one transaction, so nothing stays behind.
     */
    @Test
    void theProbeOfNamedStatementsSeesOneThatIsPreparedOnItsBackend() {
        long seen = database.pool()
                .withTransaction(connection -> connection
                        .query("PREPARE cpdb_test_control AS SELECT 1")
                        .execute()
                        .chain(() -> connection.query("SELECT count(*) FROM pg_prepared_statements").execute())
                        .onItem().transform(rows -> rows.iterator().next().getLong(0))
                        .call(() -> connection.query("DEALLOCATE cpdb_test_control").execute()))
                .await().atMost(TIMEOUT);

        assertEquals(1L, seen);
    }

    // --- workload pieces ------------------------------------------------------------------------------------

    private record Answer(int sent, Integer doubled, String echoed, Integer backendPid, String error) {
    }

    private Uni<Answer> doubleAndEcho(int value) {
        return database.pool()
                .preparedQuery("SELECT $1::int * 2, $2::text, pg_backend_pid()")
                .execute(Tuple.of(value, "value-" + value))
                .onItem().transform(rows -> answerOf(value, rows.iterator().next()))
                .onFailure().recoverWithItem(error -> new Answer(value, null, null, null, value + ": " + error));
    }

    private static Answer answerOf(int value, Row row) {
        return new Answer(value, row.getInteger(0), row.getString(1), row.getInteger(2), null);
    }

    /** What one transaction saw of itself: backend and transaction ids of each statement, names it read back. */
    private record TransactionTrace(int number, String prefix, Set<Integer> backendPids, Set<String> transactionIds,
            String nameSeenAfterInsert, String nameSeenAfterUpdate) {
    }

    private Uni<TransactionTrace> createReadAndRename(int number) {
        return database.pool().withTransaction(connection -> createReadAndRename(connection, number));
    }

    /** Insert, read back, rename, read back: four statements that must all run in one transaction. */
    private static Uni<TransactionTrace> createReadAndRename(SqlConnection connection, int number) {
        UUID id = UUID.randomUUID();
        List<Row> steps = new ArrayList<>();
        return insertCompany(connection, id, nameOf(number), prefix(number))
                .invoke(steps::add)
                .chain(() -> readCompanyName(connection, id))
                .invoke(steps::add)
                .chain(() -> renameCompany(connection, id, renamed(number)))
                .invoke(steps::add)
                .chain(() -> readCompanyName(connection, id))
                .invoke(steps::add)
                .onItem().transform(last -> traceOf(number, steps));
    }

    private static TransactionTrace traceOf(int number, List<Row> steps) {
        Set<Integer> backends = steps.stream().map(row -> row.getInteger("backend")).collect(Collectors.toSet());
        Set<String> transactions = steps.stream().map(row -> row.getString("xact")).collect(Collectors.toSet());
        return new TransactionTrace(number, prefix(number), backends, transactions, steps.get(1).getString("name"),
                steps.get(3).getString("name"));
    }

    private static Uni<Row> insertCompany(SqlConnection connection, UUID id, String name, String prefix) {
        return connection.preparedQuery("INSERT INTO public.companies (id, name, issue_prefix) VALUES ($1, $2, $3)"
                + " RETURNING name, pg_backend_pid() AS backend, pg_current_xact_id()::text AS xact")
                .execute(Tuple.of(id, name, prefix))
                .onItem().transform(rows -> rows.iterator().next());
    }

    private static Uni<Row> readCompanyName(SqlConnection connection, UUID id) {
        return connection.preparedQuery("SELECT name, pg_backend_pid() AS backend, pg_current_xact_id()::text AS xact"
                + " FROM public.companies WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.iterator().next());
    }

    private static Uni<Row> renameCompany(SqlConnection connection, UUID id, String name) {
        return connection.preparedQuery("UPDATE public.companies SET name = $2, updated_at = clock_timestamp()"
                + " WHERE id = $1 RETURNING name, pg_backend_pid() AS backend, pg_current_xact_id()::text AS xact")
                .execute(Tuple.of(id, name))
                .onItem().transform(rows -> rows.iterator().next());
    }

    /** Two valid inserts, then one that breaks the issue_prefix check: the whole transaction must roll back. */
    private Uni<Row> insertTwoCompaniesThenBreakTheRules(SqlConnection connection) {
        return insertCompany(connection, UUID.randomUUID(), "Rolled back one", "RB1")
                .chain(() -> insertCompany(connection, UUID.randomUUID(), "Rolled back two", "RB2"))
                .chain(() -> insertCompany(connection, UUID.randomUUID(), "Breaks the check", "rb-lowercase"));
    }

    private static String prefix(int number) {
        return "TX" + number;
    }

    private static String nameOf(int number) {
        return "Company " + number;
    }

    private static String renamed(int number) {
        return "Renamed company " + number;
    }

    // --- session-state probes -----------------------------------------------------------------------------------

    private record Observation(int backendPid, String value) {
    }

    private static Uni<Observation> observe(SqlConnection connection, String setting) {
        return connection.preparedQuery("SELECT pg_backend_pid(), current_setting($1, true)")
                .execute(Tuple.of(setting))
                .onItem().transform(rows -> observationOf(rows.iterator().next()));
    }

    private static Observation observationOf(Row row) {
        return new Observation(row.getInteger(0), row.getString(1));
    }

    private String singleSetting(String setting) {
        return database.pool()
                .withConnection(connection -> observe(connection, setting))
                .await().atMost(TIMEOUT)
                .value();
    }

    /**
     * Reads {@code setting} through the pool, a few concurrent requests at a time, until some of them landed on
     * backend {@code backendPid}, and returns the values seen there.
     */
    private List<String> valuesLaterSeenOn(int backendPid, String setting) {
        List<String> values = new ArrayList<>();
        for (int round = 0; round < PROBE_ROUNDS && values.isEmpty(); round++) {
            List<Uni<Observation>> probes = IntStream.range(0, 4)
                    .mapToObj(i -> database.pool().withConnection(connection -> observe(connection, setting)))
                    .toList();
            for (Observation seen : Uni.join().all(probes).andCollectFailures().await().atMost(TIMEOUT)) {
                if (seen.backendPid() == backendPid) {
                    values.add(String.valueOf(seen.value()));
                }
            }
        }
        assertNotEquals(List.of(), values, "no later request reached backend " + backendPid);
        return values;
    }

    /**
     * Backend pid to the number of named prepared statements it holds, read with plain statements through the pool
     * until every server connection of PgBouncer has answered.
     */
    private Map<Integer, Long> namedStatementsPerServerConnection() {
        Map<Integer, Long> named = new HashMap<>();
        for (int round = 0; round < PROBE_ROUNDS && named.size() < PgBouncer.SERVER_POOL_SIZE; round++) {
            List<Uni<Row>> probes = IntStream.range(0, 8)
                    .mapToObj(i -> database.pool()
                            .query("SELECT pg_backend_pid(), (SELECT count(*) FROM pg_prepared_statements)")
                            .execute()
                            .onItem().transform(rows -> rows.iterator().next()))
                    .toList();
            for (Row row : Uni.join().all(probes).andCollectFailures().await().atMost(TIMEOUT)) {
                named.put(row.getInteger(0), row.getLong(1));
            }
        }
        return named;
    }

    private static Map<String, String> settingsOf(Row row) {
        return Map.of("DateStyle", row.getString(0), "application_name", row.getString(1));
    }

    // --- views from outside the service ---------------------------------------------------------------------

    /** PgBouncer's clients of the test database (the admin console's own connection excluded). */
    private List<Map<String, String>> clientsOfTheDatabase() {
        String database = pgBouncer.backend().database();
        return pgBouncer.show("SHOW CLIENTS").stream()
                .filter(client -> database.equals(client.get("database")))
                .toList();
    }

    /** Issue prefix to name of the stored companies, read over a direct JDBC connection. */
    private Map<String, String> companiesWithPrefixLike(String pattern) throws SQLException {
        try (Connection connection = TestPostgres.connect(pgBouncer.backend());
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT issue_prefix, name FROM public.companies WHERE issue_prefix LIKE ?")) {
            statement.setString(1, pattern);
            Map<String, String> companies = new HashMap<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    companies.put(rows.getString(1), rows.getString(2));
                }
            }
            return companies;
        }
    }
}
