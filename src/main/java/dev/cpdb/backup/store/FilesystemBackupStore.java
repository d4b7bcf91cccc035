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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link BackupStore} in a local folder. New objects are written to a hidden temporary file next to their final
 * name, flushed to disk and renamed into place, and the folder entry is flushed too, so a crash leaves either the
 * whole object or none (plus, at worst, a temporary file that listing ignores and {@link #pendingUploads} finds).
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
        Path temporary = temporaryFile(target, UUID.randomUUID().toString());
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
    public List<StoredObject> list(String prefix) throws IOException {
        List<StoredObject> objects = new ArrayList<>();
        for (Path path : files()) {
            String key = key(path);
            if (!isTemporary(path) && key.startsWith(prefix)) {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    objects.add(new StoredObject(key, attributes.size(), attributes.lastModifiedTime().toInstant()));
                } catch (NoSuchFileException e) {
                    // deleted since the walk
                }
            }
        }
        objects.sort(Comparator.comparing(StoredObject::key));
        return objects;
    }

    @Override
    public void delete(String key) throws IOException {
        Path path = path(key);
        Files.deleteIfExists(path);
        // Remove the backup's folder once it is empty, so deleted backups leave nothing behind.
        removeIfEmpty(path.getParent());
    }

    /**
     * {@inheritDoc} Here: the temporary files next to their final names, those of uploads in progress and those left
     * by crashed processes; the upload id is the temporary file's random part, its activity the file's last write.
     */
    @Override
    public List<PendingUpload> pendingUploads(String prefix) throws IOException {
        List<PendingUpload> uploads = new ArrayList<>();
        for (Path path : files()) {
            String name = path.getFileName().toString();
            if (!isTemporary(path)) {
                continue;
            }
            int marker = name.lastIndexOf(PARTIAL);
            Path parent = root.relativize(path).getParent();
            String target = name.substring(1, marker);
            String key = (parent == null ? "" : parent.toString().replace('\\', '/') + "/") + target;
            if (!BackupStore.isValidKey(key) || !key.startsWith(prefix)) {
                continue;
            }
            try {
                uploads.add(new PendingUpload(key, name.substring(marker + PARTIAL.length()),
                        Optional.of(Files.getLastModifiedTime(path).toInstant())));
            } catch (NoSuchFileException e) {
                // committed or aborted since the walk
            }
        }
        uploads.sort(Comparator.comparing(PendingUpload::key));
        return uploads;
    }

    /** {@inheritDoc} Here: deletes the temporary file, and its folder once empty. */
    @Override
    public void discard(PendingUpload upload) throws IOException {
        Path target = path(upload.key());
        if (upload.uploadId().isEmpty() || upload.uploadId().contains("/") || upload.uploadId().contains("\\")) {
            throw new IllegalArgumentException("'" + upload.uploadId() + "' is not an upload of the store in " + root);
        }
        Path temporary = temporaryFile(target, upload.uploadId());
        Files.deleteIfExists(temporary);
        removeIfEmpty(temporary.getParent());
    }

    @Override
    public Optional<Path> localFolder() {
        return Optional.of(root);
    }

    /** Every regular file below the root; none when the root does not exist yet. */
    private List<Path> files() throws IOException {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> paths = Files.walk(root)) {
            return paths.filter(Files::isRegularFile).toList();
        }
    }

    private String key(Path file) {
        return root.relativize(file).toString().replace('\\', '/');
    }

    /** Whether a file is the temporary file of an upload ({@code .<name>.partial-<id>}). */
    private static boolean isTemporary(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.lastIndexOf(PARTIAL) > 1;
    }

    private static Path temporaryFile(Path target, String uploadId) {
        return target.resolveSibling("." + target.getFileName() + PARTIAL + uploadId);
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
