package dev.cpdb.database.querylog;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link QueryLogApiTest} straight to PostgreSQL (extended protocol). */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class QueryLogDirectTest extends QueryLogApiTest {
}
