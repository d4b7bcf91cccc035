package dev.cpdb.backup.store;

import java.io.IOException;
import java.util.List;

/** The keys of a store's listing, for tests that compare keys only. */
public final class StoredKeys {

    private StoredKeys() {
    }

    /** The keys {@link BackupStore#list} returns for {@code prefix}, in its order. */
    public static List<String> of(BackupStore store, String prefix) throws IOException {
        return store.list(prefix).stream().map(StoredObject::key).toList();
    }
}
