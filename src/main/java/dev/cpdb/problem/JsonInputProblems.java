package dev.cpdb.problem;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Says in the client's terms what is wrong with a JSON body that Jackson could not bind: which field, what was sent,
 * what is accepted. Messages name JSON fields and JSON types, never Java classes.
 */
final class JsonInputProblems {

    private static final int ECHO_LIMIT = 60;

    private JsonInputProblems() {
    }

    static String describe(MismatchedInputException e) {
        String field = path(e.getPath());
        if (e instanceof UnrecognizedPropertyException unknown) {
            // The path already ends with the unknown field itself.
            return "Unknown field '" + (field.isEmpty() ? unknown.getPropertyName() : field) + "'" + accepted(unknown)
                    + "; unknown fields are refused so that typos do not go unnoticed";
        }
        String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
        if (original.startsWith("Trailing token")) {
            return "The request body has more text after its JSON value; send exactly one JSON object";
        }
        if (field.isEmpty()) {
            return e.getTargetType() == null || e.getPath().isEmpty() && isEndOfInput(e)
                    ? "The request body must be a JSON object"
                    : "The request body must be " + expected(e.getTargetType());
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() != null
                && format.getTargetType().isEnum()) {
            return "Field '" + field + "' is '" + echo(format.getValue()) + "'; use one of "
                    + enumWords(format.getTargetType());
        }
        if (e instanceof InvalidFormatException format && format.getTargetType() == UUID.class) {
            return "Field '" + field + "' is '" + echo(format.getValue()) + "', which is not a UUID";
        }
        return "Field '" + field + "' must be " + expected(e.getTargetType());
    }

    /** A JSON syntax error with its position, without the parser's internal source description. */
    static String syntax(JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable input" : e.getOriginalMessage();
        int internal = message.indexOf(" (start marker at");
        if (internal < 0) {
            internal = message.indexOf("\n at [Source");
        }
        if (internal >= 0) {
            message = message.substring(0, internal);
        }
        String where = e.getLocation() == null ? ""
                : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
        return "The request body is not valid JSON" + where + ": " + message;
    }

    private static boolean isEndOfInput(MismatchedInputException e) {
        String message = e.getOriginalMessage();
        return message != null && message.contains("end-of-input");
    }

    /** JSON path of the failing value, e.g. {@code adapterConfig.env.API_KEY} or {@code items[2].name}. */
    static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String accepted(UnrecognizedPropertyException e) {
        Collection<Object> known = e.getKnownPropertyIds();
        if (known == null || known.isEmpty()) {
            return "";
        }
        return "; accepted fields: " + known.stream().map(String::valueOf).sorted().collect(Collectors.joining(", "));
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "of another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == UUID.class) {
            return "a UUID string";
        }
        if (type.isEnum()) {
            return "one of " + enumWords(type);
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (Map.class.isAssignableFrom(type) || type.isRecord() || !type.getName().startsWith("java.")) {
            return "a JSON object";
        }
        return "of another type";
    }

    private static String enumWords(Class<?> type) {
        return Arrays.stream(type.getEnumConstants())
                .map(JsonInputProblems::wire)
                .collect(Collectors.joining(", "));
    }

    /** The JSON word of an enum constant: its {@link JsonValue} when it has one. */
    private static String wire(Object constant) {
        for (var method : constant.getClass().getMethods()) {
            if (method.isAnnotationPresent(JsonValue.class) && method.getParameterCount() == 0) {
                try {
                    return String.valueOf(method.invoke(constant));
                } catch (ReflectiveOperationException e) {
                    break;
                }
            }
        }
        return constant.toString();
    }

    /** Untrusted text shortened for a message or a log line, control characters replaced. */
    static String echo(Object value) {
        String text = String.valueOf(value).replaceAll("\\p{Cntrl}", "?");
        return text.length() <= ECHO_LIMIT ? text : text.substring(0, ECHO_LIMIT) + "...";
    }
}
