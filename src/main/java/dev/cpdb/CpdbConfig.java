package dev.cpdb;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Service-wide settings: where instance files live, pooler declaration, embedded server and migration policy.
 */
@ConfigMapping(prefix = "cpdb")
public interface CpdbConfig {

    /** Folder for instance data; default {@code ~/.cpdb}, or {@code /var/lib/cpdb} when running as root. */
    Optional<String> home();

    /** Name of this instance below {@code home}/instances. */
    @WithName("instance-id")
    @WithDefault("default")
    String instanceId();

    /** What sits in front of PostgreSQL on the runtime URL: none, transaction, session or auto. */
    @WithDefault("auto")
    String pooler();

    /** Embedded PostgreSQL settings, used when no database URL is configured. */
    Embedded embedded();

    /** Core migration policy. */
    Migration migration();

    /** Embedded PostgreSQL. */
    interface Embedded {

        /** TCP port on 127.0.0.1. */
        @WithDefault("54329")
        int port();

        /** Unprivileged OS user that runs the server when cpdb itself runs as root. */
        @WithName("os-user")
        @WithDefault("cpdb")
        String osUser();

        /** Seconds allowed for the server to start or stop. */
        @WithName("start-timeout-seconds")
        @WithDefault("60")
        int startTimeoutSeconds();
    }

    /** Core schema migrations. */
    interface Migration {

        /** Apply pending migrations at start-up; when false, refuse to start while migrations are pending. */
        @WithName("auto-apply")
        @WithDefault("true")
        boolean autoApply();
    }
}
