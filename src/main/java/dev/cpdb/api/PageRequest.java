package dev.cpdb.api;

import java.util.UUID;

import dev.cpdb.problem.InvalidInputException;

/**
 * Which page of a list a client asks for: items with ids below {@code before} (null for the first page), at most
 * {@code limit} of them.
 */
public record PageRequest(UUID before, int limit) {

    /** Page size when the client names none. */
    public static final int DEFAULT_LIMIT = 50;

    /** Largest page a client may ask for. */
    public static final int MAX_LIMIT = 200;

    /**
     * Reads the {@code cursor} and {@code limit} query parameters.
     *
     * @throws InvalidInputException for a foreign cursor or a limit outside 1..{@value #MAX_LIMIT}
     */
    public static PageRequest of(String cursor, String limit) {
        int size = limit == null || limit.isEmpty() ? DEFAULT_LIMIT : parseLimit(limit);
        if (size < 1 || size > MAX_LIMIT) {
            throw badLimit(limit);
        }
        UUID before = cursor == null || cursor.isEmpty() ? null : Cursor.decode(cursor);
        return new PageRequest(before, size);
    }

    private static int parseLimit(String limit) {
        if (!limit.matches("-?[0-9]{1,9}")) {
            throw badLimit(limit);
        }
        return Integer.parseInt(limit);
    }

    private static InvalidInputException badLimit(String limit) {
        return new InvalidInputException("Query parameter 'limit' is '" + Input.abbreviate(limit) + "'; use a whole "
                + "number from 1 to " + MAX_LIMIT + " (default " + DEFAULT_LIMIT + ")");
    }

    /** Rows to fetch: one more than the page, to learn whether another page follows. */
    public int fetchSize() {
        return limit + 1;
    }
}
