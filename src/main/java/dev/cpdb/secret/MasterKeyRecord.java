package dev.cpdb.secret;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.Database;

/**
 * The database's memory of which secrets master key its secrets are encrypted with ({@code public.secrets_master_key},
 * one fingerprint, recorded by the first instance that uses a key). At start-up each instance compares its own key;
 * one with another key stays running but reports not ready (see {@link #problem()}), so a replica with a wrong key
 * gets no traffic instead of answering 500 on every secret.
 *
 * <p>
 * Blocking (JDBC on the direct path); called from start-up code only.
 */
@ApplicationScoped
public class MasterKeyRecord {

    private static final Logger LOG = Logger.getLogger(MasterKeyRecord.class);

    private final MasterKey key;
    private final Database database;
    private final InstanceDirectory instance;
    private volatile String problem;

    public MasterKeyRecord(MasterKey key, Database database, InstanceDirectory instance) {
        this.key = key;
        this.database = database;
        this.instance = instance;
    }

    /**
     * Off the embedded default, refuses to go on without a configured key, and forbids generating one later. Call
     * once the database is started and before migrating, so a refused start changes nothing.
     *
     * @throws InvalidConfigurationException naming {@code CPDB_SECRETS_MASTER_KEY} and {@code _FILE}
     */
    public void requireConfiguredKey() {
        if (database.embedded()) {
            return;
        }
        key.refuseInstanceFile();
        if (!key.configured()) {
            throw new InvalidConfigurationException(key.missingKeyMessage());
        }
    }

    /**
     * Records this instance's key fingerprint when the database has none yet, otherwise compares it. Without any key
     * yet (embedded default before the first secret) there is nothing to compare. Call after core migrations.
     */
    public void recordOrCompare() {
        if (!key.configured() && !Files.exists(instance.path().resolve(MasterKey.FILE_NAME))) {
            return;
        }
        String mine = key.fingerprint();
        try (Connection connection = database.direct().open()) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO public.secrets_master_key (fingerprint) VALUES (?) ON CONFLICT DO NOTHING")) {
                insert.setString(1, mine);
                if (insert.executeUpdate() == 1) {
                    LOG.infof("recorded the secrets master key fingerprint %s in the database", mine);
                    return;
                }
            }
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT fingerprint, recorded_at FROM public.secrets_master_key");
                    ResultSet rows = select.executeQuery()) {
                rows.next();
                String recorded = rows.getString(1);
                if (!recorded.equals(mine)) {
                    problem = "the secrets master key of this instance (fingerprint " + mine + ") is not the one "
                            + "this database's secrets use (fingerprint " + recorded + ", recorded "
                            + rows.getObject(2, java.time.OffsetDateTime.class) + "); give every replica the same "
                            + "CPDB_SECRETS_MASTER_KEY or CPDB_SECRETS_MASTER_KEY_FILE";
                    LOG.error(problem + "; this instance reports not ready until it restarts with that key");
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record the secrets master key fingerprint: " + e.getMessage(), e);
        }
    }

    /** Why this instance must not serve, when its key is not the database's. */
    public Optional<String> problem() {
        return Optional.ofNullable(problem);
    }
}
