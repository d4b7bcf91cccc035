package dev.cpdb.plugin.namespace;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.jboss.logging.Logger;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

import dev.cpdb.database.DirectConnections;
import dev.cpdb.migration.LockWaitPolicy;
import dev.cpdb.migration.LockWaitWatch;
import dev.cpdb.migration.LockWaits;
import dev.cpdb.migration.MigrationBlockedException;
import dev.cpdb.migration.SchemaChangeGate;
import dev.cpdb.plugin.folder.PluginCatalog;
import dev.cpdb.plugin.folder.PluginDefinition;
import dev.cpdb.plugin.folder.PluginMigrationFile;
import dev.cpdb.plugin.folder.RejectedPlugin;
import dev.cpdb.plugin.namespace.PluginRun.Outcome;

/**
 * Brings plugin namespaces up to date on the direct path, and reports where they stand.
 *
 * <p>
 * For each plugin, under its own lock ({@link PluginLock}) on a connection of its own: register the namespace,
 * prepare schema, role and grants in one transaction, check the recorded history against the files (a changed or
 * vanished applied migration stops the plugin), then apply each pending migration in its own transaction, recording
 * it in the same transaction. Any failure marks that plugin {@code migration_failed} with a one-line reason; other
 * plugins carry on.
 *
 * <p>
 * Lock waits are bounded like those of the core migrations: the plugin waits (shared) for the
 * {@link SchemaChangeGate} while a backup runs, every transaction runs with the configured {@code lock_timeout}, and
 * a transaction cancelled by it is rolled back and tried again with back-off until the total wait is used up; then
 * the plugin is {@code migration_failed} with the blocking sessions named. A plugin with nothing to apply does not wait
 * for the gate, so restarts during a backup are not held up.
 *
 * <p>
 * Failures are returned, not logged: the caller (start-up, command, resource) reports them once.
 *
 * <p>
 * Blocking by design (JDBC): call it from start-up code, commands or worker threads, never from the event loop.
 */
public final class PluginMigrator {

    private static final Logger LOG = Logger.getLogger(PluginMigrator.class);

    private final DirectConnections connections;
    private final Duration lockTimeout;
    private final LockWaitPolicy tableLocks;
    private final PluginRepository repository = new PluginRepository();

    /** A migrator with the default table-lock waits ({@link LockWaitPolicy#DEFAULT}). */
    public PluginMigrator(DirectConnections connections, Duration lockTimeout) {
        this(connections, lockTimeout, LockWaitPolicy.DEFAULT);
    }

    /**
     * @param connections the direct path
     * @param lockTimeout how long to wait while another instance migrates the same plugin
     * @param tableLocks how long statements wait for table locks, and how long a plugin run keeps trying
     */
    public PluginMigrator(DirectConnections connections, Duration lockTimeout, LockWaitPolicy tableLocks) {
        this.connections = connections;
        this.lockTimeout = lockTimeout;
        this.tableLocks = tableLocks;
    }

    /** The total wait ran out while other sessions held the locks a step needs. */
    private static final class LocksUnavailable extends PluginMigrationException {

        LocksUnavailable(String message) {
            super(message);
        }
    }

    /** One step of a plugin run that may meet a lock timeout. */
    @FunctionalInterface
    private interface Step<T> {
        T run() throws SQLException, PluginMigrationException;
    }

    /**
     * Runs {@code step} under the bounded lock waits: a lock timeout (the step rethrows PostgreSQL's error after its
     * rollback) is tried again until the deadline; then the plugin fails with the blockers named.
     */
    private <T> T boundedWaits(Connection connection, LockWaitPolicy.Deadline deadline, String what, Step<T> step)
            throws SQLException, PluginMigrationException {
        int pid = LockWaitWatch.backendPid(connection);
        try {
            return LockWaits.retry(tableLocks, deadline, what,
                    () -> LockWaitWatch.ofPid(connections, pid, what, tableLocks.lockTimeout()), step::run);
        } catch (MigrationBlockedException e) {
            throw new LocksUnavailable(e.getMessage());
        } catch (SQLException | PluginMigrationException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Migrates every usable plugin of the catalog, reports every rejected folder, and restores role, ownership and
     * grants of registered plugins whose folder is gone (their schema stays; see {@link #repairRemoved}).
     */
    public List<PluginRun> migrateAll(PluginCatalog catalog) {
        List<PluginRun> runs = new ArrayList<>();
        for (PluginDefinition plugin : catalog.plugins()) {
            runs.add(migrate(catalog, plugin));
        }
        for (RejectedPlugin folder : catalog.rejected()) {
            runs.add(new PluginRun(folder.key() != null ? folder.key() : folder.folderName(), Outcome.INVALID, null,
                    null, null, 0, 0, "folder " + folder.folderName() + ": " + folder.reason()));
        }
        runs.addAll(repairRemoved(catalog));
        return runs;
    }

    /** Migrates one plugin of the catalog. Never throws: failures are in the returned run. */
    public PluginRun migrate(PluginCatalog catalog, PluginDefinition plugin) {
        try (Connection connection = connections.open()) {
            PluginLock lock = new PluginLock(connection, plugin.key());
            if (!lock.acquire(lockTimeout)) {
                return new PluginRun(plugin.key(), Outcome.BUSY, null, null, null, 0,
                        plugin.migrations().size(), "another instance has been migrating plugin " + plugin.key()
                                + " for longer than " + lockTimeout.toSeconds() + " s; try again later");
            }
            try {
                return migrateLocked(connection, catalog, plugin);
            } finally {
                lock.release();
            }
        } catch (SQLException e) {
            String reason = "database error: " + describe(e);
            return new PluginRun(plugin.key(), Outcome.FAILED, null, null, null, 0, plugin.migrations().size(),
                    reason);
        }
    }

    private PluginRun migrateLocked(Connection connection, PluginCatalog catalog, PluginDefinition plugin)
            throws SQLException {
        if (!repository.registryExists(connection)) {
            return new PluginRun(plugin.key(), Outcome.FAILED, null, null, null, 0, plugin.migrations().size(),
                    "the plugin registry does not exist yet; apply the core migrations first (migrate)");
        }
        DatabaseIdentity identity = repository.identity(connection);
        Optional<RegisteredNamespace> registered = repository.namespace(connection, plugin.key());
        RegisteredNamespace namespace = registered.isPresent() ? registered.get()
                : newNamespace(connection, catalog, plugin, identity);
        List<String> reads = plugin.manifest().readCoreTables();
        IsolationMode isolation = namespace.isolation();
        List<String> grantsInEffect = registered.map(RegisteredNamespace::readGrants).orElse(List.of());
        int applied = 0;
        String what = "plugin " + plugin.key() + " migrations";
        LockWaitPolicy.Deadline deadline = tableLocks.start();
        // A null resource is skipped by try-with-resources: no gate when there is nothing to apply.
        try (SchemaChangeGate.Hold gate = registered.isEmpty() || hasPending(connection, plugin)
                ? awaitGate(deadline, what)
                : null) {
            RegisteredNamespace prepared = namespace;
            isolation = boundedWaits(connection, deadline, what + " (preparing schema " + namespace.namespace() + ")",
                    () -> prepare(connection, identity, prepared, reads, registered.isEmpty()));
            grantsInEffect = reads;
            List<RecordedMigration> recorded = repository.migrations(connection, plugin.key());
            List<PluginMigrationFile> pending = pending(plugin, recorded);
            for (PluginMigrationFile file : pending) {
                apply(connection, namespace, isolation, plugin, file, deadline);
                applied++;
            }
            repository.updateNamespace(connection, new RegisteredNamespace(plugin.key(), namespace.namespace(),
                    namespace.role(), isolation, RegisteredNamespace.ACTIVE, plugin.manifest().version(), reads,
                    null));
            if (applied > 0) {
                LOG.infof("plugin %s: applied %d migration(s) in schema %s", plugin.key(), applied,
                        namespace.namespace());
            }
            return new PluginRun(plugin.key(), Outcome.MIGRATED, namespace.namespace(), namespace.role(), isolation,
                    applied, 0, null);
        } catch (PluginMigrationException e) {
            RegisteredNamespace failed = new RegisteredNamespace(plugin.key(), namespace.namespace(),
                    namespace.role(), isolation, RegisteredNamespace.MIGRATION_FAILED, plugin.manifest().version(),
                    grantsInEffect, e.getMessage());
            if (repository.namespace(connection, plugin.key()).isPresent()) {
                repository.updateNamespace(connection, failed);
            } else {
                repository.insertNamespace(connection, failed);
            }
            int pending = plugin.migrations().size() - (int) repository.migrations(connection, plugin.key()).stream()
                    .filter(RecordedMigration::applied).count();
            return new PluginRun(plugin.key(), Outcome.FAILED, namespace.namespace(), namespace.role(), isolation,
                    applied, Math.max(pending, 0), e.getMessage());
        }
    }

    /** Whether the plugin has migrations to apply; a history that does not check out counts as pending. */
    private boolean hasPending(Connection connection, PluginDefinition plugin) throws SQLException {
        try {
            return !pending(plugin, repository.migrations(connection, plugin.key())).isEmpty();
        } catch (PluginMigrationException e) {
            return true;
        }
    }

    /** The schema-change gate (shared), waiting while a backup runs; a backup still running at the deadline fails. */
    private SchemaChangeGate.Hold awaitGate(LockWaitPolicy.Deadline deadline, String what)
            throws SQLException, PluginMigrationException {
        try {
            return SchemaChangeGate.awaitForMigration(connections, tableLocks, deadline, what);
        } catch (MigrationBlockedException e) {
            throw new PluginMigrationException(e.getMessage());
        }
    }

    /** A namespace for a plugin seen for the first time; recorded only once it is prepared (or has failed). */
    private RegisteredNamespace newNamespace(Connection connection, PluginCatalog catalog, PluginDefinition plugin,
            DatabaseIdentity identity) throws SQLException {
        Map<String, String> names = repository.namespaces(connection).stream()
                .collect(Collectors.toMap(RegisteredNamespace::key, RegisteredNamespace::namespace));
        String name = PluginNaming.assign(catalog.plugins(), names, repository.pluginSchemas(connection))
                .get(plugin.key());
        return new RegisteredNamespace(plugin.key(), name, PluginNaming.roleName(name, identity.database()),
                identity.canCreateRoles() ? IsolationMode.ROLE : IsolationMode.SCHEMA, RegisteredNamespace.ACTIVE,
                plugin.manifest().version(), plugin.manifest().readCoreTables(), null);
    }

    /**
     * Prepares schema, role and grants in one transaction and returns the isolation achieved. A plugin gets role
     * isolation when its role exists or can be created; otherwise schema-only isolation, with a warning.
     *
     * @param register whether to insert the registry row in the same transaction
     */
    private IsolationMode prepare(Connection connection, DatabaseIdentity identity, RegisteredNamespace namespace,
            List<String> reads, boolean register) throws PluginMigrationException, SQLException {
        connection.setAutoCommit(false);
        try {
            repository.setLockTimeout(connection, tableLocks.lockTimeoutMillis());
            IsolationMode isolation = repository.roleExists(connection, namespace.role()) || identity.canCreateRoles()
                    ? prepareWithRole(connection, identity, namespace, reads)
                    : prepareSchemaOnly(connection, identity, namespace);
            if (register) {
                repository.insertNamespace(connection, new RegisteredNamespace(namespace.key(),
                        namespace.namespace(), namespace.role(), isolation, RegisteredNamespace.ACTIVE,
                        namespace.pluginVersion(), reads, null));
            }
            connection.commit();
            return isolation;
        } catch (SQLException e) {
            connection.rollback();
            if (LockWaits.isLockTimeout(e)) {
                throw e;
            }
            throw new PluginMigrationException("preparing schema " + namespace.namespace() + " failed: "
                    + describe(e));
        } catch (PluginMigrationException | RuntimeException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    private IsolationMode prepareWithRole(Connection connection, DatabaseIdentity identity,
            RegisteredNamespace namespace, List<String> reads) throws SQLException, PluginMigrationException {
        String role = namespace.role();
        String schema = namespace.namespace();
        if (!repository.roleExists(connection, role)) {
            repository.createRole(connection, role);
            LOG.infof("plugin %s: created role %s", namespace.key(), role);
        }
        List<String> problems = repository.roleProblems(connection, role);
        if (!problems.isEmpty()) {
            throw new PluginMigrationException("role " + role + " " + String.join(", ", problems)
                    + "; a plugin role must be NOLOGIN without special attributes or memberships");
        }
        if (!identity.superuser() && !repository.canUseRole(connection, role, identity)) {
            try {
                repository.grantRoleToCurrentUser(connection, role, identity);
            } catch (SQLException e) {
                throw new PluginMigrationException("cpdb's database user " + identity.user() + " cannot use role "
                        + role + " (" + describe(e) + "); grant it with: GRANT " + role + " TO " + identity.user()
                        + (identity.membershipOptions() ? " WITH INHERIT TRUE, SET TRUE" : ""));
            }
        }
        Optional<String> owner = repository.schemaOwner(connection, schema);
        if (owner.isEmpty()) {
            repository.createSchema(connection, schema, role);
        } else if (!owner.get().equals(role)) {
            repository.alterSchemaOwner(connection, schema, role);
            LOG.infof("plugin %s: schema %s was owned by %s; handed it to role %s", namespace.key(), schema,
                    owner.get(), role);
        }
        List<String> transferred = repository.transferOwnership(connection, schema, role);
        if (!transferred.isEmpty()) {
            LOG.infof("plugin %s: handed %d object(s) in schema %s to role %s", namespace.key(), transferred.size(),
                    schema, role);
        }
        List<String> missing = repository.missingCoreTables(connection, reads);
        if (!missing.isEmpty()) {
            throw new PluginMigrationException("readCoreTables names core tables that do not exist: "
                    + String.join(", ", missing));
        }
        repository.resetCoreGrants(connection, role, reads);
        if (repository.publicSchemaOpenToAll(connection)) {
            repository.closePublicSchema(connection);
            LOG.warn("every role could create objects in schema public (the default before PostgreSQL 15); revoked "
                    + "CREATE on it from PUBLIC so that plugin roles cannot");
        }
        List<String> leaks = repository.isolationLeaks(connection, role, schema);
        if (!leaks.isEmpty()) {
            throw new PluginMigrationException("role " + role + " would have " + String.join(", ", leaks)
                    + " (granted to it or to PUBLIC); revoke that before plugin migrations can run isolated");
        }
        return IsolationMode.ROLE;
    }

    private IsolationMode prepareSchemaOnly(Connection connection, DatabaseIdentity identity,
            RegisteredNamespace namespace) throws SQLException {
        if (repository.schemaOwner(connection, namespace.namespace()).isEmpty()) {
            repository.createSchema(connection, namespace.namespace(), null);
        }
        LOG.warnf("plugin %s: database user %s cannot create roles (no CREATEROLE), so schema %s has schema-only "
                + "isolation: its migrations run as %s and could reach core tables", namespace.key(),
                identity.user(), namespace.namespace(), identity.user());
        return IsolationMode.SCHEMA;
    }

    /**
     * The migrations still to apply, oldest first, after checking the recorded history against the files: an applied
     * migration must still be there with the same checksum, and a migration never applied may not be older than the
     * newest applied one.
     */
    static List<PluginMigrationFile> pending(PluginDefinition plugin, List<RecordedMigration> recorded)
            throws PluginMigrationException {
        Map<Integer, PluginMigrationFile> files = new HashMap<>();
        plugin.migrations().forEach(file -> files.put(file.version(), file));
        Set<Integer> applied = new HashSet<>();
        int newestApplied = 0;
        for (RecordedMigration migration : recorded) {
            if (!migration.applied()) {
                continue;
            }
            PluginMigrationFile file = files.get(migration.version());
            if (file == null) {
                throw new PluginMigrationException(migration.fileName() + " was applied but is no longer in the "
                        + "plugin folder; put it back (applied migrations are never undone)");
            }
            if (!file.checksum().equals(migration.checksum())) {
                throw new PluginMigrationException(file.fileName() + " was changed after it was applied (checksum "
                        + "recorded " + migration.checksum().substring(0, 12) + "…, file now "
                        + file.checksum().substring(0, 12) + "…); restore the applied content and put the change "
                        + "into a new migration");
            }
            applied.add(migration.version());
            newestApplied = Math.max(newestApplied, migration.version());
        }
        List<PluginMigrationFile> pending = new ArrayList<>();
        for (PluginMigrationFile file : plugin.migrations()) {
            if (applied.contains(file.version())) {
                continue;
            }
            if (file.version() < newestApplied) {
                throw new PluginMigrationException(file.fileName() + " is older than the applied V" + newestApplied
                        + " but was never applied; give it a version above " + newestApplied);
            }
            pending.add(file);
        }
        pending.sort(Comparator.comparingInt(PluginMigrationFile::version));
        return pending;
    }

    /**
     * Applies one migration in its own transaction, trying again after lock timeouts until the deadline; on failure
     * nothing of it stays and the attempt is recorded.
     */
    private void apply(Connection connection, RegisteredNamespace namespace, IsolationMode isolation,
            PluginDefinition plugin, PluginMigrationFile file, LockWaitPolicy.Deadline deadline)
            throws SQLException, PluginMigrationException {
        OffsetDateTime started = OffsetDateTime.now(ZoneOffset.UTC);
        try {
            boundedWaits(connection, deadline, "plugin " + plugin.key() + " migration " + file.fileName(),
                    () -> applyOnce(connection, namespace, isolation, plugin, file, started));
        } catch (LocksUnavailable e) {
            repository.recordFailed(connection, namespace, file, plugin.manifest().version(), started,
                    e.getMessage());
            throw e;
        }
    }

    private Void applyOnce(Connection connection, RegisteredNamespace namespace, IsolationMode isolation,
            PluginDefinition plugin, PluginMigrationFile file, OffsetDateTime started)
            throws SQLException, PluginMigrationException {
        String version = plugin.manifest().version();
        connection.setAutoCommit(false);
        try {
            repository.setLockTimeout(connection, tableLocks.lockTimeoutMillis());
            repository.runScript(connection, namespace.namespace(),
                    isolation == IsolationMode.ROLE ? namespace.role() : null, file.sql());
            repository.recordApplied(connection, namespace, file, version, started);
            connection.commit();
            // Settings a script changed with plain SET outlive its transaction; do not let them reach later work.
            repository.resetSession(connection);
        } catch (SQLException e) {
            connection.rollback();
            connection.setAutoCommit(true);
            if (LockWaits.isLockTimeout(e)) {
                throw e;
            }
            String reason = file.fileName() + locate(e, file) + ": " + describe(e);
            repository.recordFailed(connection, namespace, file, version, started, reason);
            throw new PluginMigrationException(reason);
        } finally {
            connection.setAutoCommit(true);
        }
        return null;
    }

    /**
     * Restores role, ownership and grants of registered plugins whose folder is gone, from the registry alone (after
     * a restore into a fresh server their roles are missing too). No migration runs for them.
     */
    private List<PluginRun> repairRemoved(PluginCatalog catalog) {
        List<PluginRun> runs = new ArrayList<>();
        List<RegisteredNamespace> removed;
        try (Connection connection = connections.open()) {
            if (!repository.registryExists(connection)) {
                return runs;
            }
            removed = repository.namespaces(connection).stream()
                    .filter(namespace -> catalog.plugin(namespace.key()).isEmpty())
                    .filter(namespace -> catalog.rejected(namespace.key()).isEmpty())
                    .toList();
        } catch (SQLException e) {
            LOG.warnf("cannot read the plugin registry: %s", describe(e));
            return runs;
        }
        for (RegisteredNamespace namespace : removed) {
            runs.add(repairRemoved(namespace));
        }
        return runs;
    }

    private PluginRun repairRemoved(RegisteredNamespace namespace) {
        try (Connection connection = connections.open()) {
            PluginLock lock = new PluginLock(connection, namespace.key());
            if (!lock.acquire(lockTimeout)) {
                return new PluginRun(namespace.key(), Outcome.BUSY, namespace.namespace(), namespace.role(),
                        namespace.isolation(), 0, 0, "another instance holds the lock of plugin " + namespace.key());
            }
            try {
                DatabaseIdentity identity = repository.identity(connection);
                IsolationMode isolation = namespace.isolation();
                if (isolation == IsolationMode.ROLE && repository.schemaOwner(connection, namespace.namespace())
                        .isPresent()) {
                    isolation = prepare(connection, identity, namespace, namespace.readGrants(), false);
                }
                return new PluginRun(namespace.key(), Outcome.MIGRATED, namespace.namespace(), namespace.role(),
                        isolation, 0, 0, null);
            } finally {
                lock.release();
            }
        } catch (PluginMigrationException e) {
            return new PluginRun(namespace.key(), Outcome.FAILED, namespace.namespace(), namespace.role(),
                    namespace.isolation(), 0, 0, e.getMessage());
        } catch (SQLException e) {
            return new PluginRun(namespace.key(), Outcome.FAILED, namespace.namespace(), namespace.role(),
                    namespace.isolation(), 0, 0, "database error: " + describe(e));
        }
    }

    /**
     * Where every plugin stands, computed from the folder and the registry. Blocking.
     *
     * @param detailed whether to include each plugin's migration list
     */
    public PluginInspection inspect(PluginCatalog catalog, boolean detailed) {
        try (Connection connection = connections.open()) {
            DatabaseIdentity identity = repository.identity(connection);
            IsolationMode forNew = identity.canCreateRoles() ? IsolationMode.ROLE : IsolationMode.SCHEMA;
            if (!repository.registryExists(connection)) {
                return new PluginInspection(forNew, "the plugin registry does not exist yet (core migrations are "
                        + "pending)", PluginStates.of(catalog, Map.of(), Map.of(), Map.of(), detailed));
            }
            Map<String, RegisteredNamespace> registered = new HashMap<>();
            repository.namespaces(connection).forEach(namespace -> registered.put(namespace.key(), namespace));
            Map<String, String> names = new HashMap<>();
            registered.forEach((key, namespace) -> names.put(key, namespace.namespace()));
            Map<String, String> assigned = PluginNaming.assign(catalog.plugins(), names,
                    repository.pluginSchemas(connection));
            return new PluginInspection(forNew, null, PluginStates.of(catalog, registered,
                    repository.allMigrations(connection, null), assigned, detailed));
        } catch (SQLException e) {
            return new PluginInspection(null, "cannot read the plugin registry: " + describe(e),
                    PluginStates.of(catalog, Map.of(), Map.of(), Map.of(), detailed));
        }
    }

    /**
     * The whole picture for status: the isolation new plugins get with the current database user, an error when the
     * registry could not be read, and every plugin's state.
     */
    public record PluginInspection(IsolationMode isolationForNewPlugins, String error, List<PluginState> plugins) {
    }

    /** Where in the file a syntax error is, as " line N", when PostgreSQL reports a position. */
    private static String locate(SQLException e, PluginMigrationFile file) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage message = psql.getServerErrorMessage();
            if (file.sql().equals(message.getInternalQuery()) && message.getInternalPosition() > 0) {
                int position = Math.min(message.getInternalPosition() - 1, file.sql().length());
                long line = file.sql().substring(0, position).chars().filter(c -> c == '\n').count() + 1;
                return " line " + line;
            }
        }
        return "";
    }

    /** PostgreSQL's one-line message with its SQLSTATE, without the context lines. */
    static String describe(SQLException e) {
        if (e instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
            ServerErrorMessage message = psql.getServerErrorMessage();
            return message.getMessage() + " (SQLSTATE " + message.getSQLState() + ")";
        }
        String text = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return text.lines().findFirst().orElse(text);
    }
}
