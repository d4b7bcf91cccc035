package dev.cpdb.database;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Finds SQL that leaves state on a server connection beyond its transaction, which a transaction pooler would
 * hand to another client: session {@code SET}/{@code RESET}/{@code DISCARD}, {@code LISTEN}, session advisory
 * locks, temporary tables, {@code WITH HOLD} cursors and named {@code PREPARE}d statements.
 *
 * <p>
 * It works on Java source text: string literals (text blocks included) are collected, literals joined with
 * {@code +} are read as one SQL text, and comments are ignored. Statement keywords count only where a statement
 * starts (the start of the text or after a semicolon), so {@code UPDATE t SET c = 1} is not a session {@code SET}.
 */
final class PoolerUnsafeSql {

    private static final int FLAGS = Pattern.CASE_INSENSITIVE;

    /** Rules checked where a statement starts. */
    private static final List<Rule> STATEMENT_RULES = List.of(
            new Rule("session SET (use SET LOCAL or set_config(name, value, true) inside a transaction)",
                    Pattern.compile("^SET\\s+(?!LOCAL\\b|TRANSACTION\\b|CONSTRAINTS?\\b)"
                            + "(SESSION\\b|ROLE\\b|TIME\\s+ZONE\\b|SCHEMA\\b|NAMES\\b|[\\w.\"]+\\s*(=|TO\\b))",
                            FLAGS)),
            new Rule("RESET (undoes session state on a server connection shared with other clients)",
                    Pattern.compile("^RESET\\s+(SESSION\\s+AUTHORIZATION|[\\w.\"]+)\\s*(;|$)", FLAGS)),
            new Rule("DISCARD (affects a server connection shared with other clients)",
                    Pattern.compile("^DISCARD\\s+(ALL|PLANS|SEQUENCES|TEMP|TEMPORARY)\\b", FLAGS)),
            new Rule("LISTEN (notifications go to whichever client holds the server connection)",
                    Pattern.compile("^LISTEN\\s+[\\w\"]", FLAGS)),
            new Rule("PREPARE (named prepared statements live on one server connection)",
                    Pattern.compile("^PREPARE\\s+(TRANSACTION\\b|[\\w\"]+\\s*(\\(|AS\\b))", FLAGS)));

    /** Rules checked anywhere in the SQL text. */
    private static final List<Rule> ANYWHERE_RULES = List.of(
            new Rule("session advisory lock (use pg_advisory_xact_lock, or take it on the direct path)",
                    Pattern.compile("\\bpg_(try_)?advisory_(un)?lock(_shared|_all)?\\s*\\(", FLAGS)),
            new Rule("temporary table (lives on one server connection)",
                    Pattern.compile("\\bCREATE\\s+((GLOBAL|LOCAL)\\s+)?TEMP(ORARY)?\\s+(TABLE|VIEW|SEQUENCE)\\b"
                            + "|\\bINTO\\s+TEMP(ORARY)?\\s+(TABLE\\s+)?[\\w\"]", FLAGS)),
            new Rule("WITH HOLD cursor (outlives its transaction)",
                    Pattern.compile("\\bWITH\\s+HOLD\\b", FLAGS)));

    private static final Pattern LEADING_COMMENTS = Pattern.compile("^(\\s+|--[^\\n]*(\\n|$)|/\\*.*?\\*/)*",
            Pattern.DOTALL);

    private PoolerUnsafeSql() {
    }

    private record Rule(String problem, Pattern pattern) {
    }

    /** A problem found in a SQL text; {@code line} is where the text starts in its source (1 for plain SQL). */
    record Finding(int line, String problem, String sql) {

        @Override
        public String toString() {
            return "line " + line + ": " + problem + " in \"" + sql.strip().replaceAll("\\s+", " ") + "\"";
        }
    }

    /** The problems in one SQL text. */
    static List<Finding> inSql(String sql) {
        return inSql(sql, 1);
    }

    /** The problems in every string literal (or chain of literals joined by {@code +}) of a Java source file. */
    static List<Finding> inJavaSource(String source) {
        List<Finding> findings = new ArrayList<>();
        for (SqlText text : literals(source)) {
            findings.addAll(inSql(text.text(), text.line()));
        }
        return findings;
    }

    /** String literals of a Java source, chains joined; exposed so tests can check the scanner really reads them. */
    static List<SqlText> literals(String source) {
        return new LiteralReader(source).read();
    }

    /** A piece of text built from string literals and the line where it starts. */
    record SqlText(int line, String text) {
    }

    private static List<Finding> inSql(String sql, int line) {
        List<Finding> findings = new ArrayList<>();
        for (String statement : sql.split(";")) {
            String start = LEADING_COMMENTS.matcher(statement).replaceFirst("");
            for (Rule rule : STATEMENT_RULES) {
                if (rule.pattern().matcher(start).find()) {
                    findings.add(new Finding(line, rule.problem(), sql));
                }
            }
        }
        for (Rule rule : ANYWHERE_RULES) {
            if (rule.pattern().matcher(sql).find()) {
                findings.add(new Finding(line, rule.problem(), sql));
            }
        }
        return findings;
    }

    /**
     * A small Java lexer that knows just enough (comments, character literals, strings, text blocks and the
     * {@code +} between them) to pull out the string literals.
     */
    private static final class LiteralReader {

        private final String source;
        private final List<SqlText> texts = new ArrayList<>();
        private int position;
        private int line = 1;
        private char lastSignificant;
        private StringBuilder chain;
        private int chainLine;
        private int pendingLine;

        LiteralReader(String source) {
            this.source = source;
        }

        List<SqlText> read() {
            while (position < source.length()) {
                char c = source.charAt(position);
                if (source.startsWith("//", position)) {
                    skipUntil("\n");
                } else if (source.startsWith("/*", position)) {
                    advance(2);
                    skipUntil("*/");
                    advance(2);
                } else if (source.startsWith("\"\"\"", position)) {
                    literal(readTextBlock());
                } else if (c == '"') {
                    literal(readString());
                } else if (c == '\'') {
                    readCharLiteral();
                } else {
                    if (!Character.isWhitespace(c)) {
                        lastSignificant = c;
                    }
                    advance(1);
                }
            }
            flush();
            return texts;
        }

        private void literal(String value) {
            // lastSignificant still holds what came before the literal's opening quote.
            if (chain != null && lastSignificant == '+') {
                chain.append(value);
            } else {
                flush();
                chain = new StringBuilder(value);
                chainLine = pendingLine;
            }
            lastSignificant = '"';
        }

        private void flush() {
            if (chain != null) {
                texts.add(new SqlText(chainLine, chain.toString()));
                chain = null;
            }
        }

        private String readString() {
            pendingLine = line;
            advance(1);
            StringBuilder value = new StringBuilder();
            while (position < source.length() && source.charAt(position) != '"') {
                if (source.charAt(position) == '\n') {
                    break;
                }
                readCharacter(value);
            }
            advance(1);
            return value.toString();
        }

        private String readTextBlock() {
            pendingLine = line;
            advance(3);
            StringBuilder value = new StringBuilder();
            while (position < source.length() && !source.startsWith("\"\"\"", position)) {
                readCharacter(value);
            }
            advance(3);
            return value.toString();
        }

        private void readCharLiteral() {
            advance(1);
            while (position < source.length() && source.charAt(position) != '\'') {
                if (source.charAt(position) == '\n') {
                    break;
                }
                readCharacter(new StringBuilder());
            }
            advance(1);
            lastSignificant = '\'';
        }

        /** One character of a literal; escapes are kept as the character they stand for when it matters. */
        private void readCharacter(StringBuilder value) {
            char c = source.charAt(position);
            if (c == '\\' && position + 1 < source.length()) {
                char escaped = source.charAt(position + 1);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 't' -> '\t';
                    case 'r' -> '\r';
                    default -> escaped;
                });
                advance(2);
                return;
            }
            value.append(c);
            advance(1);
        }

        private void skipUntil(String end) {
            while (position < source.length() && !source.startsWith(end, position)) {
                advance(1);
            }
        }

        private void advance(int count) {
            for (int i = 0; i < count && position < source.length(); i++) {
                if (source.charAt(position) == '\n') {
                    line++;
                }
                position++;
            }
        }
    }
}
