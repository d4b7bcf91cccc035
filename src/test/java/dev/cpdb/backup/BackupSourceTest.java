package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.replica.DirectReplica;
import dev.cpdb.database.replica.ReplicaState;

/**
 * Which replicas a backup may read from (our design, see {@link BackupSource}): only one that streams and has a direct
 * address; every other one is passed over with a reason the fallback records.
 */
class BackupSourceTest {

    private static final DatabaseUrl DIRECT = DatabaseUrl.parse("DATABASE_READ_DIRECT_URL",
            "postgres://cpdb:pw@replica:5432/cpdb");

    private static String unfit(ReplicaState state, DatabaseUrl direct, String problem) {
        return BackupSource.unfit(new DirectReplica("replica-pooler:6432/cpdb", state, direct, problem));
    }

    @Test
    void onlyAStreamingReplicaWithADirectAddressServesABackup() {
        assertNull(unfit(ReplicaState.STREAMING, DIRECT, null));

        assertEquals("is behind a transaction pooler and DATABASE_READ_DIRECT_URL gives it no direct address",
                unfit(ReplicaState.STREAMING, null, null));
        assertEquals("is down (Connection refused)", unfit(ReplicaState.DOWN, DIRECT, "Connection refused"));
        assertEquals("is lagging", unfit(ReplicaState.LAGGING, DIRECT, null));
        assertEquals("is not-in-recovery", unfit(ReplicaState.NOT_IN_RECOVERY, DIRECT, null));
        assertEquals("is unchecked", unfit(ReplicaState.UNCHECKED, DIRECT, null));
    }
}
