package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.database.embedded.EmbeddedPostgres;
import dev.cpdb.testing.RequiresPostgresClientTools;
import dev.cpdb.testing.TestPostgres;

/**
 * The fidelity fixture on the product's default PostgreSQL major, where no matching pg_dump is installed. The
 * comparison reads the catalogs instead: a backup of the restored database must carry exactly the same definitions
 * (and sequence values) as the backup it was restored from, and every table's rows must hash the same.
 */
@RequiresPostgresClientTools
class DefaultMajorRoundTripTest {

    @Test
    void theFixtureSurvivesARoundTripOnTheDefaultMajor() throws Exception {
        EmbeddedPostgres server = TestPostgres.server();
        DatabaseUrl source = TestPostgres.createDatabase(server, "major_source");
        BackupFixtures.loadFixture(source);
        byte[] first = BackupFixtures.dump(source);
        DatabaseUrl target = TestPostgres.createDatabase(server, "major_target");

        BackupFixtures.restore(target, first, false);
        byte[] second = BackupFixtures.dump(target);

        assertEquals(withoutSourceLine(first), withoutSourceLine(second));
        assertEquals(BackupFixtures.rowHashes(source), BackupFixtures.rowHashes(target));
    }

    private static String withoutSourceLine(byte[] script) {
        return new String(script, StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("-- source:"))
                .collect(java.util.stream.Collectors.joining("\n"));
    }
}
