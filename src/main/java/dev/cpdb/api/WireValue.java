package dev.cpdb.api;

import java.util.Optional;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * An enum whose constants travel as lower-case words in JSON, query parameters and database columns
 * ({@code in_progress}, not {@code IN_PROGRESS}).
 */
public interface WireValue {

    /**
     * The word used on the wire and in the database. Enums re-declare it with {@link JsonValue}, where both Jackson
     * and the OpenAPI generator find it.
     */
    default String wire() {
        return ((Enum<?>) this).name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The constant for a word, if there is one. */
    static <E extends Enum<E> & WireValue> Optional<E> parse(Class<E> type, String word) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wire().equals(word)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    /** The constant for a word read from the database, where only valid words can be stored. */
    static <E extends Enum<E> & WireValue> E fromColumn(Class<E> type, String word) {
        return parse(type, word).orElseThrow(() -> new IllegalStateException("unexpected " + type.getSimpleName()
                + " in the database: " + word));
    }
}
