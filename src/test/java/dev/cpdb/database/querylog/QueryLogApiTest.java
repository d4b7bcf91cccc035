package dev.cpdb.database.querylog;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.Database;
import dev.cpdb.database.simple.SecretValues;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.LogLines;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * The query log on the service's own connection paths: templates with placeholders and values redacted by default
 * (also where the simple protocol renders values into the text), values only at {@code with-values} and never for
 * secret statements, slow statements only at {@code slow}, the request each statement ran for, and the histogram.
 */
abstract class QueryLogApiTest {

    @Inject
    Database database;

    private LogLines statements;
    private List<String> lines;

    @BeforeEach
    void captureTheQueryLog() {
        statements = LogLines.capture(QueryLog.CATEGORY);
        lines = statements.lines();
    }

    @AfterEach
    void turnItOffAgain() {
        statements.close();
        database.queryLog().configure(QueryLog.Level.OFF, Duration.ofMillis(500));
    }

    @Test
    void aSlowRuntimeStatementIsLoggedAsItsTemplateWithValuesRedacted() {
        database.queryLog().configure(QueryLog.Level.SLOW, Duration.ofMillis(200));

        database.pool().preparedQuery("SELECT pg_sleep($1), $2::text AS note")
                .execute(Tuple.of(0.5, "value-that-stays-out")).await().indefinitely();

        String line = only("pg_sleep");
        assertTrue(line.startsWith("slow statement select "), line);
        assertTrue(line.contains("SELECT pg_sleep($1), $2::text AS note"), line);
        assertTrue(line.contains("1 row, runtime"), line);
        assertTrue(line.contains("values: 2 redacted"), line);
        assertFalse(String.join("\n", lines).contains("value-that-stays-out"), lines.toString());
    }

    @Test
    void atSlowAFastStatementIsNotLogged() {
        database.queryLog().configure(QueryLog.Level.SLOW, Duration.ofSeconds(30));

        database.pool().preparedQuery("SELECT $1::text AS quick").execute(Tuple.of("x")).await().indefinitely();

        assertTrue(lines.stream().noneMatch(line -> line.contains("quick")), lines.toString());
    }

    @Test
    void literalsInPlainStatementsAreRedactedToo() {
        database.queryLog().configure(QueryLog.Level.ALL, Duration.ofMillis(500));

        database.pool().query("SELECT 'literal-that-stays-out'::text AS plain").execute().await().indefinitely();

        String line = only("AS plain");
        assertTrue(line.contains("SELECT '?'::text AS plain"), line);
        assertFalse(line.contains("literal-that-stays-out"), line);
    }

    @Test
    void valuesAreShownOnlyAtWithValuesAndNeverForSecretStatements() {
        database.queryLog().configure(QueryLog.Level.WITH_VALUES, Duration.ofMillis(500));

        database.pool().preparedQuery("SELECT $1::text AS shown, $2::int AS n")
                .execute(Tuple.of("visible value", 7)).await().indefinitely();
        database.pool().preparedQuery("SELECT $1::text AS kept", SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.of("secret-material")).await().indefinitely();

        String shown = only("AS shown");
        assertTrue(shown.contains("$1 = 'visible value', $2 = 7"), shown);
        String kept = only("AS kept");
        assertTrue(kept.contains("values: 1 secret"), kept);
        assertFalse(String.join("\n", lines).contains("secret-material"), lines.toString());
    }

    @Test
    void aSlowDirectStatementIsLoggedWithItsPath() throws Exception {
        database.queryLog().configure(QueryLog.Level.SLOW, Duration.ofMillis(200));

        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement("SELECT pg_sleep(?), ? AS direct_note")) {
            statement.setDouble(1, 0.5);
            statement.setString(2, "direct-value-that-stays-out");
            try (ResultSet rows = statement.executeQuery()) {
                assertTrue(rows.next());
            }
        }

        String line = only("direct_note");
        assertTrue(line.startsWith("slow statement select "), line);
        assertTrue(line.contains(", direct: SELECT pg_sleep(?), ? AS direct_note"), line);
        assertFalse(line.contains("direct-value-that-stays-out"), line);
    }

    @Test
    void statementsOutsideAnyRequestAreLoggedWithoutOne() {
        database.queryLog().configure(QueryLog.Level.ALL, Duration.ofMillis(500));

        // The transaction's statements start on the pool's own (root) context, where no request id can be kept.
        database.pool().withTransaction(connection -> connection.query("SELECT 1 AS in_transaction").execute())
                .await().indefinitely();

        String line = only("in_transaction");
        assertFalse(line.contains("request"), line);
    }

    @Test
    void eachStatementNamesTheRequestItRanFor() {
        database.queryLog().configure(QueryLog.Level.ALL, Duration.ofMillis(500));

        String echoed = given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN).header(RequestIds.HEADER, "req-abc-123")
                .when().get("/api/companies").then().statusCode(200).extract().header(RequestIds.HEADER);
        String generated = given().auth().oauth2(ApiTestProfiles.ADMIN_TOKEN)
                .header(RequestIds.HEADER, "not acceptable: spaces and far too long ".repeat(3))
                .when().get("/api/companies").then().statusCode(200).extract().header(RequestIds.HEADER);

        assertEquals("req-abc-123", echoed);
        assertTrue(generated.matches("[0-9a-f]{16}"), generated);
        assertTrue(lines.stream().anyMatch(line -> line.contains("companies") && line.contains("request req-abc-123")),
                lines.toString());
        assertTrue(lines.stream().anyMatch(line -> line.contains("request " + generated)), lines.toString());
    }

    @Test
    void statementTimesGoToTheHistogramByNameAndPath() throws Exception {
        database.pool().preparedQuery("SELECT count(*) FROM public.companies WHERE name <> $1").execute(Tuple.of("x"))
                .await().indefinitely();
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM public.companies")) {
            statement.executeQuery().close();
        }

        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("cpdb_db_statement_seconds_count")
                && line.contains("name=\"select public.companies\"") && line.contains("path=\"runtime\"")), metrics);
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("cpdb_db_statement_seconds_count")
                && line.contains("name=\"select public.companies\"") && line.contains("path=\"direct\"")), metrics);
        assertTrue(metrics.contains("cpdb_db_statement_seconds_bucket"), "a histogram with buckets");
    }

    private String only(String marker) {
        List<String> matching = lines.stream().filter(line -> line.contains(marker)).toList();
        assertEquals(1, matching.size(), "one line with " + marker + ": " + lines);
        return matching.get(0);
    }
}
