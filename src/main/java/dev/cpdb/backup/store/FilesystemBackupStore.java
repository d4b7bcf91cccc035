package dev.cpdb.backup.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link BackupStore} in a local folder. New objects are written to a hidden temporary file next to their final
 * name, flushed to disk and renamed into place, and the folder entry is flushed too, so a crash leaves either the
 * whole object or none (plus, at worst, a temporary file that listing ignores).
 */
public final class FilesystemBackupStore implements BackupStore {

    /** Backups hold every company's data: only the service's own OS user may enter their folders. */
    static final Set<PosixFilePermission> PRIVATE_FOLDER = PosixFilePermissions.fromString("rwx------");
    /** ... and read their files, temporary ones included. */
    static final Set<PosixFilePermission> PRIVATE_FILE = PosixFilePermissions.fromString("rw-------");

    /** Whether the default file system knows POSIX modes (it does on every system the service supports). */
    private static final boolean POSIX = java.nio.file.FileSystems.getDefault().supportedFileAttributeViews()
            .contains("posix");

    /** Marks temporary files; never part of a committed key. */
    static final String PARTIAL = ".partial-";

    private final Path root;

    public FilesystemBackupStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    @Override
    public String location() {
        return root.toString();
    }

    /** The folder. */
    public Path root() {
        return root;
    }

    private Path path(String key) {
        Path path = root.resolve(BackupStore.requireValidKey(key)).normalize();
        if (!path.startsWith(root)) {
            throw new IllegalArgumentException("invalid object key '" + key + "'");
        }
        return path;
    }

    @Override
    public Upload create(String key) throws IOException {
        Path target = path(key);
        createPrivateFolders(target.getParent());
        Path temporary = target.resolveSibling("." + target.getFileName() + PARTIAL + UUID.randomUUID());
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(Files.newByteChannel(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), privateAttribute(PRIVATE_FILE))),
                1 << 16);
        makePrivate(temporary, PRIVATE_FILE);
        return new FileUpload(target, temporary, out);
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        try (Upload upload = create(key)) {
            upload.stream().write(content);
            upload.commit();
        }
    }

    @Override
    public Optional<InputStream> read(String key) throws IOException {
        try {
            return Optional.of(Files.newInputStream(path(key)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * {@inheritDoc} The file stays open while pinned: a file renamed over the key (the way this store replaces
     * objects) does not change what the pin reads.
     */
    @Override
    public Optional<Pinned> pin(String key) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(path(key), StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        return Optional.of(new Pinned() {
            @Override
            public InputStream open() {
                return new ChannelStream(channel);
            }

            @Override
            public void close() throws IOException {
                channel.close();
            }
        });
    }

    @Override
    public boolean exists(String key) {
        return Files.isRegularFile(path(key));
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        Path path = path(key);
        return Files.isRegularFile(path) ? Optional.of(Files.size(path)) : Optional.empty();
    }

    @Override
    public List<String> list(String prefix) throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        List<String> keys = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(root)) {
            paths.filter(Files::isRegularFile)
                    .filter(path -> !path.getFileName().toString().contains(PARTIAL))
                    .map(path -> root.relativize(path).toString().replace('\\', '/'))
                    .filter(key -> key.startsWith(prefix))
                    .forEach(keys::add);
        }
        keys.sort(null);
        return keys;
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = path(key);
        Files.deleteIfExists(path);
        // Remove the backup's folder once it is empty, so deleted backups leave nothing behind.
        removeIfEmpty(path.getParent());
    }

    /**
     * Every temporary file: those of uploads in progress and those left by crashed processes, which only their age
     * ({@link #lastModified}) tells apart.
     */
    public List<Path> partialFiles() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(path -> path.getFileName().toString().contains(PARTIAL)).toList();
        }
    }

    /** When a temporary file was last written to; empty when it is gone (its upload committed or aborted). */
    public Optional<Instant> lastModified(Path partialFile) throws IOException {
        try {
            return Optional.of(Files.getLastModifiedTime(requirePartial(partialFile)).toInstant());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    /**
     * Deletes one temporary file found by {@link #partialFiles()}, and its folder once empty. Callers decide that its
     * upload is abandoned; anything that is not a temporary file of this store is refused.
     */
    public void deletePartialFile(Path partialFile) throws IOException {
        Path path = requirePartial(partialFile);
        Files.deleteIfExists(path);
        removeIfEmpty(path.getParent());
    }

    private Path requirePartial(Path file) {
        Path path = file.toAbsolutePath().normalize();
        if (!path.startsWith(root) || path.equals(root) || !path.getFileName().toString().contains(PARTIAL)) {
            throw new IllegalArgumentException(file + " is not a temporary file of the store in " + root);
        }
        return path;
    }

    private void removeIfEmpty(Path folder) throws IOException {
        try (Stream<Path> rest = Files.isDirectory(folder) ? Files.list(folder) : Stream.empty()) {
            if (!folder.equals(root) && rest.findAny().isEmpty()) {
                Files.deleteIfExists(folder);
            }
        }
    }

    /**
     * Creates the missing folders from the store's root down to {@code folder}, each 0700: created with that mode
     * (the umask can only narrow it) and set again explicitly, since a umask could also take the owner's bits away.
     * Folders that already exist keep their mode, so an operator's own target folder is left as it is; folders above
     * the root are created as usual (the instance folder holds the embedded server's data too).
     */
    private void createPrivateFolders(Path folder) throws IOException {
        if (root.getParent() != null) {
            Files.createDirectories(root.getParent());
        }
        List<Path> missing = new ArrayList<>();
        for (Path current = folder; current.startsWith(root)
                && !Files.isDirectory(current); current = current.getParent()) {
            missing.add(0, current);
        }
        for (Path create : missing) {
            try {
                Files.createDirectory(create, privateAttribute(PRIVATE_FOLDER));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // created meanwhile by another upload; it sets its own mode below
            }
            makePrivate(create, PRIVATE_FOLDER);
        }
    }

    private static FileAttribute<?>[] privateAttribute(Set<PosixFilePermission> permissions) {
        return POSIX ? new FileAttribute<?>[] { PosixFilePermissions.asFileAttribute(permissions) }
                : new FileAttribute<?>[0];
    }

    private static void makePrivate(Path path, Set<PosixFilePermission> permissions) throws IOException {
        if (POSIX) {
            Files.setPosixFilePermissions(path, permissions);
        }
    }

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync directories; the rename itself is still atomic.
        }
    }

    /** Reads a shared channel from its start with positional reads, so several streams do not disturb each other. */
    private static final class ChannelStream extends InputStream {

        private final FileChannel channel;
        private long position;

        ChannelStream(FileChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            int n = channel.read(java.nio.ByteBuffer.wrap(buffer, offset, length), position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    private static final class FileUpload implements Upload {

        private final Path target;
        private final Path temporary;
        private final OutputStream out;
        private boolean committed;

        FileUpload(Path target, Path temporary, OutputStream out) {
            this.target = target;
            this.temporary = temporary;
            this.out = out;
        }

        @Override
        public OutputStream stream() {
            return out;
        }

        @Override
        public void commit() throws IOException {
            out.close();
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            try {
                Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the backup folder's file system cannot rename atomically: " + target, e);
            }
            syncDirectory(target.getParent());
            committed = true;
        }

        @Override
        public void abort() {
            if (committed) {
                return;
            }
            try {
                out.close();
            } catch (IOException ignored) {
                // the file is deleted next
            }
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException ignored) {
                // a leftover temporary file is invisible and removed by cleanup
            }
        }
    }
}
