package dev.cpdb.database.replica;

import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.api.ReadPositionFilter;
import dev.cpdb.api.Reads;
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Without {@code DATABASE_READ_URL} nothing changes (cpdb's design): reads use the runtime pool object itself, no
 * position is read or sent, and the position header is ignored.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.Direct.class)
class ReadPathWithoutReplicasTest {

    @Inject
    Database database;

    @Inject
    ReadPath readPath;

    @Inject
    Reads reads;

    @Test
    void readsUseTheRuntimePoolItself() {
        assertFalse(readPath.enabled());
        assertSame(database.pool(), reads.client(Caller.admin()));
        assertSame(database.pool(), reads.client(Caller.agent(java.util.UUID.randomUUID(),
                java.util.UUID.randomUUID())));
    }

    @Test
    void noPositionIsSentAndNoneIsRead() {
        String company = Api.operator().body(Map.of("name", "Positionless", "issuePrefix", Api.newPrefix()))
                .post("/api/companies")
                .then().statusCode(201)
                .header(ReadPositionFilter.HEADER, nullValue())
                .extract().path("id");

        Api.operator().header(ReadPositionFilter.HEADER, "not-a-position")
                .get("/api/companies/{id}", company)
                .then().statusCode(200)
                .header(ReadPositionFilter.HEADER, nullValue());
        Api.operator().get("/api/db/status").then().statusCode(200).body("readReplicas", nullValue());
    }
}
