package dev.cpdb.backup.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which schemas a backup holds: include and exclude patterns with pg_dump's rules for names, applied to the
 * database's non-system schemas, and the schemas left out by default because a role the backing-up user is not a
 * member of owns them (a hosting platform's schemas, such as Supabase's {@code auth} or {@code storage}).
 *
 * <p>
 * Patterns: unquoted letters fold to lower case; double quotes keep case and make {@code *}, {@code ?} and
 * {@code .} literal ({@code ""} inside quotes is one quote); {@code *} matches any sequence of characters, {@code ?}
 * one character; every other character, regular-expression characters included, stands for itself. A qualified
 * {@code database.schema} pattern must name the database being backed up. An include pattern that matches no schema
 * is an error, naming it (pg_dump's {@code --strict-names}); an exclude pattern that matches nothing is only recorded,
 * so one exclusion list serves several databases. Exclusion wins over inclusion. Without include patterns every
 * non-system schema is a candidate, less those owned by roles the user is not a member of; the public schema is
 * always a candidate, whoever owns it, because that is where users' objects go by default.
 */
public final class SchemaSelection {

    /** Every non-system schema the user's roles own, and public. */
    public static final SchemaSelection DEFAULT = new SchemaSelection(List.of(), List.of());

    /** Phase of the refusals of {@link #resolve}. */
    public static final String SELECTING = "selecting schemas";

    private final List<NamePattern> include;
    private final List<NamePattern> exclude;

    private SchemaSelection(List<NamePattern> include, List<NamePattern> exclude) {
        this.include = List.copyOf(include);
        this.exclude = List.copyOf(exclude);
    }

    /**
     * Parses include and exclude patterns.
     *
     * @throws IllegalArgumentException naming the first pattern that is not well formed and why
     */
    public static SchemaSelection of(List<String> include, List<String> exclude) {
        return new SchemaSelection(include.stream().map(NamePattern::parse).toList(),
                exclude.stream().map(NamePattern::parse).toList());
    }

    /** Splits a comma-separated setting into patterns; commas inside double quotes belong to the pattern. */
    public static List<String> splitSetting(String value) {
        List<String> patterns = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                add(patterns, current);
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        add(patterns, current);
        return patterns;
    }

    private static void add(List<String> patterns, StringBuilder pattern) {
        String text = pattern.toString().strip();
        if (!text.isEmpty()) {
            patterns.add(text);
        }
    }

    /** The include patterns as given. */
    public List<String> includePatterns() {
        return include.stream().map(NamePattern::text).toList();
    }

    /** The exclude patterns as given. */
    public List<String> excludePatterns() {
        return exclude.stream().map(NamePattern::text).toList();
    }

    /** Whether this is the default selection (no patterns). */
    public boolean isDefault() {
        return include.isEmpty() && exclude.isEmpty();
    }

    /**
     * One schema that could be backed up.
     *
     * @param name the schema's name
     * @param owner the name of the role that owns it
     * @param ownedByMember whether the backing-up user is a member of that role (or a superuser)
     */
    public record Candidate(String name, String owner, boolean ownedByMember) {
    }

    /**
     * A schema the backup does not hold, and why.
     *
     * @param schema its name
     * @param reason {@code excluded by pattern "..."}, {@code not matched by any include pattern} or
     *        {@code owned by role "...", which the user is not a member of}
     */
    public record LeftOut(String schema, String reason) {
    }

    /**
     * What a selection gave on one database.
     *
     * @param include the include patterns as given (empty: the default)
     * @param exclude the exclude patterns as given
     * @param schemas the schemas the backup holds, sorted
     * @param leftOut the other non-system schemas, each with its reason, sorted by name
     * @param unmatchedExcludes exclude patterns that matched no schema
     */
    public record Outcome(List<String> include, List<String> exclude, List<String> schemas, List<LeftOut> leftOut,
            List<String> unmatchedExcludes) {

        public Outcome {
            include = List.copyOf(include);
            exclude = List.copyOf(exclude);
            schemas = List.copyOf(schemas);
            leftOut = List.copyOf(leftOut);
            unmatchedExcludes = List.copyOf(unmatchedExcludes);
        }
    }

    /**
     * Applies the patterns to the candidates of {@code database}.
     *
     * @param database the name of the database being backed up, which qualified patterns must name
     * @param candidates the database's non-system schemas, sorted by name
     * @throws BackupException naming the patterns that match nothing or name another database, or when nothing is
     *         left to back up
     */
    public Outcome resolve(String database, List<Candidate> candidates) {
        List<String> problems = new ArrayList<>();
        for (NamePattern pattern : concat(include, exclude)) {
            if (pattern.database() != null && !pattern.database().equals(database)) {
                problems.add("pattern " + quote(pattern.text()) + " names database " + quote(pattern.database())
                        + ", but the backup is of database " + quote(database)
                        + " (cross-database patterns are not supported)");
            }
        }
        if (problems.isEmpty()) {
            for (NamePattern pattern : include) {
                if (candidates.stream().noneMatch(candidate -> pattern.matches(candidate.name()))) {
                    problems.add("include pattern " + quote(pattern.text()) + " matches no schema");
                }
            }
            if (!problems.isEmpty()) {
                problems.add("system schemas and schemas that belong to an extension are never selected");
            }
        }
        if (!problems.isEmpty()) {
            throw new BackupException(SELECTING, String.join("; ", problems), false);
        }
        List<String> schemas = new ArrayList<>();
        List<LeftOut> leftOut = new ArrayList<>();
        Set<NamePattern> usedExcludes = new LinkedHashSet<>();
        for (Candidate candidate : candidates) {
            List<NamePattern> excludedBy = exclude.stream().filter(pattern -> pattern.matches(candidate.name()))
                    .toList();
            usedExcludes.addAll(excludedBy);
            if (!excludedBy.isEmpty()) {
                leftOut.add(new LeftOut(candidate.name(), "excluded by pattern " + quote(excludedBy.get(0).text())));
            } else if (!include.isEmpty()) {
                if (include.stream().anyMatch(pattern -> pattern.matches(candidate.name()))) {
                    schemas.add(candidate.name());
                } else {
                    leftOut.add(new LeftOut(candidate.name(), "not matched by any include pattern"));
                }
            } else if (candidate.ownedByMember() || candidate.name().equals("public")) {
                schemas.add(candidate.name());
            } else {
                leftOut.add(new LeftOut(candidate.name(), "owned by role " + quote(candidate.owner())
                        + ", which the user is not a member of (include it by name to back it up)"));
            }
        }
        if (schemas.isEmpty()) {
            throw new BackupException(SELECTING, "the selection leaves no schema to back up"
                    + (leftOut.isEmpty() ? "" : " (left out: " + String.join(", ", leftOut.stream()
                            .map(LeftOut::schema).toList()) + ")"),
                    false);
        }
        List<String> unmatched = exclude.stream().filter(pattern -> !usedExcludes.contains(pattern))
                .map(NamePattern::text).toList();
        return new Outcome(includePatterns(), excludePatterns(), schemas, leftOut, unmatched);
    }

    /**
     * Reads the candidates on {@code connection} and applies the patterns: the schemas of
     * {@link CatalogReader#userSchemas}, with their owners.
     */
    Outcome resolve(Connection connection, String database) throws SQLException {
        List<String> names = CatalogReader.userSchemas(connection);
        List<Candidate> candidates = new ArrayList<>();
        String sql = "SELECT n.nspname, pg_catalog.pg_get_userbyid(n.nspowner), "
                + "pg_catalog.pg_has_role(n.nspowner, 'MEMBER') FROM pg_catalog.pg_namespace n "
                + "WHERE n.nspname = ANY (?) ORDER BY n.nspname";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", names.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    candidates.add(new Candidate(rs.getString(1), rs.getString(2), rs.getBoolean(3)));
                }
            }
        }
        return resolve(database, candidates);
    }

    /** The statements that create an extension, as the catalog reader writes them, and comment on one. */
    private static final Pattern CREATE_EXTENSION = Pattern
            .compile("CREATE EXTENSION IF NOT EXISTS (\"(?:[^\"]|\"\")+\") WITH SCHEMA (\"(?:[^\"]|\"\")+\");");
    private static final Pattern COMMENT_ON_EXTENSION = Pattern
            .compile("(?s)COMMENT ON EXTENSION (\"(?:[^\"]|\"\")+\") IS .*");

    /**
     * The plan without the extensions that live in schemas the selection left out: those belong with their schema
     * (on a hosted database, to the platform), as pg_dump leaves them out of a dump of selected schemas.
     */
    static DumpPlan withoutLeftOutExtensions(DumpPlan plan, Outcome outcome) {
        Set<String> leftOut = new java.util.HashSet<>();
        outcome.leftOut().forEach(schema -> leftOut.add(Sql.ident(schema.schema())));
        Set<String> dropped = new java.util.HashSet<>();
        for (String statement : plan.preData()) {
            java.util.regex.Matcher create = CREATE_EXTENSION.matcher(statement);
            if (create.matches() && leftOut.contains(create.group(2))) {
                dropped.add(create.group(1));
            }
        }
        if (dropped.isEmpty()) {
            return plan;
        }
        List<String> preData = plan.preData().stream().filter(statement -> {
            java.util.regex.Matcher create = CREATE_EXTENSION.matcher(statement);
            java.util.regex.Matcher comment = COMMENT_ON_EXTENSION.matcher(statement);
            return !(create.matches() && dropped.contains(create.group(1)))
                    && !(comment.matches() && dropped.contains(comment.group(1)));
        }).toList();
        return new DumpPlan(plan.schemas(), preData, plan.tables(), plan.postData(), plan.lockTargets());
    }

    private static List<NamePattern> concat(List<NamePattern> a, List<NamePattern> b) {
        List<NamePattern> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String quote(String text) {
        return "\"" + text + "\"";
    }

    /**
     * One parsed pattern.
     *
     * @param text the pattern as given
     * @param database the database part of a qualified pattern, taken literally; null when unqualified
     * @param regex what a schema name must match, whole
     */
    record NamePattern(String text, String database, Pattern regex) {

        boolean matches(String schema) {
            return regex.matcher(schema).matches();
        }

        static NamePattern parse(String text) {
            if (text == null || text.isBlank()) {
                throw new IllegalArgumentException("an empty schema pattern; give a schema name or a pattern such as "
                        + "app_*");
            }
            List<StringBuilder> regexParts = new ArrayList<>(List.of(new StringBuilder()));
            List<StringBuilder> literalParts = new ArrayList<>(List.of(new StringBuilder()));
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                StringBuilder regex = regexParts.get(regexParts.size() - 1);
                StringBuilder literal = literalParts.get(literalParts.size() - 1);
                if (c == '"') {
                    if (quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        regex.append(Pattern.quote("\""));
                        literal.append('"');
                        i++;
                    } else {
                        quoted = !quoted;
                    }
                } else if (quoted) {
                    regex.append(Pattern.quote(String.valueOf(c)));
                    literal.append(c);
                } else if (c == '.') {
                    regexParts.add(new StringBuilder());
                    literalParts.add(new StringBuilder());
                } else if (c == '*') {
                    regex.append(".*");
                    literal.append(c);
                } else if (c == '?') {
                    regex.append('.');
                    literal.append(c);
                } else {
                    // Like the server's own folding of unquoted identifiers: ASCII letters only.
                    char folded = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
                    regex.append(Pattern.quote(String.valueOf(folded)));
                    literal.append(folded);
                }
            }
            if (quoted) {
                throw new IllegalArgumentException("schema pattern " + quote(text) + " has an unterminated double "
                        + "quote");
            }
            if (regexParts.size() > 2) {
                throw new IllegalArgumentException("schema pattern " + quote(text) + " has too many dotted names; "
                        + "use schema or database.schema");
            }
            String schema = regexParts.get(regexParts.size() - 1).toString();
            if (schema.isEmpty() || (regexParts.size() == 2 && literalParts.get(0).isEmpty())) {
                throw new IllegalArgumentException("schema pattern " + quote(text) + " has an empty name part");
            }
            String database = regexParts.size() == 2 ? literalParts.get(0).toString() : null;
            return new NamePattern(text, database, Pattern.compile(schema, Pattern.DOTALL));
        }
    }
}
