package dev.cpdb.backup.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * {@link BackupStore} in a local folder. New objects are written to a hidden temporary file next to their final
 * name, flushed to disk and renamed into place, and the folder entry is flushed too, so a crash leaves either the
 * whole object or none (plus, at worst, a temporary file that listing ignores).
 */
public final class FilesystemBackupStore implements BackupStore {

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
        Files.createDirectories(target.getParent());
        Path temporary = target.resolveSibling("." + target.getFileName() + PARTIAL + UUID.randomUUID());
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(temporary, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1 << 16);
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

    private static void syncDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Some file systems cannot sync directories; the rename itself is still atomic.
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
