package dev.cpdb.backup.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/** A store in front of a real one that passes everything on; tests override what they record or change. */
public class ForwardingStore implements BackupStore {

    protected final BackupStore delegate;

    public ForwardingStore(BackupStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public String location() {
        return delegate.location();
    }

    @Override
    public Upload create(String key) throws IOException {
        return delegate.create(key);
    }

    @Override
    public void write(String key, byte[] content) throws IOException {
        delegate.write(key, content);
    }

    @Override
    public Optional<InputStream> read(String key) throws IOException {
        return delegate.read(key);
    }

    @Override
    public Optional<Pinned> pin(String key) throws IOException {
        return delegate.pin(key);
    }

    @Override
    public boolean exists(String key) throws IOException {
        return delegate.exists(key);
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        return delegate.size(key);
    }

    @Override
    public List<StoredObject> list(String prefix) throws IOException {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) throws IOException {
        delegate.delete(key);
    }

    @Override
    public List<PendingUpload> pendingUploads(String prefix) throws IOException {
        return delegate.pendingUploads(prefix);
    }

    @Override
    public void discard(PendingUpload upload) throws IOException {
        delegate.discard(upload);
    }
}
