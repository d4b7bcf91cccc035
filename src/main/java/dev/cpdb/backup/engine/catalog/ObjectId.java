package dev.cpdb.backup.engine.catalog;

/**
 * One catalog object as {@code pg_depend} names it: the catalog it lives in (e.g. {@code pg_class}, without schema)
 * and its oid there.
 */
record ObjectId(String catalog, long oid) implements Comparable<ObjectId> {

    static ObjectId of(String catalog, long oid) {
        return new ObjectId(catalog, oid);
    }

    @Override
    public int compareTo(ObjectId other) {
        int byCatalog = catalog.compareTo(other.catalog);
        return byCatalog != 0 ? byCatalog : Long.compare(oid, other.oid);
    }

    @Override
    public String toString() {
        return catalog + ":" + oid;
    }
}
