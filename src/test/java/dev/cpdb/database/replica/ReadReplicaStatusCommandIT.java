package dev.cpdb.database.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.StreamingReplica;
import dev.cpdb.testing.TestPostgres;
import io.restassured.path.json.JsonPath;

/**
 * The {@code status} command of the packaged jar lists the replicas of {@code DATABASE_READ_URL} after their first
 * check, as {@code GET /api/db/status} does (cpdb's design): a streaming replica, and the primary named as a replica,
 * which is not in recovery (PostgreSQL's {@code pg_is_in_recovery()}).
 */
class ReadReplicaStatusCommandIT {

    @Test
    void statusShowsEachReplicasStateAndLag() {
        StreamingReplica pair = StreamingReplica.shared();
        String database = pair.createDatabase("status");

        CpdbProcess cpdb = CpdbProcess.run(Map.of(
                "DATABASE_URL", TestPostgres.libpq(pair.primaryUrl(database)),
                "DATABASE_READ_URL", TestPostgres.libpq(pair.url(database)) + ","
                        + TestPostgres.libpq(pair.primaryUrl(database))),
                "status");

        assertEquals(0, cpdb.exitCode(), cpdb.stderr());
        JsonPath status = JsonPath.from(cpdb.stdout());
        assertEquals("streaming", status.getString("readReplicas[0].state"), cpdb.stdout());
        assertEquals(pair.url(database).port(), status.getInt("readReplicas[0].port"));
        assertEquals("not-in-recovery", status.getString("readReplicas[1].state"), cpdb.stdout());
        // A caught-up replica is behind by at most the time between the primary's sample and its own answer.
        assertTrue(status.getDouble("readReplicas[0].lagSeconds") < 5, cpdb.stdout());
    }
}
