package dev.cpdb.testing;

import java.util.HashMap;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the service at a fresh database on the {@link StreamingReplica} primary through {@code DATABASE_URL} and at
 * the same database on its replica through {@code DATABASE_READ_URL}: directly, or (init argument
 * {@code pgbouncer=true}) through PgBouncer in transaction mode in front of the replica, with {@code CPDB_POOLER}
 * left at auto so the replica's pooler is detected as the runtime path's would be. {@code DATABASE_READ_URL} also
 * names the primary as a second "replica", one that is not in recovery.
 */
public class ReadReplicaResource implements QuarkusTestResourceLifecycleManager {

    private boolean throughPgBouncer;
    private PgBouncer pgBouncer;

    @Override
    public void init(Map<String, String> initArgs) {
        throughPgBouncer = Boolean.parseBoolean(initArgs.get("pgbouncer"));
    }

    @Override
    public Map<String, String> start() {
        StreamingReplica pair = StreamingReplica.shared();
        String database = pair.createDatabase("reads");
        DatabaseUrl replica = pair.url(database);
        if (throughPgBouncer) {
            // Logs in to a restarted replica again after a second instead of PgBouncer's 15.
            pgBouncer = PgBouncer.start(replica, TestFolders.create("cpdb-test-replica-pgbouncer"),
                    new PgBouncer.Settings("transaction", PgBouncer.SERVER_POOL_SIZE, 1));
            replica = pgBouncer.url();
        }
        Map<String, String> config = new HashMap<>();
        config.put("database.url", TestPostgres.libpq(pair.primaryUrl(database)));
        // A second entry names the primary itself: a server that is not in recovery, which must never serve reads.
        config.put("database.read.url",
                TestPostgres.libpq(replica) + "," + TestPostgres.libpq(pair.primaryUrl(database)));
        return config;
    }

    @Override
    public void stop() {
        if (pgBouncer != null) {
            pgBouncer.close();
            pgBouncer = null;
        }
    }
}
