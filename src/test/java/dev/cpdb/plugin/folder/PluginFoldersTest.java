package dev.cpdb.plugin.folder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestFolders;

/**
 * Reading plugin folders from disk, with the path rules of our own design (issue 5: no {@code ..}, no absolute paths,
 * no symbolic links leaving the folder) and the layout Kubernetes gives a mounted ConfigMap.
 */
class PluginFoldersTest {

    private final Path plugins = PluginFixtures.pluginsFolder();

    private RejectedPlugin onlyRejection(PluginCatalog catalog) {
        assertEquals(List.of(), catalog.plugins(), "no plugin should load");
        assertEquals(1, catalog.rejected().size(), catalog.rejected().toString());
        return catalog.rejected().get(0);
    }

    @Test
    void migrationsAreOrderedByTheirNumberNotByTheirName() {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"),
                "V10__ten.sql", "SELECT 10;", "V2__two.sql", "SELECT 2;", "V1__one.sql", "SELECT 1;");

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertEquals(List.of(), catalog.rejected());
        PluginDefinition notes = catalog.plugin("notes").orElseThrow();
        assertEquals(List.of(1, 2, 10), notes.migrations().stream().map(PluginMigrationFile::version).toList());
        assertEquals("V10__ten.sql", notes.migrations().get(2).fileName());
    }

    @Test
    void theChecksumIsTheSha256OfTheFileBytes() {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1__one.sql", "abc");

        // SHA-256("abc") from FIPS 180-2, appendix B.1.
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                PluginFolders.scan(plugins).plugin("notes").orElseThrow().migrations().get(0).checksum());
    }

    @Test
    void aMissingPluginsFolderMeansNoPlugins() {
        PluginCatalog catalog = PluginFolders.scan(plugins.resolve("absent"));

        assertNull(catalog.error());
        assertEquals(List.of(), catalog.plugins());
    }

    @Test
    void aPluginWithoutAMigrationsFolderHasNoMigrationsUnlessTheManifestNamesOne() throws IOException {
        Path bare = Files.createDirectories(plugins.resolve("bare"));
        Files.writeString(bare.resolve("plugin.json"), PluginFixtures.manifest("bare"));
        Path declared = Files.createDirectories(plugins.resolve("declared"));
        Files.writeString(declared.resolve("plugin.json"),
                "{\"key\": \"declared\", \"version\": \"1\", \"migrations\": \"sql\"}");

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertEquals(List.of(), catalog.plugin("bare").orElseThrow().migrations());
        assertTrue(catalog.rejected("declared").orElseThrow().reason().contains("'sql' does not exist"));
    }

    @Test
    void hiddenEntriesAndOtherFilesAreSkipped() throws IOException {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1__one.sql", "SELECT 1;",
                "README.md", "docs", ".V2__draft.sql", "SELECT 2;");
        Files.createDirectories(plugins.resolve(".cache"));
        Files.writeString(plugins.resolve("README"), "not a plugin");

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertEquals(List.of(), catalog.rejected());
        assertEquals(1, catalog.plugins().size());
        assertEquals(1, catalog.plugins().get(0).migrations().size());
    }

    @Test
    void aSqlFileThatIsNotNamedLikeAMigrationRejectsThePlugin() {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1_one.sql", "SELECT 1;");

        RejectedPlugin rejected = onlyRejection(PluginFolders.scan(plugins));

        assertEquals("notes", rejected.key());
        assertTrue(rejected.reason().contains("'migrations/V1_one.sql' is not named V<n>__<name>.sql"),
                rejected.reason());
    }

    @Test
    void twoFilesWithTheSameVersionRejectThePlugin() {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1__one.sql", "SELECT 1;",
                "V01__again.sql", "SELECT 1;");

        assertTrue(onlyRejection(PluginFolders.scan(plugins)).reason().contains("version 1 is defined twice"));
    }

    @Test
    void versionZeroIsRefused() {
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V0__zero.sql", "SELECT 1;");

        assertTrue(onlyRejection(PluginFolders.scan(plugins)).reason().contains("versions start at 1"));
    }

    @Test
    void aMigrationLinkedToAFileOutsideThePluginFolderIsRefused() throws IOException {
        Path secret = TestFolders.create("cpdb-outside").resolve("secret.sql");
        Files.writeString(secret, "DROP TABLE public.companies;");
        Path plugin = PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"));
        Files.createSymbolicLink(plugin.resolve("migrations/V1__steal.sql"), secret);

        RejectedPlugin rejected = onlyRejection(PluginFolders.scan(plugins));

        assertTrue(rejected.reason().contains("'migrations/V1__steal.sql' is a link to a place outside the plugin "
                + "folder"), rejected.reason());
    }

    @Test
    void aLinkToASiblingPluginFolderCountsAsOutside() throws IOException {
        PluginFixtures.writePlugin(plugins, "other", PluginFixtures.manifest("other"), "V1__x.sql", "SELECT 1;");
        Path plugin = PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"));
        Files.createSymbolicLink(plugin.resolve("migrations/V1__x.sql"), Path.of("../../other/migrations/V1__x.sql"));

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertTrue(catalog.rejected("notes").orElseThrow().reason().contains("outside the plugin folder"));
        assertTrue(catalog.plugin("other").isPresent(), "the other plugin is not affected");
    }

    @Test
    void aMigrationsFolderLinkedOutsideThePluginFolderIsRefused() throws IOException {
        Path elsewhere = TestFolders.create("cpdb-outside");
        Files.writeString(elsewhere.resolve("V1__x.sql"), "SELECT 1;");
        Path plugin = Files.createDirectories(plugins.resolve("notes"));
        Files.writeString(plugin.resolve("plugin.json"), PluginFixtures.manifest("notes"));
        Files.createSymbolicLink(plugin.resolve("migrations"), elsewhere);

        assertTrue(onlyRejection(PluginFolders.scan(plugins)).reason().contains("'migrations' is a link to a place "
                + "outside the plugin folder"));
    }

    @Test
    void aPluginFolderLinkedFromElsewhereIsRefused() throws IOException {
        Path elsewhere = TestFolders.create("cpdb-outside");
        PluginFixtures.writePlugin(elsewhere, "notes", PluginFixtures.manifest("notes"), "V1__x.sql", "SELECT 1;");
        Files.createSymbolicLink(plugins.resolve("notes"), elsewhere.resolve("notes"));

        assertTrue(onlyRejection(PluginFolders.scan(plugins)).reason().contains("outside the plugins folder"));
    }

    @Test
    void aManifestLinkedOutsideIsRefused() throws IOException {
        Path elsewhere = TestFolders.create("cpdb-outside").resolve("plugin.json");
        Files.writeString(elsewhere, PluginFixtures.manifest("notes"));
        Path plugin = Files.createDirectories(plugins.resolve("notes"));
        Files.createSymbolicLink(plugin.resolve("plugin.json"), elsewhere);

        RejectedPlugin rejected = onlyRejection(PluginFolders.scan(plugins));

        assertNull(rejected.key(), "the manifest was never read");
        assertTrue(rejected.reason().contains("'plugin.json' is a link to a place outside"), rejected.reason());
    }

    /**
     * A ConfigMap volume is made of links that stay inside the mount: {@code plugin.json -> ..data/plugin.json},
     * {@code ..data -> ..2024_01_01_00_00_00.1}. That layout must load.
     */
    @Test
    void theLinkLayoutOfAKubernetesConfigMapVolumeLoads() throws IOException {
        Path plugin = Files.createDirectories(plugins.resolve("notes"));
        Path timestamped = Files.createDirectories(plugin.resolve("..2024_01_01_00_00_00.1/migrations"));
        Files.writeString(timestamped.getParent().resolve("plugin.json"), PluginFixtures.manifest("notes"));
        Files.writeString(timestamped.resolve("V1__init.sql"), "CREATE TABLE t (id int);");
        Files.createSymbolicLink(plugin.resolve("..data"), Path.of("..2024_01_01_00_00_00.1"));
        Files.createSymbolicLink(plugin.resolve("plugin.json"), Path.of("..data/plugin.json"));
        Files.createSymbolicLink(plugin.resolve("migrations"), Path.of("..data/migrations"));

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertEquals(List.of(), catalog.rejected());
        assertEquals(1, catalog.plugin("notes").orElseThrow().migrations().size());
    }

    @Test
    void aMissingManifestRejectsTheFolderWithoutAKey() throws IOException {
        Files.createDirectories(plugins.resolve("empty"));

        RejectedPlugin rejected = onlyRejection(PluginFolders.scan(plugins));

        assertEquals("empty", rejected.folderName());
        assertTrue(rejected.reason().contains("has no plugin.json"));
    }

    @Test
    void aMigrationThatIsNotUtf8IsRefused() throws IOException {
        Path plugin = PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"));
        Files.write(plugin.resolve("migrations/V1__latin1.sql"), "SELECT 'caf\u00e9';".getBytes(
                StandardCharsets.ISO_8859_1));

        assertTrue(onlyRejection(PluginFolders.scan(plugins)).reason().contains("not valid UTF-8"));
    }

    @Test
    void twoFoldersDeclaringOneKeyAreBothRejectedBecauseNeitherCanBeChosenSafely() {
        PluginFixtures.writePlugin(plugins, "notes-a", PluginFixtures.manifest("notes"), "V1__x.sql", "SELECT 1;");
        PluginFixtures.writePlugin(plugins, "notes-b", PluginFixtures.manifest("notes"), "V1__x.sql", "SELECT 2;");
        PluginFixtures.writePlugin(plugins, "other", PluginFixtures.manifest("other"));

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertEquals(List.of("other"), catalog.plugins().stream().map(PluginDefinition::key).toList());
        assertEquals(2, catalog.rejected().size());
        assertTrue(catalog.rejected().get(0).reason().contains("declared by the folders notes-a, notes-b"));
    }

    @Test
    void aBadFolderNeverStopsTheOthersFromLoading() throws IOException {
        Files.createDirectories(plugins.resolve("broken"));
        Files.writeString(plugins.resolve("broken/plugin.json"), "{not json");
        PluginFixtures.writePlugin(plugins, "notes", PluginFixtures.manifest("notes"), "V1__x.sql", "SELECT 1;");

        PluginCatalog catalog = PluginFolders.scan(plugins);

        assertTrue(catalog.plugin("notes").isPresent());
        assertTrue(catalog.rejected().get(0).reason().contains("not valid JSON"));
    }
}
