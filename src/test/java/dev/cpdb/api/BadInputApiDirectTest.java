package dev.cpdb.api;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link BadInputApiTest} straight to PostgreSQL. */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class BadInputApiDirectTest extends BadInputApiTest {
}
