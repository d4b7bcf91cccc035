package dev.cpdb.database.querylog;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link QueryLogApiTest} through PgBouncer in transaction mode, where values are rendered into the statement text. */
@QuarkusTest
@TestProfile(ApiTestProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class QueryLogPgBouncerTest extends QueryLogApiTest {
}
