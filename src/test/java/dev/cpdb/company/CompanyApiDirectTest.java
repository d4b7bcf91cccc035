package dev.cpdb.company;

import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link CompanyApiTest} straight to PostgreSQL. */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class CompanyApiDirectTest extends CompanyApiTest {
}
