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
    /** Single-quoted literals (with doubled quotes and E'' backslash escapes) and dollar-quoted strings. */
    private static final Pattern LITERAL = Pattern.compile(
            "[Ee]'(?:[^'\\\\]|\\\\.|'')*'|'(?:[^']|'')*'|(\\$[A-Za-z_0-9]*\\$)(?s:.*?)\\1");
    private static final int LONGEST_VALUE = 200;

    private StatementNames() {
    }

    /** The statement's name, remembered in {@code cache}; beyond {@code max} names new ones read {@code other}. */
    static String name(String template, Map<String, String> cache, int max) {
        String known = cache.get(template);
        if (known != null) {
            return known;
        }
        if (cache.size() >= max) {
            return "other";
        }
        String name = derive(template);
        cache.putIfAbsent(template, name);
        return name;
    }

    static String derive(String template) {
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

    /** The template with every string literal replaced by {@code '?'}. */
    static String redactLiterals(String template) {
        return LITERAL.matcher(template).replaceAll("'?'");
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
