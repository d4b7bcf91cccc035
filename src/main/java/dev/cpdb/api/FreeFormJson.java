package dev.cpdb.api;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.cpdb.problem.InvalidInputException;
import io.vertx.core.json.Json;

/**
 * Limits of the free-form JSON objects the API stores as sent (an agent's {@code adapterConfig}): whatever is stored
 * must be servable again, in a list next to other records, by every JSON writer on the way. A deeply nested value
 * would otherwise be accepted (the request parser allows far more nesting than a response writer does) and then break
 * every list that contains it. Request fields of any JSON type bound as they came ({@code Object}) pass the same
 * limits.
 */
public final class FreeFormJson {

    /** Deepest nesting of objects and arrays; the object itself is level 1. */
    public static final int MAX_DEPTH = 16;

    /** Most object members and array elements, counted over all levels. */
    public static final int MAX_ENTRIES = 2000;

    /** Largest size of the object written as compact JSON, in bytes of UTF-8. */
    public static final int MAX_BYTES = 256 * 1024;

    private FreeFormJson() {
    }

    /**
     * Checks a free-form value (an object, an array or a scalar) as bound from a request body: nesting, entry count,
     * size, and text that PostgreSQL can hold (no NUL character, no lone UTF-16 surrogate) in keys and string values,
     * and finite numbers.
     *
     * @param field the field's name in the request, used in messages
     * @return {@code value}
     * @throws InvalidInputException naming the field, the limit and where it was exceeded
     */
    public static <T> T check(String field, T value) {
        if (value == null) {
            return null;
        }
        int entries = walk(field, value, 1, new int[1]);
        if (entries > MAX_ENTRIES) {
            throw new InvalidInputException("Field '" + field + "' has more than " + MAX_ENTRIES + " members and "
                    + "elements in all; store less");
        }
        int bytes = Json.encode(value).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidInputException("Field '" + field + "' is " + bytes + " bytes as JSON; at most "
                    + MAX_BYTES + " are allowed");
        }
        return value;
    }

    /** Walks the value; returns the running entry count (in {@code count}) and stops early once it is over. */
    private static int walk(String path, Object value, int depth, int[] count) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            if (depth > MAX_DEPTH) {
                throw new InvalidInputException("Field '" + Input.abbreviate(path) + "' nests objects and arrays "
                        + "deeper than " + MAX_DEPTH + " levels; flatten it");
            }
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                String key = String.valueOf(entry.getKey());
                // Keys are shortened in the path so that a huge key cannot make every path below it huge too.
                String inner = path + "." + Input.abbreviate(key);
                Input.checkText(inner, key);
                if (++count[0] > MAX_ENTRIES) {
                    return count[0];
                }
                walk(inner, entry.getValue(), depth + 1, count);
            }
        } else if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                if (++count[0] > MAX_ENTRIES) {
                    return count[0];
                }
                walk(path + "[" + i + "]", list.get(i), depth + 1, count);
            }
        } else if (value instanceof String text) {
            Input.checkText(path, text);
        } else if (value instanceof Double number && !Double.isFinite(number)) {
            throw new InvalidInputException("Field '" + Input.abbreviate(path) + "' holds a number too large for "
                    + "JSON");
        }
        return count[0];
    }
}
