package dev.cpdb.database.simple;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Where parameters are found in a statement. Expectations follow PostgreSQL's lexical rules: {@code $n} is a
 * parameter only outside string constants, quoted identifiers, dollar quotes and comments, and not inside an
 * identifier.
 */
class StatementTemplateTest {

    private static String render(String sql, String... literals) {
        return StatementTemplate.parse(sql).render(literals);
    }

    @Test
    void parametersAreReplacedWhereverTheyStandInTheStatementText() {
        assertEquals("SELECT a FROM t WHERE id = X AND (Y IS NULL OR b = Y) LIMIT Z",
                render("SELECT a FROM t WHERE id = $1 AND ($2 IS NULL OR b = $2) LIMIT $3", "X", "Y", "Z"));
        assertEquals("VALUES (X,Y)", render("VALUES ($1,$2)", "X", "Y"));
        assertEquals("SELECT X::uuid", render("SELECT $1::uuid", "X"));
    }

    @Test
    void theParameterCountIsTheHighestNumberUsed() {
        assertEquals(3, StatementTemplate.parse("SELECT $3, $1, $1").parameterCount());
        assertEquals(0, StatementTemplate.parse("SELECT 1").parameterCount());
    }

    @Test
    void dollarDigitsInsideStringConstantsAreLeftAlone() {
        assertEquals("SELECT '$1', X", render("SELECT '$1', $1", "X"));
        assertEquals("SELECT 'it''s $1', X", render("SELECT 'it''s $1', $1", "X"));
        assertEquals("SELECT E'\\' $1', X", render("SELECT E'\\' $1', $1", "X"));
        assertEquals("SELECT jsonb_path_exists(c, '$.env.* ? (exists (@.value))') AND X",
                render("SELECT jsonb_path_exists(c, '$.env.* ? (exists (@.value))') AND $1", "X"));
    }

    @Test
    void dollarDigitsInsideQuotedIdentifiersCommentsAndDollarQuotesAreLeftAlone() {
        assertEquals("SELECT \"col$1\" FROM t WHERE x = X", render("SELECT \"col$1\" FROM t WHERE x = $1", "X"));
        assertEquals("SELECT X -- not $2\n, Y", render("SELECT $1 -- not $2\n, $2", "X", "Y"));
        assertEquals("SELECT /* $2 /* nested $2 */ still $2 */ X",
                render("SELECT /* $2 /* nested $2 */ still $2 */ $1", "X"));
        assertEquals("SELECT $$ $1 $$, $body$ $1 $$ $1 $body$, X",
                render("SELECT $$ $1 $$, $body$ $1 $$ $1 $body$, $1", "X"));
    }

    @Test
    void dollarDigitsThatArePartOfAnIdentifierAreLeftAlone() {
        assertEquals("SELECT a$1 FROM t WHERE b = X", render("SELECT a$1 FROM t WHERE b = $1", "X"));
    }

    @Test
    void unterminatedConstantsAreRefusedRatherThanGuessed() {
        assertThrows(IllegalArgumentException.class, () -> StatementTemplate.parse("SELECT 'open $1"));
        assertThrows(IllegalArgumentException.class, () -> StatementTemplate.parse("SELECT $q$ open $1"));
    }
}
