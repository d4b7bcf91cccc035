package dev.cpdb.issue;

import java.util.UUID;
import java.util.regex.Pattern;

import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.problem.InvalidInputException;

/**
 * How a path names an issue: by id, or by identifier such as {@code ACME-42}. Exactly one field is set.
 */
public record IssueLocator(UUID id, String identifier) {

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Z][A-Z0-9]{1,9}-[1-9][0-9]{0,17}");

    /**
     * @throws InvalidInputException when the text is neither
     */
    public static IssueLocator parse(String text) {
        if (text != null && IDENTIFIER.matcher(text).matches()) {
            return new IssueLocator(null, text);
        }
        if (text != null && text.length() == 36) {
            return new IssueLocator(Ids.parse("issue id", text), null);
        }
        throw new InvalidInputException("'" + Input.abbreviate(text) + "' is neither an issue id (a UUID) nor an issue "
                + "identifier such as ACME-42");
    }

    @Override
    public String toString() {
        return id != null ? id.toString() : identifier;
    }
}
