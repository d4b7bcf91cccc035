package dev.cpdb.issue;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link IssueApiTest} through PgBouncer in transaction mode. */
@QuarkusTest
@TestProfile(ApiTestProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class IssueApiPgBouncerTest extends IssueApiTest {
}
