package dev.cpdb.agent.grant;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link SecretGrantApiTest} through PgBouncer in transaction mode. */
@QuarkusTest
@TestProfile(ApiTestProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class SecretGrantApiPgBouncerTest extends SecretGrantApiTest {
}
