package dev.cpdb.database.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ReadReplicaProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/**
 * Every check of {@link ReadReplicaTest} with the replica behind PgBouncer 1.18 in transaction mode (two server
 * connections), which cpdb must detect as it detects one on {@code DATABASE_URL}.
 */
@QuarkusTest
@TestProfile(ReadReplicaProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class ReadReplicaPgBouncerTest extends ReadReplicaTest {

    @Inject
    ReadPath readPath;

    /**
     * PgBouncer holds the check of a stopped replica while it tries to log in again, rather than failing it: no
     * statement fails, the replica counts as down once {@code DATABASE_READ_TIMEOUT} has passed, and no further check
     * starts while that one waits.
     */
    @Override
    long failedChecksLoggedWhenStopped() {
        return 0;
    }

    @Test
    void aReplicaBehindItsTransactionPoolerGivesBackupsNoAddressOfItsOwn() {
        // PgBouncer in transaction mode cannot keep a backup's session; the second entry reaches its server directly.
        assertNull(readPath.directReplicas().get(0).directUrl());
        assertNotNull(readPath.directReplicas().get(1).directUrl());
    }

    @Test
    void theReplicasPoolerIsDetectedAndItsPoolUsesTheTransactionPoolerSettings() {
        assertEquals("transaction", replicaStatus().getString("readReplicas[0].pooler"));
    }
}
