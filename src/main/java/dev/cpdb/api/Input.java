package dev.cpdb.api;

import java.util.Arrays;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import dev.cpdb.problem.InvalidInputException;

/**
 * Checks of request values that Jackson cannot express (required fields, lengths, patterns, enum words), each
 * failing with an {@link InvalidInputException} whose message names the field and what it accepts.
 */
public final class Input {

    private static final int ECHO_LIMIT = 60;

    private Input() {
    }

    /** A request body is present. */
    public static <T> T body(T body) {
        if (body == null) {
            throw new InvalidInputException("The request needs a JSON object as body");
        }
        return body;
    }

    /** A required field is present. */
    public static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidInputException("Field '" + field + "' is required");
        }
        return value;
    }

    /** A required text field with a length in characters between {@code min} and {@code max}; returned stripped. */
    public static String text(String field, String value, int min, int max) {
        return length(field, required(field, value).strip(), min, max);
    }

    /** An optional text field: null stays null; otherwise like {@link #text}. */
    public static String optionalText(String field, String value, int min, int max) {
        return value == null ? null : text(field, value, min, max);
    }

    /** A text kept exactly as sent (descriptions, comment bodies), at most {@code max} characters. */
    public static String verbatim(String field, String value, int min, int max) {
        return length(field, required(field, value), min, max);
    }

    /** A required text matching a pattern; {@code rule} describes the pattern for people. */
    public static String matching(String field, String value, Pattern pattern, String rule) {
        String text = required(field, value);
        if (!pattern.matcher(text).matches()) {
            throw new InvalidInputException("Field '" + field + "' is '" + abbreviate(text) + "'; " + rule);
        }
        return text;
    }

    /** A query parameter naming one of the words of an enum, or null when absent. */
    public static <E extends Enum<E> & WireValue> E queryEnum(String parameter, String value, Class<E> type) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return WireValue.parse(type, value)
                .orElseThrow(() -> new InvalidInputException("Query parameter '" + parameter + "' is '"
                        + abbreviate(value) + "'; use one of " + words(type)));
    }

    /** The accepted words of an enum, comma separated. */
    public static <E extends Enum<E> & WireValue> String words(Class<E> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(WireValue::wire)
                .collect(Collectors.joining(", "));
    }

    /** Shortens untrusted text for echoing in an error message and drops control characters. */
    public static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= ECHO_LIMIT ? clean : clean.substring(0, ECHO_LIMIT) + "...";
    }

    /**
     * Text that PostgreSQL can store as sent: no NUL character, and no lone UTF-16 surrogate (JSON lets a client
     * escape half a character, {@code "\\ud800"}, which has no UTF-8 form and would be stored as {@code ?}).
     *
     * @throws InvalidInputException naming the field and the position of the offending character
     */
    public static String checkText(String field, String value) {
        if (value.indexOf(0) >= 0) {
            throw new InvalidInputException("Field '" + abbreviate(field) + "' contains a NUL character (\\u0000), "
                    + "which PostgreSQL text cannot hold");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new InvalidInputException("Field '" + abbreviate(field) + "' contains a lone UTF-16 surrogate "
                        + String.format("(\\u%04x", (int) c) + " at character " + (i + 1) + "), which is half of a "
                        + "character and cannot be stored; send the whole character (both halves of its escape pair)");
            }
        }
        return value;
    }

    private static String length(String field, String value, int min, int max) {
        checkText(field, value);
        int length = value.codePointCount(0, value.length());
        if (length < min) {
            throw new InvalidInputException(min == 1 ? "Field '" + field + "' must not be empty"
                    : "Field '" + field + "' needs at least " + min + " characters");
        }
        if (length > max) {
            throw new InvalidInputException("Field '" + field + "' has " + length + " characters; at most " + max
                    + " are allowed");
        }
        return value;
    }
}
