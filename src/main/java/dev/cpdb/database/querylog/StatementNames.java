package dev.cpdb.database.querylog;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Short names for statements (a verb and the first table it names, such as {@code select issues}), and the text
 * forms the query log writes: templates with their literals redacted and values shortened.
 */
final class StatementNames {

    private static final Pattern VERB = Pattern.compile("^\\s*(?:/\\*.*?\\*/\\s*)?([A-Za-z]+)", Pattern.DOTALL);
    private static final Pattern TABLE = Pattern.compile(
            "\\b(?:FROM|INTO|UPDATE|TABLE)\\s+((?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*)"
                    + "(?:\\.(?:\"[^\"]+\"|[A-Za-z_][A-Za-z0-9_$]*))?)",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern DOLLAR_TAG = Pattern.compile("\\$[A-Za-z_0-9]*\\$");
    private static final int LONGEST_VALUE = 200;

    /** How much of a statement names it: the verb and the first table come early, and scripts hold huge ones. */
    static final int NAMING_PREFIX = 1000;

    /** The longest template a log line shows. */
    static final int LONGEST_TEMPLATE = 4000;

    private StatementNames() {
    }

    /** The statement's name, remembered in {@code cache}; beyond {@code max} names new ones read {@code other}. */
    static String name(String template, Map<String, String> cache, int max) {
        // Keyed by a bounded prefix, so the cache never keeps a script's large statements alive.
        String key = template.length() > NAMING_PREFIX ? template.substring(0, NAMING_PREFIX) : template;
        String known = cache.get(key);
        if (known != null) {
            return known;
        }
        if (cache.size() >= max) {
            return "other";
        }
        String name = derive(key);
        cache.putIfAbsent(key, name);
        return name;
    }

    static String derive(String statement) {
        String template = statement.length() > NAMING_PREFIX ? statement.substring(0, NAMING_PREFIX) : statement;
        Matcher verb = VERB.matcher(template);
        if (!verb.find()) {
            return "other";
        }
        String name = verb.group(1).toLowerCase(Locale.ROOT);
        Matcher table = TABLE.matcher(redactLiterals(template));
        if (table.find()) {
            name = name + " " + table.group(1).replace("\"", "").toLowerCase(Locale.ROOT);
        }
        return name;
    }

    /**
     * The template with every string literal (single-quoted, with doubled quotes or {@code E''} backslash escapes,
     * and dollar-quoted) replaced by {@code '?'}. A literal left open runs to the end. Linear in the length, whatever
     * the text.
     */
    static String redactLiterals(String template) {
        StringBuilder out = new StringBuilder(Math.min(template.length(), LONGEST_TEMPLATE + 16));
        int i = 0;
        int length = template.length();
        while (i < length) {
            char c = template.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (template.charAt(i - 1) == 'E' || template.charAt(i - 1) == 'e')
                        && (i < 2 || !Character.isLetterOrDigit(template.charAt(i - 2)));
                if (escapes) {
                    out.setLength(out.length() - 1);
                }
                i = endOfQuoted(template, i + 1, escapes);
                out.append("'?'");
            } else if (c == '$') {
                Matcher tag = DOLLAR_TAG.matcher(template).region(i, Math.min(length, i + 64));
                int close = tag.lookingAt() ? template.indexOf(tag.group(), tag.end()) : -1;
                if (close >= 0) {
                    out.append("'?'");
                    i = close + tag.group().length();
                } else {
                    out.append(c);
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
            if (out.length() > LONGEST_TEMPLATE) {
                out.setLength(LONGEST_TEMPLATE);
                return out.append("…(").append(length).append(" characters)").toString();
            }
        }
        return out.toString();
    }

    /** The index after the closing quote of a literal whose text starts at {@code from}. */
    private static int endOfQuoted(String text, int from, boolean backslashEscapes) {
        int i = from;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == '\'') {
                if (i + 1 < text.length() && text.charAt(i + 1) == '\'') {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return text.length();
    }

    /** A value as the log shows it: strings quoted and shortened, binary values by size. */
    static String show(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[] bytes) {
            return "<" + bytes.length + " bytes>";
        }
        if (value instanceof io.vertx.core.buffer.Buffer buffer) {
            return "<" + buffer.length() + " bytes>";
        }
        String text = value.toString();
        if (text.length() > LONGEST_VALUE) {
            text = text.substring(0, LONGEST_VALUE) + "…(" + text.length() + " characters)";
        }
        return value instanceof Number || value instanceof Boolean ? text : "'" + text.replace("'", "''") + "'";
    }
}
