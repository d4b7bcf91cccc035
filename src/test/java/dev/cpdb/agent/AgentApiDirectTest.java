package dev.cpdb.agent;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link AgentApiTest} straight to PostgreSQL. */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class AgentApiDirectTest extends AgentApiTest {
}
