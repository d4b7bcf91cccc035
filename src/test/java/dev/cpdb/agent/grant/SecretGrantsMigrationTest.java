package dev.cpdb.agent.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.migration.MigrationService;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestPostgres;

/**
 * The migration that adds secret grants, applied to a database that already has agents referring to secrets: those
 * references keep working (our upgrade design), marked so that operators can review them, and grants follow their
 * agent and secret away.
 */
class SecretGrantsMigrationTest {

    private static final String COMPANY = "0192f3a0-0000-7000-8000-000000000001";
    private static final String AGENT = "0192f3a0-0000-7000-8000-000000000002";
    private static final String SECRET = "0192f3a0-0000-7000-8000-000000000003";

    @Test
    void referencesWrittenBeforeGrantsExistedBecomeReviewableGrants() throws SQLException {
        DatabaseUrl url = TestPostgres.createDatabase("grants_upgrade");
        migrate(url, "10");
        TestPostgres.execute(url, "INSERT INTO public.companies (id, name, issue_prefix) VALUES ('" + COMPANY
                + "', 'Upgraded', 'UPG')");
        TestPostgres.execute(url, "INSERT INTO public.agents (id, company_id, name, role, adapter_type, adapter_config)"
                + " VALUES ('" + AGENT + "', '" + COMPANY + "', 'old', 'r', 'process', '{\"env\": {\"API_KEY\": "
                + "{\"secretId\": \"" + SECRET + "\"}}}')");
        TestPostgres.execute(url, "INSERT INTO public.company_secrets (id, company_id, name, latest_version) VALUES ('"
                + SECRET + "', '" + COMPANY + "', 'API_KEY', 1)");
        TestPostgres.execute(url, "INSERT INTO public.agent_secret_refs (company_id, agent_id, secret_id) VALUES ('"
                + COMPANY + "', '" + AGENT + "', '" + SECRET + "')");

        migrate(url, "latest");

        try (Connection connection = TestPostgres.connect(url); Statement statement = connection.createStatement()) {
            try (ResultSet grant = statement.executeQuery("SELECT company_id::text, agent_id::text, origin, "
                    + "granted_by_type FROM public.secret_grants WHERE secret_id = '" + SECRET + "'")) {
                assertTrue(grant.next(), "the existing reference became a grant");
                assertEquals(COMPANY, grant.getString(1));
                assertEquals(AGENT, grant.getString(2));
                assertEquals("existing_reference", grant.getString(3));
                assertEquals("system", grant.getString(4));
                assertFalse(grant.next());
            }
            statement.execute("DELETE FROM public.agents WHERE id = '" + AGENT + "'");
            try (ResultSet left = statement.executeQuery("SELECT count(*) FROM public.secret_grants")) {
                left.next();
                assertEquals(0, left.getInt(1), "grants go away with their agent");
            }
        }
    }

    private static void migrate(DatabaseUrl url, String target) {
        Flyway.configure(Thread.currentThread().getContextClassLoader())
                .dataSource(PluginFixtures.direct(url).dataSource())
                .locations(MigrationService.LOCATION)
                .target(target)
                .load()
                .migrate();
    }
}
