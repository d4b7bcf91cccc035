package dev.cpdb.api;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * {@link AgentBoundariesApiTest} through PgBouncer in transaction mode, where the runtime pool sends statements in the
 * simple protocol and so would write values into statement text.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class AgentBoundariesApiPgBouncerTest extends AgentBoundariesApiTest {
}
