package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The oracle of a per-kind round trip: on PostgreSQL 15, {@code pg_dump --schema-only} 15 of the source and of the
 * restored database identical, every table's rows hashing the same and the catalog census equal, for a restore by
 * cpdb and for stock {@code psql} running the same script; on the default major and on PostgreSQL 18, the census
 * equal after a restore by cpdb.
 */
final class FixtureRoundTrip {

    private FixtureRoundTrip() {
    }

    /** A source database and the one cpdb restored its backup into. */
    record Databases(DatabaseUrl source, DatabaseUrl restored) {
    }

    /**
     * Round-trips a database made by {@code fixture} (SQL run by psql in one transaction) and returns the database cpdb
     * restored on PostgreSQL 15, for further checks of behaviour.
     */
    static DatabaseUrl assertRoundTrip(String name, String fixture) throws Exception {
        EmbeddedPostgres server15 = TestPostgres.server15();
        DatabaseUrl source = load(server15, name + "_source", fixture);
        byte[] script = BackupFixtures.dump(source);
        String schema = BackupFixtures.comparableSchema(source);
        CatalogCensus census = CatalogCensus.take(source);

        DatabaseUrl byCpdb = TestPostgres.createDatabase(server15, name + "_cpdb");
        BackupFixtures.restore(byCpdb, script, false);
        BackupFixtures.assertSameSchema(schema, BackupFixtures.comparableSchema(byCpdb));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(byCpdb));
        CatalogCensus.assertSame(census, CatalogCensus.take(byCpdb));

        DatabaseUrl byPsql = TestPostgres.createDatabase(server15, name + "_psql");
        BackupFixtures.restoreWithPsql(byPsql, script);
        BackupFixtures.assertSameSchema(schema, BackupFixtures.comparableSchema(byPsql));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(byPsql));
        CatalogCensus.assertSame(census, CatalogCensus.take(byPsql));

        assertCensusRoundTrip(TestPostgres.server(), name + "_major", fixture, false);
        assertCensusRoundTrip(TestPostgres.server18(), name + "_pg18", fixture, false);
        return byCpdb;
    }

    /**
     * Loads {@code fixture} into a new database on {@code server}, backs it up and restores it with cpdb into another,
     * and asserts that both have the same catalog census (with owners and privileges when asked) and rows.
     */
    static Databases assertCensusRoundTrip(EmbeddedPostgres server, String name, String fixture,
            boolean ownersAndPrivileges) throws SQLException {
        DatabaseUrl source = load(server, name, fixture);
        DatabaseUrl restored = TestPostgres.createDatabase(server, name + "_cpdb");
        BackupFixtures.restore(restored, BackupFixtures.dump(source, 2, ownersAndPrivileges), false);
        CatalogCensus.assertSame(CatalogCensus.take(source, ownersAndPrivileges),
                CatalogCensus.take(restored, ownersAndPrivileges));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(restored));
        return new Databases(source, restored);
    }

    /** A new database on {@code server} made by {@code fixture}. */
    static DatabaseUrl load(EmbeddedPostgres server, String name, String fixture) {
        DatabaseUrl url = TestPostgres.createDatabase(server, name);
        try {
            Path file = TestFolders.create("cpdb-kind").resolve(name + ".sql");
            Files.writeString(file, fixture);
            PostgresClientTools.psqlFile(url, file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return url;
    }
}
