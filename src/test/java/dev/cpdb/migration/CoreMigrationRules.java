package dev.cpdb.migration;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rolling-upgrade rules of docs/migrations.md that a machine can check in a core migration's SQL text. A file may
 * carry a reviewed exception for a rule as a comment line {@code -- rolling-upgrade-exception: <rule> <reason>}; an
 * exception without a reason, or one the file no longer needs, is itself a violation.
 *
 * <p>
 * "Existing table" means a table an earlier migration created: a table created in the same file is empty, so what
 * would lock or rewrite a full table costs nothing there.
 */
final class CoreMigrationRules {

    /**
     * Tables this suite expects to grow large in production (every company's history lands in them), on which a
     * non-concurrent index build would block writes for minutes.
     */
    static final Set<String> LARGE_TABLES = Set.of("activity_log", "issues", "issue_comments", "issue_references",
            "agents", "agent_api_keys", "company_secret_versions", "secret_grants");

    /** Rule ids, as the exception marker names them. */
    static final String VOLATILE_DEFAULT = "volatile-default";
    static final String COLUMN_TYPE_CHANGE = "column-type-change";
    static final String BLOCKING_INDEX = "blocking-index";
    static final String CONCURRENT_INDEX_RETRY = "concurrent-index-retry";
    static final String NOT_NULL_WITHOUT_DEFAULT = "not-null-without-default";
    static final String SET_NOT_NULL = "set-not-null";
    static final String VALIDATING_CONSTRAINT = "validating-constraint";
    static final String CONTRACT_STEP = "contract-step";

    static final Set<String> RULES = Set.of(VOLATILE_DEFAULT, COLUMN_TYPE_CHANGE, BLOCKING_INDEX,
            CONCURRENT_INDEX_RETRY, NOT_NULL_WITHOUT_DEFAULT, SET_NOT_NULL, VALIDATING_CONSTRAINT, CONTRACT_STEP);

    private static final Pattern MARKER = Pattern.compile("--\\s*rolling-upgrade-exception:\\s*(\\S+)\\s*(.*)");
    private static final Pattern NAME = Pattern.compile("(?:\"?public\"?\\.)?\"?([a-z_][a-z0-9_$]*)\"?");
    private static final String TABLE = "(?:\"?public\"?\\.)?\"?([a-z_][a-z0-9_$]*)\"?";
    private static final Pattern CREATE_TABLE = Pattern.compile("^create (?:unlogged )?table (?:if not exists )?"
            + TABLE);
    private static final Pattern ALTER_TABLE = Pattern.compile("^alter table (?:if exists )?(?:only )?" + TABLE
            + " (.*)$");
    private static final Pattern CREATE_INDEX = Pattern.compile("^create (?:unique )?index (concurrently )?"
            + "(?:if not exists )?(?:\"?([a-z_][a-z0-9_$]*)\"? )?on (?:only )?" + TABLE);
    private static final Pattern DROP_INDEX_CONCURRENTLY = Pattern.compile("^drop index concurrently if exists "
            + TABLE);
    private static final Pattern DROP_TABLE = Pattern.compile("^drop table (?:if exists )?(.*)$");
    private static final Pattern VOLATILE = Pattern.compile("\\b(random|gen_random_uuid|uuid_generate_v[14]|"
            + "clock_timestamp|timeofday|nextval|txid_current|statement_timestamp)\\s*\\(|\\b(small|big)?serial\\b|"
            + "\\bgenerated\\b.*\\b(stored|identity)\\b");

    /** One migration file: its name and SQL text. */
    record MigrationFile(String name, String sql) {
    }

    /** A broken rule, where, and what to do. */
    record Violation(String file, String rule, String detail) {
        @Override
        public String toString() {
            return file + ": " + rule + ": " + detail;
        }
    }

    private CoreMigrationRules() {
    }

    /** Checks the files in version order; tables created by earlier files count as existing for later ones. */
    static List<Violation> check(List<MigrationFile> files) {
        Set<String> existing = new HashSet<>();
        List<Violation> violations = new ArrayList<>();
        for (MigrationFile file : files) {
            Map<String, String> exceptions = exceptions(file, violations);
            Set<String> created = new HashSet<>();
            Set<String> droppedConcurrently = new HashSet<>();
            List<Violation> found = new ArrayList<>();
            for (String statement : statements(file.sql())) {
                checkStatement(file.name(), statement, existing, created, droppedConcurrently, found);
            }
            Set<String> used = new HashSet<>();
            for (Violation violation : found) {
                if (exceptions.containsKey(violation.rule())) {
                    used.add(violation.rule());
                } else {
                    violations.add(violation);
                }
            }
            exceptions.keySet().stream()
                    .filter(rule -> !used.contains(rule))
                    .forEach(rule -> violations.add(new Violation(file.name(), rule, "the file marks a reviewed "
                            + "exception for this rule but breaks no such rule; remove the marker")));
            existing.addAll(created);
        }
        return violations;
    }

    private static Map<String, String> exceptions(MigrationFile file, List<Violation> violations) {
        Map<String, String> exceptions = new HashMap<>();
        for (String line : file.sql().split("\n")) {
            Matcher marker = MARKER.matcher(line.strip());
            if (!marker.matches()) {
                continue;
            }
            String rule = marker.group(1);
            String reason = marker.group(2).strip();
            if (!RULES.contains(rule)) {
                violations.add(new Violation(file.name(), rule, "unknown rule in an exception marker; rules are "
                        + String.join(", ", RULES.stream().sorted().toList())));
            } else if (reason.length() < 10) {
                violations.add(new Violation(file.name(), rule, "an exception marker needs the reason it is safe, "
                        + "e.g. which release stopped reading the column"));
            } else {
                exceptions.put(rule, reason);
            }
        }
        return exceptions;
    }

    private static void checkStatement(String file, String statement, Set<String> existing, Set<String> created,
            Set<String> droppedConcurrently, List<Violation> found) {
        Matcher matcher = CREATE_TABLE.matcher(statement);
        if (matcher.find()) {
            created.add(matcher.group(1));
            return;
        }
        matcher = DROP_INDEX_CONCURRENTLY.matcher(statement);
        if (matcher.find()) {
            droppedConcurrently.add(matcher.group(1));
            return;
        }
        matcher = CREATE_INDEX.matcher(statement);
        if (matcher.find()) {
            String table = matcher.group(3);
            boolean concurrently = matcher.group(1) != null;
            if (!concurrently && existing.contains(table) && LARGE_TABLES.contains(table)) {
                found.add(new Violation(file, BLOCKING_INDEX, "index on the large table " + table + " built without "
                        + "CONCURRENTLY blocks its writes for the whole build; use CREATE INDEX CONCURRENTLY in a "
                        + "migration of its own"));
            }
            if (concurrently && (matcher.group(2) == null || !droppedConcurrently.contains(matcher.group(2)))) {
                found.add(new Violation(file, CONCURRENT_INDEX_RETRY, "a concurrent index build that fails leaves an "
                        + "invalid index behind; precede it with DROP INDEX CONCURRENTLY IF EXISTS <same name> so "
                        + "that the retry starts clean"));
            }
            return;
        }
        matcher = DROP_TABLE.matcher(statement);
        if (matcher.find()) {
            for (String name : matcher.group(1).replaceAll("\\b(cascade|restrict)\\b", "").split(",")) {
                Matcher table = NAME.matcher(name.strip());
                if (table.matches() && existing.contains(table.group(1))) {
                    found.add(new Violation(file, CONTRACT_STEP, "dropping table " + table.group(1)
                            + " breaks the running release if it still reads it; drop it only in a release after "
                            + "the one that stopped using it, and mark that reviewed"));
                }
            }
            return;
        }
        matcher = ALTER_TABLE.matcher(statement);
        if (matcher.find() && existing.contains(matcher.group(1))) {
            checkAlter(file, matcher.group(1), matcher.group(2), found);
        }
    }

    private static void checkAlter(String file, String table, String actions, List<Violation> found) {
        for (String action : splitActions(actions)) {
            if (action.startsWith("add column") || action.startsWith("add ") && !action.startsWith("add constraint")
                    && !action.matches("^add (primary key|unique|check|foreign key|exclude)\\b.*")) {
                if (VOLATILE.matcher(action).find()) {
                    found.add(new Violation(file, VOLATILE_DEFAULT, table + ": " + action + " rewrites the whole "
                            + "table under an exclusive lock; add the column without that default, backfill in "
                            + "batches, then set the default"));
                }
                if (action.contains("not null") && !action.contains(" default ")) {
                    found.add(new Violation(file, NOT_NULL_WITHOUT_DEFAULT, table + ": " + action + " fails on a "
                            + "table with rows and breaks the running release's inserts; add it nullable or with a "
                            + "constant default"));
                }
                if (action.contains(" references ")) {
                    found.add(new Violation(file, VALIDATING_CONSTRAINT, table + ": " + action + " checks every row "
                            + "while holding locks on both tables; add the column, then the constraint NOT VALID, "
                            + "then VALIDATE CONSTRAINT in a later migration"));
                }
            } else if (action.matches("^alter (column )?\\S+ (set data )?type\\b.*")) {
                found.add(new Violation(file, COLUMN_TYPE_CHANGE, table + ": " + action + " rewrites the table "
                        + "under an exclusive lock and breaks the running release's reads; add a new column, "
                        + "backfill, switch the code, drop the old one later"));
            } else if (action.matches("^alter (column )?\\S+ set not null.*")) {
                found.add(new Violation(file, SET_NOT_NULL, table + ": " + action + " scans the whole table under "
                        + "an exclusive lock; add CHECK (col IS NOT NULL) NOT VALID, validate it, then set NOT "
                        + "NULL"));
            } else if (action.matches("^add (constraint \\S+ )?(foreign key|check)\\b.*")
                    && !action.contains("not valid")) {
                found.add(new Violation(file, VALIDATING_CONSTRAINT, table + ": " + action + " checks every row "
                        + "under lock; add it NOT VALID and VALIDATE CONSTRAINT in a later migration"));
            } else if (action.matches("^add (constraint \\S+ )?(primary key|unique)\\b.*")
                    && !action.contains("using index") && LARGE_TABLES.contains(table)) {
                found.add(new Violation(file, BLOCKING_INDEX, table + ": " + action + " builds its index under an "
                        + "exclusive lock; build a unique index CONCURRENTLY first, then ADD CONSTRAINT ... USING "
                        + "INDEX"));
            } else if (action.startsWith("drop column") || action.startsWith("drop ")
                    && !action.startsWith("drop constraint") && !action.startsWith("drop default")
                    && !action.startsWith("drop not null")) {
                found.add(new Violation(file, CONTRACT_STEP, table + ": " + action + " breaks the running release "
                        + "if it still reads the column; drop it only in a release after the one that stopped using "
                        + "it, and mark that reviewed"));
            } else if (action.startsWith("rename ")) {
                found.add(new Violation(file, CONTRACT_STEP, table + ": " + action + " breaks the running release "
                        + "at once; add the new name, move the code over, drop the old name a release later"));
            }
        }
    }

    /** The actions of one ALTER TABLE, split at top-level commas. */
    private static List<String> splitActions(String actions) {
        List<String> parts = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < actions.length(); i++) {
            char c = actions.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                parts.add(actions.substring(start, i).strip());
                start = i + 1;
            }
        }
        parts.add(actions.substring(start).strip());
        return parts;
    }

    /**
     * The statements of a script, lower-cased with comments and string contents removed and whitespace collapsed;
     * dollar-quoted bodies (functions, DO blocks) are dropped, their statements run as written by their author.
     */
    static List<String> statements(String sql) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '-' && sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? sql.length() : end;
            } else if (c == '/' && sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? sql.length() : end + 2;
            } else if (c == '\'') {
                int end = i + 1;
                while (end < sql.length() && !(sql.charAt(end) == '\'' && !sql.startsWith("''", end))) {
                    end += sql.startsWith("''", end) ? 2 : 1;
                }
                current.append("''");
                i = end + 1;
            } else if (c == '$') {
                Matcher tag = Pattern.compile("\\$[A-Za-z_0-9]*\\$").matcher(sql).region(i, sql.length());
                if (tag.lookingAt()) {
                    int end = sql.indexOf(tag.group(), tag.end());
                    current.append("$body$");
                    i = end < 0 ? sql.length() : end + tag.group().length();
                } else {
                    current.append(c);
                    i++;
                }
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, current);
        return statements;
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String text = statement.toString().strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        if (!text.isEmpty()) {
            statements.add(text);
        }
    }
}
