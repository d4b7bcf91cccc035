package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.replica.DirectReplica;
import dev.cpdb.database.replica.ReplicaState;
import dev.cpdb.database.replica.WalPosition;

/**
 * Which replicas a backup may read from (our design, see {@link BackupSource}): only one that streams and has a direct
 * address; every other one is passed over with a reason the fallback records.
 */
class BackupSourceTest {

    private static final DatabaseUrl DIRECT = DatabaseUrl.parse("DATABASE_READ_DIRECT_URL",
            "postgres://cpdb:pw@replica:5432/cpdb");

    private static String unfit(ReplicaState state, DatabaseUrl direct, String problem) {
        return BackupSource.unfit(new DirectReplica("replica-pooler:6432/cpdb", state, direct, problem, null));
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

    @Test
    void aDirectAddressBehindWhatItsReadAddressReportedIsAnotherServerAndServesNoBackup() {
        DirectReplica checked = new DirectReplica("replica-pooler:6432/cpdb", ReplicaState.STREAMING, DIRECT, null,
                WalPosition.parse("0/5000000"));

        assertNull(BackupSource.behind(checked, WalPosition.parse("0/5000000")), "the same position");
        assertNull(BackupSource.behind(checked, WalPosition.parse("1/0")), "replayed further since the check");
        assertNull(BackupSource.behind(new DirectReplica("replica-pooler:6432/cpdb", ReplicaState.STREAMING, DIRECT,
                null, null), WalPosition.parse("0/1")), "nothing known to compare with");
        String behind = BackupSource.behind(checked, WalPosition.parse("0/4FFFFFF"));
        assertEquals(
                "has replayed only to 0/4FFFFFF at postgres://cpdb:***@replica:5432/cpdb, behind the 0/5000000 its "
                        + "read address reported: DATABASE_READ_DIRECT_URL may name another server than DATABASE_READ_URL at "
                        + "that place",
                behind);
    }
}
