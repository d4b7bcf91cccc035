package dev.cpdb.database.simple;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A parameterized statement ({@code $1}, {@code $2}, ...) split into its fixed text and its parameter positions, so
 * that it can be rendered with literal values and sent in one simple-protocol message.
 *
 * <p>
 * Parameters are found by a small lexer that skips string constants (standard and {@code E'...'}), quoted
 * identifiers, dollar-quoted bodies and comments, so a {@code $1} inside any of them is left alone. Rendering
 * concatenates the fixed parts with the literals of the values; values are never scanned again, which is what makes
 * a value unable to change the statement's structure.
 */
final class StatementTemplate {

    private static final int CACHE_LIMIT = 2048;
    private static final Map<String, StatementTemplate> CACHE = new ConcurrentHashMap<>();

    /** The fixed text between parameters: one more entry than {@link #parameters}. */
    private final List<String> parts;
    /** Zero-based index of the value each parameter position refers to. */
    private final int[] parameters;
    private final int parameterCount;
    private final int textLength;

    private StatementTemplate(List<String> parts, int[] parameters) {
        this.parts = parts;
        this.parameters = parameters;
        int highest = 0;
        for (int parameter : parameters) {
            highest = Math.max(highest, parameter + 1);
        }
        this.parameterCount = highest;
        this.textLength = parts.stream().mapToInt(String::length).sum();
    }

    /** The template of {@code sql}; statements are static strings in this service, so templates are cached. */
    static StatementTemplate of(String sql) {
        StatementTemplate template = CACHE.get(sql);
        if (template == null) {
            template = parse(sql);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(sql, template);
        }
        return template;
    }

    /** Number of values the statement needs: the highest {@code $n}. */
    int parameterCount() {
        return parameterCount;
    }

    /** The statement with each {@code $n} replaced by {@code literals[n - 1]}. */
    String render(String[] literals) {
        int length = textLength;
        for (int parameter : parameters) {
            length += literals[parameter].length();
        }
        StringBuilder sql = new StringBuilder(length);
        for (int i = 0; i < parameters.length; i++) {
            sql.append(parts.get(i)).append(literals[parameters[i]]);
        }
        return sql.append(parts.get(parameters.length)).toString();
    }

    static StatementTemplate parse(String sql) {
        List<String> parts = new ArrayList<>();
        List<Integer> parameters = new ArrayList<>();
        int partStart = 0;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !identifierPart(sql.charAt(i - 2)));
                i = skipQuoted(sql, i + 1, '\'', escapes);
            } else if (c == '"') {
                i = skipQuoted(sql, i + 1, '"', false);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i + 2);
            } else if (c == '$' && (i == 0 || !identifierPart(sql.charAt(i - 1)))) {
                int digitsEnd = i + 1;
                while (digitsEnd < n && Character.isDigit(sql.charAt(digitsEnd))) {
                    digitsEnd++;
                }
                if (digitsEnd > i + 1) {
                    parts.add(sql.substring(partStart, i));
                    parameters.add(Integer.parseInt(sql.substring(i + 1, digitsEnd)) - 1);
                    partStart = digitsEnd;
                    i = digitsEnd;
                } else {
                    i = skipDollarQuoted(sql, i);
                }
            } else {
                i++;
            }
        }
        parts.add(sql.substring(partStart));
        int[] positions = parameters.stream().mapToInt(Integer::intValue).toArray();
        for (int position : positions) {
            if (position < 0) {
                throw new IllegalArgumentException("parameter $0 in statement: " + sql);
            }
        }
        return new StatementTemplate(List.copyOf(parts), positions);
    }

    private static boolean identifierPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    /** Index after the closing quote; a doubled quote (and, with escapes, a backslash pair) stays inside. */
    private static int skipQuoted(String sql, int from, char quote, boolean escapes) {
        int i = from;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (escapes && c == '\\') {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated " + quote + " in statement: " + sql);
    }

    private static int skipBlockComment(String sql, int from) {
        int depth = 1;
        int i = from;
        while (i < sql.length() && depth > 0) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
            } else {
                i++;
            }
        }
        return i;
    }

    /** At a {@code $} that is not a parameter: skips a dollar-quoted body if one starts here. */
    private static int skipDollarQuoted(String sql, int start) {
        int i = start + 1;
        while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
            i++;
        }
        if (i >= sql.length() || sql.charAt(i) != '$') {
            return start + 1;
        }
        String tag = sql.substring(start, i + 1);
        int end = sql.indexOf(tag, i + 1);
        if (end < 0) {
            throw new IllegalArgumentException("unterminated " + tag + " in statement: " + sql);
        }
        return end + tag.length();
    }
}
