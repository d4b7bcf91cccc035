package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * The script without its source line and with each table's COPY blocks joined into one: where a table is split
     * into block ranges depends on its physical layout, which a restore compacts (the fixture deletes rows).
     */
    private static String withoutSourceLine(byte[] script) {
        List<String> lines = new String(script, StandardCharsets.UTF_8).lines()
                .filter(line -> !line.startsWith("-- source:"))
                .toList();
        List<String> joined = new ArrayList<>();
        String copy = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("COPY ") && line.endsWith(" FROM stdin;")) {
                copy = line;
            } else if (line.equals("\\.") && i + 2 < lines.size() && lines.get(i + 1).isEmpty()
                    && lines.get(i + 2).equals(copy)) {
                i += 2;
                continue;
            }
            joined.add(line);
        }
        return String.join("\n", joined);
    }
}
