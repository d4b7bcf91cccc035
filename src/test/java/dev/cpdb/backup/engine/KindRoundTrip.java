package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.PostgresClientTools;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * The round trip every object kind's test makes on PostgreSQL 15: a small fixture of that kind (with a comment and
 * an owner of its own) is loaded with psql, backed up with owners and privileges, restored by cpdb and by stock
 * psql; {@code pg_dump --schema-only} 15 with owners and privileges of the source and of each restored database
 * must be identical, and so must the catalog census ({@link CatalogCensus}, with owners and privileges) and every
 * table's rows. The same fixture is then round-tripped by cpdb on the default major and on PostgreSQL 18, where the
 * census and the rows must be equal.
 *
 * <p>
 * In a fixture, {@code :owner} stands for a role created for the run (roles belong to the whole server, which other
 * test classes share); {@link #close()} drops the databases and the role.
 */
final class KindRoundTrip implements AutoCloseable {

    private final EmbeddedPostgres server = TestPostgres.server15();
    /** The newer servers, where the census is the oracle, with the databases made on each. */
    private final Map<EmbeddedPostgres, List<DatabaseUrl>> newerMajors = new LinkedHashMap<>();
    private final String owner;
    private final List<DatabaseUrl> databases = new ArrayList<>();
    private String fixture;

    KindRoundTrip() {
        owner = "kind owner " + ProcessHandle.current().pid() + "_"
                + Long.toString(System.nanoTime() % 1_000_000_000, 36);
        TestPostgres.execute(server.url(), "CREATE ROLE " + Sql.ident(owner));
        newerMajors.put(TestPostgres.server(), new ArrayList<>());
        newerMajors.put(TestPostgres.server18(), new ArrayList<>());
        for (EmbeddedPostgres newer : newerMajors.keySet()) {
            TestPostgres.execute(newer.url(), "CREATE ROLE " + Sql.ident(owner));
        }
    }

    /** The role {@code :owner} stands for, quoted. */
    String owner() {
        return Sql.ident(owner);
    }

    /** A new database on the PostgreSQL 15 server, dropped by {@link #close()}. */
    DatabaseUrl database(String prefix) {
        DatabaseUrl url = TestPostgres.createDatabase(server, prefix);
        databases.add(url);
        return url;
    }

    /** Loads {@code fixture} (with {@code :owner} replaced) into a new database with psql. */
    DatabaseUrl source(String prefix, String fixture) throws IOException {
        this.fixture = fixture;
        DatabaseUrl url = database(prefix);
        load(url, fixture);
        return url;
    }

    private void load(DatabaseUrl url, String sql) throws IOException {
        Path file = TestFolders.create("cpdb-kind").resolve("fixture.sql");
        Files.writeString(file, sql.replace(":owner", owner()), StandardCharsets.UTF_8);
        PostgresClientTools.psqlFile(url, file);
    }

    /**
     * Backs up {@code source} with owners and privileges, restores it with cpdb and with psql, and asserts both
     * restored databases equal the source (pg_dump with owners and privileges, row hashes).
     *
     * @return the script, for assertions on its statements
     */
    String assertRoundTrips(DatabaseUrl source) throws SQLException, IOException {
        byte[] script = BackupFixtures.dump(source, 2, true);
        String expected = BackupFixtures.comparableSchema(source, true);
        CatalogCensus census = CatalogCensus.take(source, true);

        DatabaseUrl byCpdb = database(source.database() + "_cpdb");
        BackupFixtures.restore(byCpdb, script, false);
        BackupFixtures.assertSameSchema(expected, BackupFixtures.comparableSchema(byCpdb, true));
        CatalogCensus.assertSame(census, CatalogCensus.take(byCpdb, true));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(byCpdb));

        DatabaseUrl byPsql = database(source.database() + "_psql");
        BackupFixtures.restoreWithPsql(byPsql, script);
        BackupFixtures.assertSameSchema(expected, BackupFixtures.comparableSchema(byPsql, true));
        CatalogCensus.assertSame(census, CatalogCensus.take(byPsql, true));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(byPsql));

        for (Map.Entry<EmbeddedPostgres, List<DatabaseUrl>> newer : newerMajors.entrySet()) {
            FixtureRoundTrip.Databases made = FixtureRoundTrip.assertCensusRoundTrip(newer.getKey(), "kind_newer",
                    fixture.replace(":owner", owner()), true);
            newer.getValue().add(made.source());
            newer.getValue().add(made.restored());
        }
        return new String(script, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (DatabaseUrl url : databases) {
            TestPostgres.execute(server.url(), "DROP DATABASE IF EXISTS " + Sql.ident(url.database())
                    + " WITH (FORCE)");
        }
        TestPostgres.execute(server.url(), "DROP ROLE IF EXISTS " + Sql.ident(owner));
        for (Map.Entry<EmbeddedPostgres, List<DatabaseUrl>> newer : newerMajors.entrySet()) {
            for (DatabaseUrl url : newer.getValue()) {
                TestPostgres.execute(newer.getKey().url(), "DROP DATABASE IF EXISTS " + Sql.ident(url.database())
                        + " WITH (FORCE)");
            }
            TestPostgres.execute(newer.getKey().url(), "DROP ROLE IF EXISTS " + Sql.ident(owner));
        }
    }
}
