package dev.cpdb.api;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

import dev.cpdb.problem.InvalidInputException;

/**
 * The opaque keyset-pagination cursor: the id of the last item of a page, encoded so that clients treat it as a
 * token rather than an id. Lists are ordered by id, newest first, so the next page holds the ids below it.
 */
public final class Cursor {

    private static final byte VERSION = 1;
    private static final int LENGTH = 17;

    private Cursor() {
    }

    /** Encodes the id of the last item of a page. */
    public static String encode(UUID lastId) {
        ByteBuffer bytes = ByteBuffer.allocate(LENGTH)
                .put(VERSION)
                .putLong(lastId.getMostSignificantBits())
                .putLong(lastId.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /**
     * Decodes a cursor sent back by a client.
     *
     * @throws InvalidInputException when the text was not made by {@link #encode}
     */
    public static UUID decode(String cursor) {
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(cursor);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
        if (bytes.length != LENGTH || bytes[0] != VERSION) {
            throw invalid();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
        return new UUID(buffer.getLong(), buffer.getLong());
    }

    private static InvalidInputException invalid() {
        return new InvalidInputException("Query parameter 'cursor' is not a cursor of this list; pass the "
                + "'nextCursor' of the previous page unchanged, or leave it out for the first page");
    }
}
