package dev.cpdb.backup.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * The pattern rules of schema selection. Expectations come from pg_dump's documented pattern rules (the same as
 * psql's {@code \d} patterns: case folding, double quotes, {@code *} and {@code ?}, {@code --strict-names}, qualified
 * names checked against the database) and from cpdb's design where they differ: other characters are literal, and the
 * default leaves out schemas owned by roles the user is not a member of.
 */
class SchemaSelectionTest {

    private static boolean matches(String pattern, String schema) {
        return SchemaSelection.NamePattern.parse(pattern).matches(schema);
    }

    private static SchemaSelection.Candidate mine(String name) {
        return new SchemaSelection.Candidate(name, "app", true);
    }

    private static SchemaSelection.Candidate platforms(String name) {
        return new SchemaSelection.Candidate(name, "platform_admin", false);
    }

    @Test
    void unquotedLettersFoldToLowerCase() {
        assertTrue(matches("Sales", "sales"));
        assertFalse(matches("Sales", "Sales"));
        assertTrue(matches("SALES_2024", "sales_2024"));
    }

    @Test
    void doubleQuotesKeepCaseAndMakeWildcardsAndDotsLiteral() {
        assertTrue(matches("\"Sales\"", "Sales"));
        assertFalse(matches("\"Sales\"", "sales"));
        assertTrue(matches("\"a*b\"", "a*b"));
        assertFalse(matches("\"a*b\"", "axxb"));
        assertTrue(matches("\"a?b\"", "a?b"));
        assertFalse(matches("\"a?b\"", "axb"));
        assertTrue(matches("\"a.b\"", "a.b"));
        assertTrue(matches("\"say \"\"hi\"\"\"", "say \"hi\""));
        // Quoted and unquoted parts join into one name, as in psql: the unquoted part still folds.
        assertTrue(matches("App\"_X\"", "app_X"));
    }

    @Test
    void starMatchesAnySequenceAndQuestionMarkOneCharacter() {
        assertTrue(matches("app_*", "app_"));
        assertTrue(matches("app_*", "app_billing"));
        assertFalse(matches("app_*", "xapp_billing"));
        assertTrue(matches("*", "anything at all"));
        assertTrue(matches("t?", "t1"));
        assertFalse(matches("t?", "t"));
        assertFalse(matches("t?", "t12"));
    }

    @Test
    void theWholeNameMustMatch() {
        assertFalse(matches("auth", "auth_extra"));
        assertFalse(matches("auth", "my_auth"));
    }

    @Test
    void regularExpressionCharactersStandForThemselves() {
        assertTrue(matches("a+b", "a+b"));
        assertFalse(matches("a+b", "aab"));
        assertTrue(matches("x[1]", "x[1]"));
        assertFalse(matches("x[1]", "x1"));
        assertTrue(matches("a|b", "a|b"));
        assertFalse(matches("a|b", "a"));
        assertTrue(matches("$x^", "$x^"));
        assertTrue(matches("back\\slash", "back\\slash"));
    }

    @Test
    void aQualifiedPatternNamesTheDatabase() {
        SchemaSelection.NamePattern pattern = SchemaSelection.NamePattern.parse("Shop.app_*");
        assertEquals("shop", pattern.database());
        assertTrue(pattern.matches("app_x"));
        assertEquals("Shop", SchemaSelection.NamePattern.parse("\"Shop\".app").database());
        assertEquals(null, SchemaSelection.NamePattern.parse("app").database());
    }

    @Test
    void malformedPatternsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SchemaSelection.of(List.of(""), List.of()))
                .getMessage().contains("empty"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SchemaSelection.of(List.of("\"open"), List.of())).getMessage().contains("unterminated"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SchemaSelection.of(List.of(), List.of("a.b.c"))).getMessage().contains("too many dotted"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SchemaSelection.of(List.of("db."), List.of())).getMessage().contains("empty name part"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SchemaSelection.of(List.of(".app"), List.of())).getMessage().contains("empty name part"));
    }

    @Test
    void settingsSplitAtCommasOutsideQuotes() {
        assertEquals(List.of("auth", "storage", "\"a,b\""), SchemaSelection.splitSetting(" auth, storage ,,\"a,b\""));
        assertEquals(List.of(), SchemaSelection.splitSetting(" "));
    }

    @Test
    void byDefaultSchemasOwnedByOtherRolesAreLeftOutAndNamed() {
        SchemaSelection.Outcome outcome = SchemaSelection.DEFAULT.resolve("postgres",
                List.of(mine("app"), platforms("auth"), platforms("public"), platforms("storage")));

        // public is the users' schema by convention, whoever owns it.
        assertEquals(List.of("app", "public"), outcome.schemas());
        assertEquals(List.of("auth", "storage"), outcome.leftOut().stream().map(SchemaSelection.LeftOut::schema)
                .toList());
        assertTrue(outcome.leftOut().get(0).reason().contains("platform_admin"), outcome.leftOut().get(0).reason());
    }

    @Test
    void anIncludePatternBacksUpASchemaOfAnotherOwner() {
        SchemaSelection.Outcome outcome = SchemaSelection.of(List.of("auth", "app"), List.of()).resolve("postgres",
                List.of(mine("app"), platforms("auth"), mine("other")));

        assertEquals(List.of("app", "auth"), outcome.schemas());
        assertEquals("not matched by any include pattern", outcome.leftOut().get(0).reason());
    }

    @Test
    void exclusionWinsOverInclusion() {
        SchemaSelection.Outcome outcome = SchemaSelection.of(List.of("app_*"), List.of("app_tmp*")).resolve("db",
                List.of(mine("app_main"), mine("app_tmp1"), mine("public")));

        assertEquals(List.of("app_main"), outcome.schemas());
        assertEquals(new SchemaSelection.LeftOut("app_tmp1", "excluded by pattern \"app_tmp*\""),
                outcome.leftOut().get(0));
    }

    @Test
    void anIncludePatternThatMatchesNothingIsAnErrorNamingIt() {
        BackupException e = assertThrows(BackupException.class, () -> SchemaSelection
                .of(List.of("app", "Missing*", "\"App\""), List.of()).resolve("db", List.of(mine("app"))));

        assertTrue(e.getMessage().contains("\"Missing*\" matches no schema"), e.getMessage());
        assertTrue(e.getMessage().contains("\"\"App\"\" matches no schema"), e.getMessage());
        assertFalse(e.getMessage().contains("\"app\" matches"), e.getMessage());
    }

    @Test
    void anExcludePatternThatMatchesNothingIsRecordedNotAnError() {
        SchemaSelection.Outcome outcome = SchemaSelection.of(List.of(), List.of("pgsodium", "aud*"))
                .resolve("db", List.of(mine("app"), mine("audit")));

        assertEquals(List.of("app"), outcome.schemas());
        assertEquals(List.of("pgsodium"), outcome.unmatchedExcludes());
    }

    @Test
    void aPatternQualifiedWithAnotherDatabaseIsRefused() {
        BackupException e = assertThrows(BackupException.class,
                () -> SchemaSelection.of(List.of("other.app"), List.of()).resolve("shop", List.of(mine("app"))));
        assertTrue(e.getMessage().contains("cross-database"), e.getMessage());

        assertEquals(List.of("app"), SchemaSelection.of(List.of("shop.app"), List.of()).resolve("shop",
                List.of(mine("app"), mine("b"))).schemas());
    }

    @Test
    void aSelectionThatLeavesNothingIsRefused() {
        BackupException e = assertThrows(BackupException.class,
                () -> SchemaSelection.of(List.of("app"), List.of("a*")).resolve("db", List.of(mine("app"))));
        assertTrue(e.getMessage().contains("no schema to back up"), e.getMessage());
    }

    @Test
    void extensionsInLeftOutSchemasLeaveThePlan() {
        DumpPlan plan = new DumpPlan(List.of("app"), List.of(
                "CREATE SCHEMA \"app\";",
                "CREATE EXTENSION IF NOT EXISTS \"pgcrypto\" WITH SCHEMA \"extensions\";",
                "COMMENT ON EXTENSION \"pgcrypto\" IS 'cryptographic functions';",
                "CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"app\";",
                "COMMENT ON EXTENSION \"citext\" IS 'text';"), List.of(), List.of(), List.of());
        SchemaSelection.Outcome outcome = SchemaSelection.DEFAULT.resolve("db",
                List.of(mine("app"), platforms("extensions")));

        assertEquals(List.of("CREATE SCHEMA \"app\";",
                "CREATE EXTENSION IF NOT EXISTS \"citext\" WITH SCHEMA \"app\";",
                "COMMENT ON EXTENSION \"citext\" IS 'text';"),
                SchemaSelection.withoutLeftOutExtensions(plan, outcome).preData());
    }
}
