package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The detector behind {@link RuntimeSqlIsPoolerSafeTest}. Which statements are unsafe comes from PostgreSQL's
 * scoping (session versus transaction) and from how a transaction pooler shares server connections.
 */
class PoolerUnsafeSqlTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "SET search_path = public",
            "set statement_timeout TO '5s'",
            "SET SESSION statement_timeout = 0",
            "SET ROLE admin",
            "SET SESSION AUTHORIZATION other",
            "SET TIME ZONE 'UTC'",
            "SET cpdb.tenant = 'acme'",
            "SELECT 1; SET search_path = public",
            "-- tune the session\nSET work_mem = '64MB'",
            "/* tune */ SET work_mem = '64MB'",
            "RESET statement_timeout",
            "RESET ALL",
            "DISCARD ALL",
            "LISTEN jobs",
            "PREPARE find_company (uuid) AS SELECT * FROM companies WHERE id = $1",
            "PREPARE TRANSACTION 'tx-1'",
            "SELECT pg_advisory_lock($1)",
            "SELECT pg_advisory_lock_shared(42)",
            "SELECT pg_try_advisory_lock(1, 2)",
            "SELECT pg_advisory_unlock($1)",
            "CREATE TEMP TABLE scratch (id int)",
            "CREATE TEMPORARY TABLE scratch AS SELECT 1",
            "create local temporary table scratch (id int)",
            "SELECT * INTO TEMP scratch FROM companies",
            "DECLARE big CURSOR WITH HOLD FOR SELECT * FROM companies",
    })
    void sessionLevelSqlIsReported(String sql) {
        assertEquals(1, PoolerUnsafeSql.inSql(sql).size(), () -> "findings for: " + sql);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SET LOCAL statement_timeout = '5s'",
            "set local search_path = public",
            "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE",
            "SET CONSTRAINTS ALL DEFERRED",
            "UPDATE companies SET name = $1 WHERE id = $2",
            "UPDATE companies\nSET name = $1",
            "INSERT INTO companies (id, name) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET name = excluded.name",
            "SELECT set_config('cpdb.tenant', $1, true)",
            "SELECT pg_advisory_xact_lock($1)",
            "SELECT pg_try_advisory_xact_lock_shared(7)",
            "SELECT 'LISTEN' AS word",
            "SELECT reset_at FROM jobs",
            "NOTIFY jobs",
            "Set up the pool before use",
            "Reset the connection and try again",
            "Prepare the statement",
            "DECLARE c CURSOR FOR SELECT 1",
            "SELECT current_setting('DateStyle')",
    })
    void transactionScopedSqlAndOrdinaryTextPass(String sql) {
        assertEquals(List.of(), PoolerUnsafeSql.inSql(sql));
    }

    @Test
    void literalsJoinedWithPlusAreReadAsOneStatement() {
        String source = """
                class Repository {
                    static final String RENAME = "UPDATE companies "
                            + "SET name = $1 WHERE id = $2";
                }
                """;

        assertEquals(List.of(), PoolerUnsafeSql.inJavaSource(source));
        assertEquals(List.of(new PoolerUnsafeSql.SqlText(2, "UPDATE companies SET name = $1 WHERE id = $2")),
                PoolerUnsafeSql.literals(source));
    }

    @Test
    void aSessionSetInAnyLiteralIsReportedWithItsLine() {
        String source = """
                class Repository {
                    Uni<Void> scope(SqlClient client) {
                        return client.query("SET search_path = tenant_a").execute().replaceWithVoid();
                    }
                }
                """;

        List<PoolerUnsafeSql.Finding> findings = PoolerUnsafeSql.inJavaSource(source);

        assertEquals(1, findings.size(), findings::toString);
        assertEquals(3, findings.get(0).line());
    }

    @Test
    void textBlocksAreScannedToo() {
        String source = "class Repository {\n    static final String SQL = \"\"\"\n        SELECT 1;\n"
                + "        LISTEN jobs;\n        \"\"\";\n}\n";

        List<PoolerUnsafeSql.Finding> findings = PoolerUnsafeSql.inJavaSource(source);

        assertEquals(1, findings.size(), findings::toString);
        assertTrue(findings.get(0).problem().startsWith("LISTEN"));
    }

    @Test
    void commentsAndCharacterLiteralsAreNotMistakenForSql() {
        String source = """
                class Repository {
                    // SET search_path = public
                    /* LISTEN jobs; "SET x = 1" */
                    char quote = '"';
                    String sql = "SELECT 1";
                    String escaped = "say \\"SET x = 1\\"";
                }
                """;

        assertEquals(List.of(), PoolerUnsafeSql.inJavaSource(source));
        assertEquals(List.of("SELECT 1", "say \"SET x = 1\""),
                PoolerUnsafeSql.literals(source).stream().map(PoolerUnsafeSql.SqlText::text).toList());
    }
}
