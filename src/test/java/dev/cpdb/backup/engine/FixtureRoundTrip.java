package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The oracle of a per-kind round trip: on PostgreSQL 15, {@code pg_dump --schema-only} 15 of the source and of the
 * restored database identical, every table's rows hashing the same and the catalog census equal, for a restore by
 * cpdb and for stock {@code psql} running the same script; on the default major, the census equal after a restore by
 * cpdb.
 */
final class FixtureRoundTrip {

    private FixtureRoundTrip() {
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

        EmbeddedPostgres defaultMajor = TestPostgres.server();
        DatabaseUrl sourceOnDefault = load(defaultMajor, name + "_major", fixture);
        DatabaseUrl targetOnDefault = TestPostgres.createDatabase(defaultMajor, name + "_major_cpdb");
        BackupFixtures.restore(targetOnDefault, BackupFixtures.dump(sourceOnDefault), false);
        CatalogCensus.assertSame(CatalogCensus.take(sourceOnDefault), CatalogCensus.take(targetOnDefault));
        assertEquals(BackupFixtures.rowHashes(sourceOnDefault), BackupFixtures.rowHashes(targetOnDefault));
        return byCpdb;
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
