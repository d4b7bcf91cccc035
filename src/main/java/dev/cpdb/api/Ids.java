package dev.cpdb.api;

import java.security.SecureRandom;
import java.util.UUID;

import dev.cpdb.problem.InvalidInputException;

/**
 * Identifiers of runtime records: UUID version 7 (RFC 9562), so that ids sort by creation time and one index on
 * {@code (company_id, id)} serves both lookups and keyset pagination in creation order.
 *
 * <p>
 * Within one process ids are strictly increasing: ids made in the same millisecond count up in the 12 bits after the
 * timestamp (the RFC's "fixed-length dedicated counter" method); the remaining 62 bits are random.
 */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int COUNTER_BITS = 12;
    private static final long COUNTER_MAX = (1L << COUNTER_BITS) - 1;

    private static long lastMillis;
    private static long counter;

    private Ids() {
    }

    /** A new, unique, time-ordered id. */
    public static UUID next() {
        long millis;
        long sequence;
        synchronized (Ids.class) {
            long now = System.currentTimeMillis();
            if (now > lastMillis) {
                lastMillis = now;
                // Start low in the counter space so that a burst in one millisecond rarely overflows it.
                counter = RANDOM.nextInt(1 << (COUNTER_BITS - 2));
            } else if (counter < COUNTER_MAX) {
                counter++;
            } else {
                // Counter exhausted (or the clock went back): borrow the next millisecond.
                lastMillis++;
                counter = 0;
            }
            millis = lastMillis;
            sequence = counter;
        }
        long high = (millis << 16) | (0x7L << 12) | sequence;
        long low = (RANDOM.nextLong() & 0x3FFF_FFFF_FFFF_FFFFL) | 0x8000_0000_0000_0000L;
        return new UUID(high, low);
    }

    /**
     * Parses an id from a path or query parameter.
     *
     * @param what how the parameter is called in messages, e.g. {@code "company id"}
     * @throws InvalidInputException when the text is not a UUID
     */
    public static UUID parse(String what, String text) {
        if (text == null || text.length() != 36) {
            throw invalid(what, text);
        }
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw invalid(what, text);
        }
    }

    private static InvalidInputException invalid(String what, String text) {
        return new InvalidInputException(
                "'" + Input.abbreviate(text) + "' is not a valid " + what + "; ids are UUIDs such as "
                        + "0192f3a0-7c1e-7d2a-9b3c-4d5e6f708192");
    }
}
