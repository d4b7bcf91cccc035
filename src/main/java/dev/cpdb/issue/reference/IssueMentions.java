package dev.cpdb.issue.reference;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds mentions of a company's issues in text: its issue prefix, a dash and a number without leading zero
 * ({@code ACME-42}), standing alone (not inside a longer word such as {@code XACME-42} or {@code ACME-42b}).
 * Identifiers of other companies are not mentions: references never cross companies.
 */
public final class IssueMentions {

    /** At most this many distinct mentions are taken from one text, which bounds the work of one write. */
    static final int MAX_MENTIONS = 1000;

    private IssueMentions() {
    }

    /** Distinct identifiers mentioned in {@code text}, in order of first appearance. */
    public static Set<String> in(String text, String issuePrefix) {
        Set<String> found = new LinkedHashSet<>();
        if (text == null || text.isEmpty() || !text.contains(issuePrefix + "-")) {
            return found;
        }
        Matcher matcher = Pattern.compile("(?<![A-Za-z0-9_])" + Pattern.quote(issuePrefix)
                + "-[1-9][0-9]{0,17}(?![A-Za-z0-9_])").matcher(text);
        while (matcher.find() && found.size() < MAX_MENTIONS) {
            found.add(matcher.group());
        }
        return found;
    }
}
