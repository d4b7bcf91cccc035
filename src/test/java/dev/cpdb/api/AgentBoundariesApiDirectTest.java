package dev.cpdb.api;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link AgentBoundariesApiTest} straight to PostgreSQL. */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class AgentBoundariesApiDirectTest extends AgentBoundariesApiTest {
}
