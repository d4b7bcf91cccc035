package dev.cpdb;

import java.nio.file.Path;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Where this instance keeps its files: {@code $CPDB_HOME/instances/$CPDB_INSTANCE_ID}.
 */
@ApplicationScoped
public class InstanceDirectory {

    private final Path home;
    private final Path instance;

    public InstanceDirectory(CpdbConfig config) {
        String id = config.instanceId();
        if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
            throw new InvalidConfigurationException("CPDB_INSTANCE_ID (cpdb.instance-id) is '" + id + "'; use 1 to 63 "
                    + "letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        this.home = config.home()
                .filter(text -> !text.isBlank())
                .map(text -> Path.of(text).toAbsolutePath().normalize())
                .orElseGet(InstanceDirectory::defaultHome);
        this.instance = home.resolve("instances").resolve(id);
    }

    /**
     * {@code ~/.cpdb} for a normal user; {@code /var/lib/cpdb} for root, because the unprivileged user that runs the
     * embedded server cannot enter {@code /root}.
     */
    static Path defaultHome() {
        if (ProcessOwner.isRoot()) {
            return Path.of("/var/lib/cpdb");
        }
        return Path.of(System.getProperty("user.home"), ".cpdb");
    }

    /** The {@code CPDB_HOME} folder. */
    public Path home() {
        return home;
    }

    /** This instance's folder. */
    public Path path() {
        return instance;
    }
}
