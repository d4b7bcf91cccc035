package dev.cpdb.backup.engine;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.postgresql.core.Parser;

/**
 * The closed grammar of a backup script: every statement form {@link BackupEngine} (with {@link CatalogReader} and
 * {@link PrivilegeReader}) writes, and nothing else. A restore refuses a script with any other statement before it
 * runs the first one, so a script someone else wrote into the store cannot end the restore's transaction, copy to a
 * file or program, change roles or server settings.
 *
 * <p>
 * A form matches the statement's text (comments removed, no final semicolon) from its first word; where a form only
 * fixes the start ({@link #head}), what follows stays inside that one statement, because the reader splits
 * statements the way the server does. Keywords that must not appear anywhere at the top level (outside quotes and
 * dollar-quoted bodies) are checked on the statement's shape. Adding an object kind to the engine means adding its
 * forms here, in the section of the phase that writes it.
 */
final class ScriptForms {

    /** What a form does, which decides when it is accepted. */
    enum Kind {
        /** Session settings of the script's header. */
        SETTING,
        /** Definitions of schema objects and the data's bookkeeping (sequence values). */
        DEFINITION,
        /** {@code COPY ... FROM stdin}, followed by its data block. */
        DATA,
        /** Owners, privileges and default privileges: only in a backup with owners and privileges. */
        OWNERSHIP,
        /** {@code SET SESSION AUTHORIZATION role}: only right before one {@code GRANT}, then reset. */
        GRANTOR,
        /** {@code RESET SESSION AUTHORIZATION}: only right after such a {@code GRANT}. */
        GRANTOR_RESET
    }

    /** One accepted statement form. */
    record Form(String name, Kind kind, Pattern pattern, boolean hexAside) {

        Form(String name, Kind kind, Pattern pattern) {
            this(name, kind, pattern, false);
        }

        boolean matches(String sql) {
            Matcher matcher = matcher(sql);
            return matcher != null && matcher.matches();
        }

        /**
         * A matcher of the pattern over {@code sql}, or over {@code sql} without the hex digits of its bytea literal
         * for a form that sets them aside; null when that literal holds anything else.
         */
        Matcher matcher(String sql) {
            String text = hexAside ? withoutHexDigits(sql) : sql;
            return text == null ? null : pattern.matcher(text);
        }
    }

    /** A name as the engine writes it: double-quoted, or bare where the server's own definition writes it so. */
    private static final String IDENT = "(?:\"(?:[^\"]|\"\")+\"|[\\p{L}_][\\p{L}\\p{N}_$]*)";
    /** A schema-qualified name. */
    private static final String QUALIFIED = IDENT + "\\." + IDENT;
    private static final String LITERAL = "'(?:[^']|'')*'";
    /** One option of a foreign-data object, and an optional {@code OPTIONS (...)} clause of them. */
    private static final String OPTION = IDENT + " " + LITERAL;
    private static final String OPTIONS = "(?: OPTIONS \\( ?" + OPTION + "(?:, " + OPTION + ")* ?\\))?";
    /** A column setting {@code CREATE TABLE} cannot say: statistics target, storage, compression, attribute options. */
    private static final String COLUMN_SETTING = "SET (?:STATISTICS \\d+|STORAGE (?:PLAIN|EXTERNAL|MAIN|EXTENDED)"
            + "|COMPRESSION (?:pglz|lz4)|\\(\\w+=-?[0-9.e+-]+(?:, \\w+=-?[0-9.e+-]+)*\\))";

    /** Objects whose privileges the engine writes ({@code GRANT ... ON kind name}). */
    private static final String GRANT_KINDS = "(?:TABLE|SEQUENCE|SCHEMA|FUNCTION|PROCEDURE|TYPE|DOMAIN)";
    /** Objects whose owner the engine writes ({@code ALTER kind name OWNER TO role}). */
    private static final String OWNED_KINDS = "(?:SCHEMA|TYPE|DOMAIN|FUNCTION|PROCEDURE|SEQUENCE|TABLE|VIEW"
            + "|MATERIALIZED\\s+VIEW|STATISTICS)";
    /** Objects the engine comments on. */
    private static final String COMMENT_KINDS = "(?:SCHEMA|EXTENSION|TYPE|DOMAIN|FUNCTION|PROCEDURE|SEQUENCE|TABLE"
            + "|VIEW|MATERIALIZED\\s+VIEW|COLUMN|INDEX|CONSTRAINT|TRIGGER|POLICY|STATISTICS)";

    /** Kinds of the catalog model whose owners and comments the engine writes beyond the ones above. */
    private static final String CATALOG_KINDS = "(?:AGGREGATE|OPERATOR|OPERATOR\\s+CLASS|OPERATOR\\s+FAMILY|COLLATION"
            + "|CAST|CONVERSION|TEXT\\s+SEARCH\\s+(?:PARSER|TEMPLATE|DICTIONARY|CONFIGURATION)|RULE)";
    /** An operator's name: only the characters PostgreSQL allows in one. */
    private static final String OPERATOR_NAME = "[-+*/<>=~!@#%^&|`?]+";
    /** An operator class or family: a schema-qualified name and its index access method. */
    private static final String OPERATOR_GROUP = QUALIFIED + " USING " + IDENT;
    /** Name of the form that creates a large object; the names of its other forms start with it. */
    static final String LARGE_OBJECT = "large object";
    /** Name of the form that writes one chunk of a large object. */
    static final String LARGE_OBJECT_DATA = "large object data";
    /** Name of the form that grants a privilege on a large object (a grantor may precede it). */
    static final String LARGE_OBJECT_GRANT = "large object grant";

    /** Every form, in the order of the script's phases. */
    static final List<Form> FORMS = List.of(
            // BackupEngine.header
            exact("statement timeout", Kind.SETTING, "SET statement_timeout = 0"),
            exact("lock timeout", Kind.SETTING, "SET lock_timeout = 0"),
            exact("idle timeout", Kind.SETTING, "SET idle_in_transaction_session_timeout = 0"),
            exact("client encoding", Kind.SETTING, "SET client_encoding = 'UTF8'"),
            exact("standard strings", Kind.SETTING, "SET standard_conforming_strings = on"),
            exact("empty search path", Kind.SETTING, "SELECT pg_catalog.set_config('search_path', '', false)"),
            exact("no body checks", Kind.SETTING, "SET check_function_bodies = false"),
            exact("xml option", Kind.SETTING, "SET xmloption = content"),
            exact("client messages", Kind.SETTING, "SET client_min_messages = warning"),
            exact("row security off", Kind.SETTING, "SET row_security = off"),

            // CatalogReader: definitions before the data
            form("schema", Kind.DEFINITION, "CREATE SCHEMA " + IDENT),
            form("extension", Kind.DEFINITION, "CREATE EXTENSION IF NOT EXISTS " + IDENT + " WITH SCHEMA " + IDENT),
            head("type", Kind.DEFINITION, "CREATE TYPE " + QUALIFIED + " AS (?:ENUM|RANGE)?\\s*\\("),
            head("domain", Kind.DEFINITION, "CREATE DOMAIN " + QUALIFIED + " AS "),
            head("function", Kind.DEFINITION, "CREATE OR REPLACE (?:FUNCTION|PROCEDURE) " + QUALIFIED + "\\("),
            head("sequence", Kind.DEFINITION, "CREATE (?:UNLOGGED )?SEQUENCE " + QUALIFIED + "(?:\\s|$)"),
            head("table", Kind.DEFINITION, "CREATE (?:UNLOGGED )?TABLE " + QUALIFIED + " (?:\\(|PARTITION OF )"),
            head("view", Kind.DEFINITION, "CREATE (?:MATERIALIZED )?VIEW " + QUALIFIED + " (?:WITH \\(|AS\\s)"),
            head("table change", Kind.DEFINITION, "ALTER TABLE (?:ONLY )?" + QUALIFIED
                    + " (?:ADD|ALTER COLUMN|CLUSTER ON|DISABLE TRIGGER|ENABLE|FORCE ROW LEVEL SECURITY"
                    + "|REPLICA IDENTITY)\\b"),
            form("domain constraint", Kind.DEFINITION, "ALTER DOMAIN " + QUALIFIED + " ADD .+"),
            form("sequence owned by", Kind.DEFINITION, "ALTER SEQUENCE " + QUALIFIED + " OWNED BY " + QUALIFIED
                    + "\\." + IDENT),
            form("comment", Kind.DEFINITION, "COMMENT ON " + COMMENT_KINDS + " .+ IS (?:" + LITERAL + "|NULL)"),

            // Object kinds of the catalog model (each block names its kind); owners and comments of these kinds
            form("owner of a catalog kind", Kind.OWNERSHIP, "ALTER " + CATALOG_KINDS + " .+ OWNER TO " + IDENT),
            form("comment on a catalog kind", Kind.DEFINITION, "COMMENT ON " + CATALOG_KINDS + " .+ IS (?:"
                    + LITERAL + "|NULL)"),
            // aggregates
            head("aggregate", Kind.DEFINITION, "CREATE AGGREGATE " + QUALIFIED + "\\("),
            // casts
            form("cast", Kind.DEFINITION, "CREATE CAST \\([^;]+ AS [^;]+\\) (?:WITH FUNCTION (?:" + IDENT + "\\.)?"
                    + IDENT + "\\([^;()]*\\)|WITHOUT FUNCTION|WITH INOUT)(?: AS (?:ASSIGNMENT|IMPLICIT))?"),
            // operators, operator families (with their loose members) and operator classes
            head("operator", Kind.DEFINITION, "CREATE OPERATOR " + IDENT + "\\." + OPERATOR_NAME + " \\("),
            form("operator family", Kind.DEFINITION, "CREATE OPERATOR FAMILY " + OPERATOR_GROUP),
            head("operator family members", Kind.DEFINITION, "ALTER OPERATOR FAMILY " + OPERATOR_GROUP
                    + " ADD (?:OPERATOR|FUNCTION) \\d"),
            head("operator class", Kind.DEFINITION, "CREATE OPERATOR CLASS " + QUALIFIED
                    + " (?:DEFAULT )?FOR TYPE "),
            // collations
            form("collation", Kind.DEFINITION, "CREATE COLLATION " + QUALIFIED + " \\([^;]*\\)"),
            // conversions
            form("conversion", Kind.DEFINITION, "CREATE (?:DEFAULT )?CONVERSION " + QUALIFIED + " FOR " + LITERAL
                    + " TO " + LITERAL + " FROM [^;]+"),
            // text search parsers, templates, dictionaries and configurations with their mappings
            head("text search object", Kind.DEFINITION, "CREATE TEXT SEARCH (?:PARSER|TEMPLATE|DICTIONARY"
                    + "|CONFIGURATION) " + QUALIFIED + " \\("),
            head("text search mapping", Kind.DEFINITION, "ALTER TEXT SEARCH CONFIGURATION " + QUALIFIED
                    + " ADD MAPPING FOR "),
            // typed tables
            form("typed table", Kind.DEFINITION, "CREATE (?:UNLOGGED )?TABLE " + QUALIFIED + " OF " + QUALIFIED
                    + "(?: \\(.*\\))?"),
            // rules (after the data) and their state
            head("rule", Kind.DEFINITION, "CREATE RULE " + IDENT + " AS ON (?:SELECT|INSERT|UPDATE|DELETE) TO "
                    + "(?:" + IDENT + "\\.)?" + IDENT + " "),
            form("rule state", Kind.DEFINITION, "ALTER TABLE " + QUALIFIED + " (?:DISABLE|ENABLE REPLICA|ENABLE ALWAYS)"
                    + " RULE " + IDENT),

            // Dependency cycles: a view first created as a placeholder gets its query once what it reads exists
            head("view replacement", Kind.DEFINITION, "CREATE OR REPLACE VIEW " + QUALIFIED + " (?:WITH \\(|AS\\s)"),

            // Procedural languages (LanguageReader)
            form("language", Kind.DEFINITION, "CREATE (?:TRUSTED )?PROCEDURAL LANGUAGE " + IDENT + " HANDLER "
                    + QUALIFIED + "(?: INLINE " + QUALIFIED + ")?(?: VALIDATOR " + QUALIFIED + ")?"),
            // Foreign-data wrappers, servers, user mappings (ForeignDataWrapperReader, ForeignServerReader,
            // UserMappingReader)
            form("foreign data wrapper", Kind.DEFINITION, "CREATE FOREIGN DATA WRAPPER " + IDENT + "(?: HANDLER "
                    + QUALIFIED + ")?(?: VALIDATOR " + QUALIFIED + ")?" + OPTIONS),
            form("server", Kind.DEFINITION, "CREATE SERVER " + IDENT + "(?: TYPE " + LITERAL + ")?(?: VERSION "
                    + LITERAL + ")? FOREIGN DATA WRAPPER " + IDENT + OPTIONS),
            form("user mapping", Kind.DEFINITION, "CREATE USER MAPPING FOR (?:PUBLIC|" + IDENT + ") SERVER " + IDENT
                    + OPTIONS),
            // Foreign tables (ForeignTableReader): never with file_fdw's program option, which runs a command
            head("foreign table", Kind.DEFINITION, "(?!.*[\\s(,]\"?program\"?\\s+')CREATE FOREIGN TABLE " + QUALIFIED
                    + " (?:\\(|PARTITION OF )"),
            form("foreign table column options", Kind.DEFINITION, "ALTER FOREIGN TABLE ONLY " + QUALIFIED
                    + " ALTER COLUMN " + IDENT + " (?:OPTIONS \\( ?" + OPTION + "(?:, " + OPTION + ")* ?\\)|"
                    + COLUMN_SETTING + ")"),
            // Column options (ColumnOptionsReader); tables' go through "table change"
            form("materialized view column options", Kind.DEFINITION, "ALTER MATERIALIZED VIEW " + QUALIFIED
                    + " ALTER COLUMN " + IDENT + " " + COLUMN_SETTING),
            form("index column statistics", Kind.DEFINITION, "ALTER INDEX " + QUALIFIED
                    + " ALTER COLUMN \\d+ SET STATISTICS \\d+"),
            // Comments on the kinds above and on event triggers and publications
            form("comment on database-wide object", Kind.DEFINITION, "COMMENT ON (?:FOREIGN DATA WRAPPER|SERVER"
                    + "|EVENT TRIGGER|PUBLICATION|LANGUAGE) " + IDENT + " IS (?:" + LITERAL + "|NULL)"),
            form("comment on foreign table", Kind.DEFINITION, "COMMENT ON FOREIGN TABLE " + QUALIFIED + " IS (?:"
                    + LITERAL + "|NULL)"),

            // BackupEngine: the data
            form("copy from stdin", Kind.DATA, "COPY " + QUALIFIED + "(?: \\(" + IDENT + "(?:, " + IDENT
                    + ")*\\))? FROM stdin"),

            // CatalogReader: definitions after the data
            form("sequence value", Kind.DEFINITION, "SELECT pg_catalog\\.setval\\(" + LITERAL
                    + ", -?\\d+, (?:true|false)\\)"),
            head("index", Kind.DEFINITION, "CREATE (?:UNIQUE )?INDEX " + IDENT + " ON (?:ONLY )?" + QUALIFIED
                    + " USING "),
            form("index partition", Kind.DEFINITION, "ALTER INDEX " + QUALIFIED + " ATTACH PARTITION "
                    + QUALIFIED),
            head("trigger", Kind.DEFINITION, "CREATE (?:CONSTRAINT )?TRIGGER " + IDENT + " "),
            head("policy", Kind.DEFINITION, "CREATE POLICY " + IDENT + " ON " + QUALIFIED + "(?:\\s|$)"),
            head("statistics", Kind.DEFINITION, "CREATE STATISTICS " + QUALIFIED + "(?:\\s|$)"),
            form("refresh", Kind.DEFINITION, "REFRESH MATERIALIZED VIEW " + QUALIFIED),

            // Publications (PublicationReader)
            form("publication", Kind.DEFINITION, "CREATE PUBLICATION " + IDENT + "(?: FOR ALL TABLES)? WITH "
                    + "\\(publish = " + LITERAL + "(?:, publish_via_partition_root = true)?"
                    + "(?:, publish_generated_columns = stored)?\\)"),
            head("publication table", Kind.DEFINITION, "ALTER PUBLICATION " + IDENT + " ADD TABLE ONLY " + QUALIFIED
                    + "(?: \\(" + IDENT + "(?:, " + IDENT + ")*\\))?(?:$| WHERE \\()"),
            form("publication schema", Kind.DEFINITION, "ALTER PUBLICATION " + IDENT + " ADD TABLES IN SCHEMA "
                    + IDENT),
            // Event triggers (EventTriggerReader), last in a script
            form("event trigger", Kind.DEFINITION, "CREATE EVENT TRIGGER " + IDENT + " ON " + IDENT
                    + "(?: WHEN TAG IN \\(" + LITERAL + "(?:, " + LITERAL + ")*\\))? EXECUTE FUNCTION " + QUALIFIED
                    + "\\(\\)"),
            form("event trigger state", Kind.DEFINITION, "ALTER EVENT TRIGGER " + IDENT
                    + " (?:DISABLE|ENABLE REPLICA|ENABLE ALWAYS)"),

            // CatalogReader.owned and PrivilegeReader: only with owners and privileges
            form("owner", Kind.OWNERSHIP, "ALTER " + OWNED_KINDS + " .+ OWNER TO " + IDENT),
            head("grant", Kind.OWNERSHIP, "GRANT [^;]+ ON " + GRANT_KINDS + " "),
            head("revoke", Kind.OWNERSHIP, "REVOKE [^;]+ ON " + GRANT_KINDS + " "),
            head("default privileges", Kind.OWNERSHIP, "ALTER DEFAULT PRIVILEGES FOR ROLE " + IDENT
                    + "(?: IN SCHEMA " + IDENT + ")? (?:GRANT|REVOKE) "),
            form("grantor", Kind.GRANTOR, "SET SESSION AUTHORIZATION " + IDENT),
            exact("grantor reset", Kind.GRANTOR_RESET, "RESET SESSION AUTHORIZATION"),

            // Owners and privileges of foreign-data objects, languages, event triggers and publications
            form("owner", Kind.OWNERSHIP, "ALTER (?:FOREIGN DATA WRAPPER|SERVER|EVENT TRIGGER|PUBLICATION|LANGUAGE) "
                    + IDENT + " OWNER TO " + IDENT),
            form("owner", Kind.OWNERSHIP, "ALTER FOREIGN TABLE " + QUALIFIED + " OWNER TO " + IDENT),
            head("grant", Kind.OWNERSHIP, "GRANT [^;]+ ON (?:FOREIGN DATA WRAPPER|FOREIGN SERVER|LANGUAGE) "),
            head("revoke", Kind.OWNERSHIP, "REVOKE [^;]+ ON (?:FOREIGN DATA WRAPPER|FOREIGN SERVER|LANGUAGE) "),

            // LargeObjects: every large object after the tables' data, by oid; LargeObjects.ScriptCheck checks their
            // order (oids, offsets, chunk sizes) and that each statement concerns the object just created
            form(LARGE_OBJECT, Kind.DEFINITION, "SELECT pg_catalog\\.lo_create\\('(\\d+)'\\)"),
            hexAside(LARGE_OBJECT_DATA, Kind.DEFINITION, "SELECT pg_catalog\\.lo_put\\('(\\d+)', (\\d+), "
                    + "'\\\\x'\\)"),
            form(LARGE_OBJECT + " comment", Kind.DEFINITION, "COMMENT ON LARGE OBJECT (\\d+) IS " + LITERAL),
            form(LARGE_OBJECT + " owner", Kind.OWNERSHIP, "ALTER LARGE OBJECT (\\d+) OWNER TO " + IDENT),
            form(LARGE_OBJECT_GRANT, Kind.OWNERSHIP, "GRANT [^;]+ ON LARGE OBJECT (\\d+) TO (?:" + IDENT
                    + "|PUBLIC)(?: WITH GRANT OPTION)?"),
            form(LARGE_OBJECT + " revoke", Kind.OWNERSHIP, "REVOKE [^;]+ ON LARGE OBJECT (\\d+) FROM (?:" + IDENT
                    + "|PUBLIC)"));

    /**
     * Words that no form needs at the top level of a statement other than its own, so a statement that starts like
     * an accepted form cannot carry them further on, e.g. a second {@code OWNER TO} subcommand in an
     * {@code ALTER TABLE}, or {@code CREATE TABLE ... AS} a query.
     */
    private static final Pattern OWNER_TO = Pattern.compile("(?is).*\\bOWNER\\s+TO\\b.*");

    private ScriptForms() {
    }

    /** The form {@code sql} has, judged on its text and its top-level {@code shape}; empty when none. */
    static Optional<Form> match(String sql, String shape) {
        return matchNormalized(normalize(sql), shape);
    }

    /** Like {@link #match}, on a statement already {@link #normalize normalized}. */
    private static Optional<Form> matchNormalized(String normalized, String shape) {
        for (Form form : FORMS) {
            if (form.matches(normalized)) {
                if (form.kind() != Kind.OWNERSHIP && OWNER_TO.matcher(shape).matches()) {
                    return Optional.empty();
                }
                return Optional.of(form);
            }
        }
        return Optional.empty();
    }

    /** Phase name of refusals. */
    static final String CHECKING = "checking the script";

    /** First words of statements that cpdb never writes, with what they are, for the refusal message. */
    private static final List<Map.Entry<Pattern, String>> KNOWN_REFUSALS = List.of(
            refusal("(?:BEGIN|START|COMMIT|END|ROLLBACK|ABORT|SAVEPOINT|RELEASE|PREPARE\\s+TRANSACTION)\\b",
                    "transaction control, which would end the restore's all-or-nothing transaction"),
            refusal("COPY\\b", "a COPY other than COPY table FROM stdin (to or from a file or program)"),
            refusal("(?:SET|RESET)\\s+(?:ROLE|SESSION\\s+AUTHORIZATION)\\b|SET\\s+(?:LOCAL|SESSION)\\s+"
                    + "(?:ROLE|SESSION\\s+AUTHORIZATION)\\b",
                    "a role change outside the grantor form of a backup with owners and privileges"),
            refusal("ALTER\\s+SYSTEM\\b", "a change of the server's configuration"),
            refusal("(?:CREATE|ALTER|DROP)\\s+(?:ROLE|USER|GROUP)\\b", "a role definition"),
            refusal("DROP\\s+DATABASE\\b", "dropping a database"),
            refusal("LOAD\\b", "loading a server library"),
            refusal("DO\\b", "an anonymous code block"),
            refusal("(?:GRANT|REVOKE)\\b", "a grant or revoke of a form cpdb does not write (e.g. role membership)"));

    /**
     * Checks statements one after another against the forms, with what depends on the statements around them: a
     * {@code SET SESSION AUTHORIZATION} must be followed by one {@code GRANT} and a {@code RESET}.
     */
    static final class Checker {

        private final boolean ownersAndPrivileges;
        private final LargeObjects.ScriptCheck largeObjects = new LargeObjects.ScriptCheck();
        private int grantorStep;
        private long grantorLine;

        /**
         * @param ownersAndPrivileges whether the manifest says the backup carries owners and privileges; without,
         *        their forms are refused too
         */
        Checker(boolean ownersAndPrivileges) {
            this.ownersAndPrivileges = ownersAndPrivileges;
        }

        /**
         * Checks the next statement.
         *
         * @throws BackupException naming the line and the reason
         */
        Form check(ScriptReader.ScriptStatement statement) {
            if (statement.shape().indexOf('\\') >= 0) {
                throw refused(statement, "a psql meta-command or a backslash outside quotes, which cpdb never writes");
            }
            // The driver splits what it sends at semicolons with a lexer of its own; should it ever see more than
            // one statement where the reader saw one, the forms below would have judged only the first.
            if (driverStatements(statement.sql()) != 1) {
                throw refused(statement, "text the database driver would split into several statements");
            }
            String normalized = normalize(statement.sql());
            Form form = matchNormalized(normalized, statement.shape())
                    .orElseThrow(() -> refused(statement, describe(statement.sql())));
            if (form.kind() == Kind.OWNERSHIP || form.kind() == Kind.GRANTOR || form.kind() == Kind.GRANTOR_RESET) {
                if (!ownersAndPrivileges) {
                    throw refused(statement, "owners or privileges (" + form.name() + "), but the manifest says "
                            + "the backup has none");
                }
            }
            String largeObjectRefusal = largeObjects.check(form, normalized);
            if (largeObjectRefusal != null) {
                throw refused(statement, largeObjectRefusal);
            }
            switch (grantorStep) {
                case 1 -> {
                    if (!form.name().equals("grant") && !form.name().equals(LARGE_OBJECT_GRANT)) {
                        throw refused(statement, "SET SESSION AUTHORIZATION on line " + grantorLine
                                + " is not followed by one GRANT");
                    }
                    grantorStep = 2;
                    return form;
                }
                case 2 -> {
                    if (form.kind() != Kind.GRANTOR_RESET) {
                        throw refused(statement, "SET SESSION AUTHORIZATION on line " + grantorLine
                                + " is not reset right after its GRANT");
                    }
                    grantorStep = 0;
                    return form;
                }
                default -> {
                    // no grantor in effect
                }
            }
            if (form.kind() == Kind.GRANTOR) {
                grantorStep = 1;
                grantorLine = statement.line();
            } else if (form.kind() == Kind.GRANTOR_RESET) {
                throw refused(statement, "RESET SESSION AUTHORIZATION without a SET SESSION AUTHORIZATION before it");
            }
            return form;
        }

        /** The large objects of the statements checked so far. */
        LargeObjectStats largeObjects() {
            return largeObjects.stats();
        }

        /** Checks what must hold at the end of the script. */
        void finish() {
            if (grantorStep != 0) {
                throw new BackupException(CHECKING, "line " + grantorLine + ": SET SESSION AUTHORIZATION is never "
                        + "reset", false);
            }
        }

        private static BackupException refused(ScriptReader.ScriptStatement statement, String reason) {
            return new BackupException(CHECKING, "line " + statement.line() + " is refused: " + reason + ": "
                    + ScriptReader.summary(statement.sql()), false);
        }

        private static String describe(String sql) {
            String start = sql.stripLeading();
            for (Map.Entry<Pattern, String> known : KNOWN_REFUSALS) {
                if (known.getKey().matcher(start).lookingAt()) {
                    return known.getValue();
                }
            }
            return "a statement form cpdb does not write";
        }
    }

    /** How many statements pgjdbc makes of {@code sql} (standard conforming strings, as every script sets). */
    static int driverStatements(String sql) {
        try {
            return Parser.parseJdbcSql(sql, true, false, true, false, false).size();
        } catch (SQLException e) {
            return -1;
        }
    }

    private static Map.Entry<Pattern, String> refusal(String regex, String reason) {
        return Map.entry(Pattern.compile("(?i)" + regex), reason);
    }

    /** Runs of white space outside quotes become single spaces, so forms need not care about line breaks. */
    static String normalize(String sql) {
        StringBuilder out = new StringBuilder(sql.length());
        boolean space = false;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                space = true;
                continue;
            }
            if (space) {
                out.append(' ');
                space = false;
            }
            if (c == '\'' || c == '"') {
                // Quoted text is kept as it is, up to the closing quote (a doubled quote closes and reopens).
                int end = sql.indexOf(c, i + 1);
                end = end < 0 ? sql.length() - 1 : end;
                // substring and append(String) copy arrays; append(CharSequence, int, int) goes char by char.
                out.append(sql.substring(i, end + 1));
                i = end;
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * {@code sql} without the hex digits of its first bytea literal {@code '\x...'}, or null when there is none or it
     * holds anything but hex digits. A plain loop over the digits is many times faster than a regular expression, which
     * matters for large-object chunks of hundreds of KiB.
     */
    static String withoutHexDigits(String sql) {
        int start = sql.indexOf("'\\x");
        if (start < 0) {
            return null;
        }
        int from = start + 3;
        int end = from;
        while (end < sql.length() && isHexDigit(sql.charAt(end))) {
            end++;
        }
        if (end == sql.length() || sql.charAt(end) != '\'') {
            return null;
        }
        return sql.substring(0, from) + sql.substring(end);
    }

    /** A statement written exactly so (white space aside). */
    private static Form exact(String name, Kind kind, String text) {
        return new Form(name, kind, Pattern.compile(Pattern.quote(text)));
    }

    /** A whole statement matching {@code regex}, whose spaces stand for white space. */
    private static Form form(String name, Kind kind, String regex) {
        return new Form(name, kind, Pattern.compile("(?is)" + regex.replace(" ", "\\s")));
    }

    /** The digits the engine writes in hex: ASCII only, lower case. */
    private static boolean isHexDigit(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    /**
     * Like {@link #form}, for a statement with one bytea literal {@code '\\x...'}: {@code regex} is matched with the
     * literal's hex digits left out, and holds {@code '\\x'} in its place.
     */
    private static Form hexAside(String name, Kind kind, String regex) {
        return new Form(name, kind, Pattern.compile("(?is)" + regex.replace(" ", "\\s")), true);
    }

    /** A statement that starts like {@code regex}; the rest is free. */
    private static Form head(String name, Kind kind, String regex) {
        return new Form(name, kind, Pattern.compile("(?is)" + regex.replace(" ", "\\s") + ".*"));
    }
}
