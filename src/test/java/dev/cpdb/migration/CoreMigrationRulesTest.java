package dev.cpdb.migration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.cpdb.migration.CoreMigrationRules.MigrationFile;
import dev.cpdb.migration.CoreMigrationRules.Violation;

/**
 * Every core migration follows the rolling-upgrade rules of docs/migrations.md that can be checked in its text, and
 * the checker itself catches each rule (PostgreSQL's locking behaviour is where the rules come from: a table rewrite
 * or full scan holds ACCESS EXCLUSIVE, a plain index build holds SHARE, for as long as they take).
 */
class CoreMigrationRulesTest {

    private static final MigrationFile EXISTING = new MigrationFile("V1__base.sql",
            "CREATE TABLE public.companies (id uuid PRIMARY KEY);\n"
                    + "CREATE TABLE public.activity_log (id bigint, company_id uuid, note text);");

    private static List<Violation> check(String sql) {
        return CoreMigrationRules.check(List.of(EXISTING, new MigrationFile("V2__change.sql", sql)));
    }

    private static List<String> rules(String sql) {
        return check(sql).stream().map(Violation::rule).toList();
    }

    @Test
    void everyCoreMigrationFileFollowsTheRollingUpgradeRules() throws IOException {
        List<MigrationFile> files;
        try (Stream<Path> listing = Files.list(Path.of("src/main/resources/db/migration"))) {
            files = listing.filter(file -> file.getFileName().toString().matches("V\\d+__.+\\.sql"))
                    .sorted(Comparator.comparingInt(CoreMigrationRulesTest::version))
                    .map(CoreMigrationRulesTest::read)
                    .toList();
        }
        assertTrue(files.size() >= 10, "the core migrations were found");
        List<Violation> violations = CoreMigrationRules.check(files);
        assertEquals(List.of(), violations, "see docs/migrations.md, \"Rolling upgrades\"");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ALTER TABLE public.companies ADD COLUMN token uuid DEFAULT gen_random_uuid()|volatile-default",
            "ALTER TABLE companies ADD COLUMN n bigserial|volatile-default",
            "ALTER TABLE public.companies ADD COLUMN seen timestamptz DEFAULT clock_timestamp()|volatile-default",
            "ALTER TABLE public.companies ADD COLUMN n int GENERATED ALWAYS AS IDENTITY|volatile-default",
            "ALTER TABLE public.companies ADD COLUMN region text NOT NULL|not-null-without-default",
            "ALTER TABLE public.companies ALTER COLUMN id TYPE text|column-type-change",
            "ALTER TABLE public.activity_log ALTER note SET DATA TYPE varchar(20)|column-type-change",
            "ALTER TABLE public.activity_log ALTER COLUMN note SET NOT NULL|set-not-null",
            "CREATE INDEX activity_log_note_idx ON public.activity_log (note)|blocking-index",
            "CREATE UNIQUE INDEX activity_log_id_key ON activity_log (id)|blocking-index",
            "ALTER TABLE public.activity_log ADD CONSTRAINT activity_log_pk PRIMARY KEY (id)|blocking-index",
            "CREATE INDEX CONCURRENTLY activity_log_note_idx ON public.activity_log (note)|concurrent-index-retry",
            "ALTER TABLE public.activity_log ADD CONSTRAINT fk FOREIGN KEY (company_id) REFERENCES "
                    + "public.companies (id)|validating-constraint",
            "ALTER TABLE public.activity_log ADD COLUMN owner uuid REFERENCES public.companies (id)"
                    + "|validating-constraint",
            "ALTER TABLE public.companies ADD CHECK (id IS NOT NULL)|validating-constraint",
            "ALTER TABLE public.activity_log DROP COLUMN note|contract-step",
            "ALTER TABLE public.activity_log RENAME COLUMN note TO remark|contract-step",
            "ALTER TABLE public.activity_log RENAME TO activities|contract-step",
            "DROP TABLE public.activity_log|contract-step",
    })
    void eachRuleIsCaughtOnAnExistingTable(String sql, String rule) {
        assertEquals(List.of(rule), rules(sql), sql);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "ALTER TABLE public.companies ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()",
            "ALTER TABLE public.companies ADD COLUMN region text NOT NULL DEFAULT 'eu'",
            "ALTER TABLE public.companies ADD COLUMN note text",
            "CREATE INDEX companies_name_idx ON public.companies (id)",
            "DROP INDEX CONCURRENTLY IF EXISTS public.activity_log_note_idx; "
                    + "CREATE INDEX CONCURRENTLY activity_log_note_idx ON public.activity_log (note)",
            "ALTER TABLE public.activity_log ADD CONSTRAINT fk FOREIGN KEY (company_id) REFERENCES "
                    + "public.companies (id) NOT VALID",
            "ALTER TABLE public.activity_log VALIDATE CONSTRAINT fk",
            "ALTER TABLE public.activity_log ALTER COLUMN note DROP NOT NULL",
            "ALTER TABLE public.activity_log DROP CONSTRAINT fk",
            "CREATE TABLE public.fresh (id int); ALTER TABLE public.fresh ALTER COLUMN id TYPE bigint; "
                    + "CREATE INDEX fresh_idx ON public.fresh (id); DROP TABLE public.fresh",
            "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE public.companies "
                    + "DROP COLUMN id; END $$",
            "COMMENT ON COLUMN public.companies.id IS 'ALTER TABLE public.companies DROP COLUMN id; x'",
    })
    void whatKeepsTheRunningReleaseWorkingPasses(String sql) {
        assertEquals(List.of(), check(sql), sql);
    }

    @Test
    void aReviewedExceptionWithAReasonLetsTheStatementPass() {
        String sql = "-- rolling-upgrade-exception: contract-step release 1.4 stopped reading note (issue 42)\n"
                + "ALTER TABLE public.activity_log DROP COLUMN note;";
        assertEquals(List.of(), check(sql));
    }

    @Test
    void anExceptionCoversOnlyTheRuleItNames() {
        String sql = "-- rolling-upgrade-exception: contract-step release 1.4 stopped reading note (issue 42)\n"
                + "ALTER TABLE public.activity_log DROP COLUMN note;\n"
                + "ALTER TABLE public.activity_log ALTER COLUMN company_id TYPE text;";
        assertEquals(List.of("column-type-change"), rules(sql));
    }

    @Test
    void anExceptionWithoutAReasonAnUnknownRuleAndAnUnusedMarkerAreViolations() {
        assertEquals(List.of("contract-step", "contract-step"),
                rules("-- rolling-upgrade-exception: contract-step\nALTER TABLE public.activity_log DROP note;"));
        assertEquals(List.of("no-such-rule"), rules("-- rolling-upgrade-exception: no-such-rule because I say so\n"
                + "SELECT 1;"));
        List<Violation> unused = check("-- rolling-upgrade-exception: set-not-null reviewed long ago, still here\n"
                + "ALTER TABLE public.companies ADD COLUMN note text;");
        assertEquals(1, unused.size());
        assertTrue(unused.get(0).detail().contains("breaks no such rule"), unused.toString());
    }

    @Test
    void aViolationNamesTheFileTheTableAndWhatToDoInstead() {
        Violation violation = check("ALTER TABLE public.companies ALTER COLUMN id TYPE text;").get(0);
        assertEquals("V2__change.sql", violation.file());
        assertTrue(violation.detail().startsWith("companies: alter column id type text rewrites the table"),
                violation.detail());
        assertFalse(violation.detail().isBlank());
    }

    private static int version(Path file) {
        String name = file.getFileName().toString();
        return Integer.parseInt(name.substring(1, name.indexOf("__")));
    }

    private static MigrationFile read(Path file) {
        try {
            return new MigrationFile(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
