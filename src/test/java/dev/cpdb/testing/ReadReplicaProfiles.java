package dev.cpdb.testing;

import java.util.List;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The service reading from a streaming replica ({@link ReadReplicaResource}), reached directly or through PgBouncer.
 * The maximum staleness is long enough that a replica whose replay is paused keeps serving callers that did not
 * write for the whole of a test, so only read-your-writes keeps a writer's reads off it.
 */
public final class ReadReplicaProfiles {

    /** Maximum staleness of both profiles. */
    public static final String MAX_STALENESS = "30s";

    private ReadReplicaProfiles() {
    }

    static Map<String, String> config() {
        Map<String, String> config = ApiTestProfiles.common();
        config.put("database.read.max-staleness", MAX_STALENESS);
        config.put("database.read.poll-interval", "200ms");
        // PgBouncer holds statements for a stopped replica instead of failing them; the reads move on after this.
        config.put("database.read.timeout", "2s");
        return config;
    }

    /** The replica reached directly. */
    public static class Direct implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            return config();
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ReadReplicaResource.class));
        }
    }

    /** The replica reached directly, and backups reading from it ({@code CPDB_BACKUP_SOURCE=replica}). */
    public static class BackupsFromReplica extends Direct {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = config();
            config.put("cpdb.backup.source", "replica");
            return config;
        }
    }

    /** The replica behind PgBouncer in transaction mode. */
    public static class ThroughPgBouncer extends Direct {

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(ReadReplicaResource.class, Map.of("pgbouncer", "true")));
        }
    }
}
