package dev.cpdb.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.Database;

/**
 * Keeps backups off storage that dies with a pod. Off the embedded default, scheduled backups need an explicit
 * {@code CPDB_BACKUP_TARGET} (the default folder is inside the instance folder, a pod's disk). For a folder target
 * it tells the backups health group what can be detected from inside the process:
 * <ul>
 * <li>the folder's file system does not outlive the pod or container: {@code tmpfs}, {@code ramfs}, a container's
 * {@code overlay} root, or a Kubernetes {@code emptyDir} (its mount source lies below
 * {@code kubernetes.io~empty-dir});</li>
 * <li>the folder is not the one the other replicas use, or was emptied or replaced: the first replica writes a
 * random marker into {@value #MARKER_FILE} and records it in {@code public.backup_target_markers}; a folder holding
 * another marker, or none, is not that folder.</li>
 * </ul>
 * A network file system shared by every replica passes both; stores that are not local folders (S3) are not
 * checked.
 */
@ApplicationScoped
public class BackupTargetGuard {

    /** The marker file in the target folder; backup listings and retention ignore it (it is no backup folder). */
    static final String MARKER_FILE = ".cpdb-backup-target";

    private static final Set<String> VOLATILE_FILE_SYSTEMS = Set.of("tmpfs", "ramfs", "overlay", "aufs");
    private static final Path MOUNT_INFO = Path.of("/proc/self/mountinfo");
    private static final Logger LOG = Logger.getLogger(BackupTargetGuard.class);

    private final BackupConfig config;
    private final BackupOptions options;
    private final Database database;

    public BackupTargetGuard(BackupConfig config, BackupOptions options, Database database) {
        this.config = config;
        this.options = options;
        this.database = database;
    }

    /**
     * Refuses to start scheduled backups into the default folder off the embedded default.
     *
     * @throws InvalidConfigurationException naming {@code CPDB_BACKUP_TARGET} and {@code CPDB_BACKUP_ENABLED}
     */
    public void requireExplicitTarget() {
        requireExplicitTarget(config.enabled(), config.schedule());
    }

    /**
     * The same check for scheduled backups turned on or re-scheduled while the service runs (instance settings).
     *
     * @throws InvalidConfigurationException as {@link #requireExplicitTarget()}
     */
    public void requireExplicitTarget(boolean enabled, String schedule) {
        boolean scheduled = enabled && !"off".equalsIgnoreCase(schedule.strip());
        if (database.embedded() || !scheduled || config.target().filter(text -> !text.isBlank()).isPresent()) {
            return;
        }
        throw new InvalidConfigurationException("cpdb runs on an external database with scheduled backups on, but "
                + "CPDB_BACKUP_TARGET is not set: the default folder is inside the instance folder, which a pod "
                + "loses and other replicas cannot see. Set CPDB_BACKUP_TARGET to s3://bucket/prefix (or a folder on "
                + "a persistent volume shared by every replica), or turn scheduled backups off with "
                + "CPDB_BACKUP_ENABLED=false");
    }

    /** Checks the target once at start-up and logs a warning when it is not safe; never fails start-up. */
    public void warnAtStartup() {
        try (Connection connection = database.direct().open()) {
            problem(connection).ifPresent(problem -> LOG.warnf("backup target: %s", problem));
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not check the backup target: %s", e.getMessage());
        }
    }

    /**
     * Why the configured target may lose backups or hide them from other replicas; empty when nothing is detected
     * (always for S3 targets). Writes the marker file and its record when neither exists yet.
     *
     * @param connection a direct connection; left open
     */
    public Optional<String> problem(Connection connection) throws SQLException {
        Optional<Path> folder = options.defaultStore().localFolder();
        if (folder.isEmpty()) {
            return Optional.empty();
        }
        Path root = folder.get().toAbsolutePath().normalize();
        Optional<String> volatileMount = volatileMount(root);
        if (volatileMount.isPresent()) {
            return volatileMount;
        }
        String marker;
        try {
            marker = readOrWriteMarker(root);
        } catch (IOException e) {
            return Optional.of("cannot write the marker file in the backup folder " + root + ": " + e.getMessage());
        }
        String recorded = recordOrRead(connection, root.toString(), marker);
        if (recorded.equals(marker)) {
            return Optional.empty();
        }
        return Optional.of("the backup folder " + root + " does not hold the marker this database recorded for it ("
                + MARKER_FILE + "): another replica uses a different folder under that path, or the folder was "
                + "emptied or replaced. Use a persistent volume shared by every replica or an s3:// target; if the "
                + "folder was replaced on purpose, delete its row from public.backup_target_markers");
    }

    /** The reason the folder's file system does not outlive the pod, when /proc/self/mountinfo tells. */
    static Optional<String> volatileMount(Path folder) {
        List<String> lines;
        try {
            lines = Files.readAllLines(MOUNT_INFO, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        return volatileMount(existingAncestor(folder), lines);
    }

    /**
     * The same for given mountinfo lines (see proc(5)): the mount whose mount point is the longest prefix of the
     * folder decides.
     */
    static Optional<String> volatileMount(Path folder, List<String> mountInfo) {
        MountEntry best = null;
        for (String line : mountInfo) {
            MountEntry entry = MountEntry.parse(line);
            if (entry != null && folder.startsWith(entry.mountPoint())
                    && (best == null || entry.mountPoint().getNameCount() > best.mountPoint().getNameCount())) {
                best = entry;
            }
        }
        if (best == null) {
            return Optional.empty();
        }
        if (best.root().contains("kubernetes.io~empty-dir")) {
            return Optional.of("the backup folder " + folder + " is on a Kubernetes emptyDir volume, which is deleted "
                    + "with the pod and not shared with other replicas; use s3:// or a shared persistent volume");
        }
        if (VOLATILE_FILE_SYSTEMS.contains(best.fileSystem())) {
            return Optional.of("the backup folder " + folder + " is on a " + best.fileSystem() + " file system ("
                    + best.mountPoint() + "), which does not outlive the container; use s3:// or a persistent volume");
        }
        return Optional.empty();
    }

    private static Path existingAncestor(Path folder) {
        Path current = folder;
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        try {
            return current == null ? folder : current.toRealPath();
        } catch (IOException e) {
            return current;
        }
    }

    private static String readOrWriteMarker(Path root) throws IOException {
        Path file = root.resolve(MARKER_FILE);
        if (!Files.exists(file)) {
            Files.createDirectories(root);
            try {
                // CREATE_NEW: when two replicas share the folder and start together, the first marker wins.
                Files.writeString(file, UUID.randomUUID() + "\n", StandardCharsets.US_ASCII,
                        java.nio.file.StandardOpenOption.CREATE_NEW, java.nio.file.StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                // written by another replica meanwhile
            }
        }
        return Files.readString(file, StandardCharsets.US_ASCII).strip();
    }

    private static String recordOrRead(Connection connection, String target, String marker) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO public.backup_target_markers (target, marker) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            insert.setString(1, target);
            insert.setString(2, marker);
            insert.executeUpdate();
        }
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT marker FROM public.backup_target_markers WHERE target = ?")) {
            select.setString(1, target);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    /** One line of /proc/self/mountinfo: the mount's root inside its file system, mount point and type. */
    private record MountEntry(String root, Path mountPoint, String fileSystem) {

        static MountEntry parse(String line) {
            String[] fields = line.split(" ");
            int separator = List.of(fields).indexOf("-");
            if (fields.length < 5 || separator < 0 || separator + 1 >= fields.length) {
                return null;
            }
            return new MountEntry(unescape(fields[3]), Path.of(unescape(fields[4])), fields[separator + 1]);
        }

        // mountinfo writes space, tab, newline and backslash as three octal digits after a backslash.
        private static String unescape(String text) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '\\' && i + 3 < text.length() && text.substring(i + 1, i + 4).chars()
                        .allMatch(d -> d >= '0' && d <= '7')) {
                    out.append((char) Integer.parseInt(text.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }
}
