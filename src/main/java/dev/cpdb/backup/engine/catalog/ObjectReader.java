package dev.cpdb.backup.engine.catalog;

import java.sql.SQLException;

/**
 * Reads one kind of object of the selected schemas: definitions become objects of the context's
 * {@link DependencyGraph}, what must follow the data is appended to its post-data statements. Blocking (JDBC).
 */
interface ObjectReader {

    void read(CatalogContext context) throws SQLException;
}
