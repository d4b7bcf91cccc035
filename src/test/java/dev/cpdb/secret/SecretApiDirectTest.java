package dev.cpdb.secret;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link SecretApiTest} straight to PostgreSQL. */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class SecretApiDirectTest extends SecretApiTest {
}
