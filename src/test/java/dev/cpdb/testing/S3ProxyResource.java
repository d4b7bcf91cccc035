package dev.cpdb.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points the service's S3 settings at the shared {@link S3ProxyServer}, as an operator of MinIO or another
 * S3-compatible store would: endpoint, path-style addressing, static credentials, and 5 MiB parts so that small test
 * databases already need several parts.
 */
public class S3ProxyResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        return Map.of(
                "cpdb.backup.s3.endpoint", S3ProxyServer.endpoint().toString(),
                "cpdb.backup.s3.region", S3ProxyServer.REGION,
                "cpdb.backup.s3.path-style", "true",
                "cpdb.backup.s3.access-key-id", S3ProxyServer.ACCESS_KEY_ID,
                "cpdb.backup.s3.secret-access-key", S3ProxyServer.SECRET_ACCESS_KEY,
                "cpdb.backup.s3.part-size", "5M");
    }

    @Override
    public void stop() {
        // The shared server is stopped when the JVM exits.
    }
}
