package dev.cpdb.problem;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.vertx.pgclient.PgException;

/**
 * Turns PostgreSQL errors that the client caused into problem answers: a duplicate (SQLSTATE 23505) or a record
 * still referenced by others (23503) is a 409 saying which; a value the schema refuses (23514, 22xxx) a 400.
 * Everything else stays a server error.
 */
final class DatabaseProblems {

    /** What a unique constraint protects, by constraint name (see the core migrations). */
    private static final Map<String, String> DUPLICATES = Map.ofEntries(
            Map.entry("companies_issue_prefix_key", "Another company already uses this issuePrefix"),
            Map.entry("agents_company_name_unique", "The company already has an agent with this name"),
            Map.entry("projects_company_name_unique", "The company already has a project with this name"),
            Map.entry("company_secrets_company_name_unique", "The company already has a secret with this name"),
            Map.entry("issues_identifier_unique", "An issue with this identifier already exists"));

    /** Plural nouns of tables, for "still referenced by ..." messages. */
    private static final Map<String, String> NOUNS = Map.ofEntries(
            Map.entry("companies", "company"),
            Map.entry("agents", "agent"),
            Map.entry("projects", "project"),
            Map.entry("goals", "goal"),
            Map.entry("issues", "issue"),
            Map.entry("issue_comments", "comment"),
            Map.entry("company_secrets", "secret"),
            Map.entry("agent_secret_refs", "agent environment entry"),
            Map.entry("agent_api_keys", "API key"));

    /** PostgreSQL's wording for a delete blocked by a foreign key: the referenced table, then the referencing one. */
    private static final Pattern STILL_REFERENCED = Pattern.compile(
            "update or delete on table \"(\\w+)\" violates foreign key constraint \"\\w+\" on table \"(\\w+)\"");

    private DatabaseProblems() {
    }

    /** The status and detail for an error the client caused, or null when it is a server error. */
    static Answer answer(PgException e) {
        String state = e.getSqlState();
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "23505" -> new Answer(409, DUPLICATES.getOrDefault(e.getConstraint(),
                    "A record with these values already exists"));
            case "23503" -> new Answer(409, foreignKey(e));
            case "23514", "23502" -> new Answer(400, "A value was refused by the schema ("
                    + (e.getConstraint() == null ? "not null" : e.getConstraint()) + "); check the field limits in "
                    + "/q/openapi");
            case "22001", "22003", "22007", "22008", "22P02", "22P05", "22021", "2202E" ->
                new Answer(400, "A value is out of range or not valid for its field");
            case "40001", "40P01", "55P03" -> new Answer(503, "The request collided with a concurrent one; retry it");
            default -> null;
        };
    }

    private static String foreignKey(PgException e) {
        String message = e.getErrorMessage() == null ? "" : e.getErrorMessage();
        Matcher blocked = STILL_REFERENCED.matcher(message);
        if (blocked.find()) {
            return "This " + noun(blocked.group(1)) + " is still referenced by at least one " + noun(blocked.group(2))
                    + "; remove or reassign those first";
        }
        return "A record this request refers to does not exist (any more)";
    }

    private static String noun(String table) {
        return NOUNS.getOrDefault(table, "record");
    }

    /** A status and the detail to show. */
    record Answer(int status, String detail) {
    }
}
