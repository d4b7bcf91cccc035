package dev.cpdb.backup.store;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Opens {@link S3BackupStore}s for {@code s3://} targets with one S3 client per process, built on first use from
 * {@link S3Config} and closed on shutdown. The settings are checked at start-up, so a bad value stops the service
 * even before the first S3 backup.
 */
@ApplicationScoped
public class S3BackupStores {

    private final S3Config config;
    private S3Settings settings;
    private S3Client client;

    public S3BackupStores(S3Config config) {
        this.config = config;
    }

    void checkSettings(@Observes StartupEvent event) {
        settings();
    }

    /** The checked settings. */
    public synchronized S3Settings settings() {
        if (settings == null) {
            settings = S3Settings.from(config);
        }
        return settings;
    }

    /** A store for the bucket and prefix; makes no request yet. */
    public synchronized S3BackupStore open(S3Location location) {
        S3Settings checked = settings();
        if (client == null) {
            client = checked.newClient();
        }
        return new S3BackupStore(client, location, checked.partSize(), checked.partsInFlight());
    }

    @PreDestroy
    synchronized void close() {
        if (client != null) {
            client.close();
            client = null;
        }
    }
}
