package dev.cpdb.database.replica;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A position in PostgreSQL's write-ahead log (a {@code pg_lsn}), written the way PostgreSQL writes it: two
 * hexadecimal numbers of one to eight digits separated by a slash, such as {@code 0/3000060}. Positions compare as
 * unsigned 64-bit numbers, as PostgreSQL compares them.
 */
public record WalPosition(long value) implements Comparable<WalPosition> {

    /** Beyond any position a server reaches: a write whose position could not be read waits for nothing but time. */
    static final WalPosition UNKNOWN = new WalPosition(-1L);

    /** The longest text of a position: {@code FFFFFFFF/FFFFFFFF}. */
    private static final int MAX_LENGTH = 17;
    private static final Pattern TEXT = Pattern.compile("[0-9A-Fa-f]{1,8}/[0-9A-Fa-f]{1,8}");

    /**
     * Parses PostgreSQL's text form.
     *
     * @throws IllegalArgumentException when {@code text} is not one, with a message that shows the expected form
     */
    public static WalPosition parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || !TEXT.matcher(text).matches()) {
            throw new IllegalArgumentException("a WAL position is two hexadecimal numbers of up to eight digits "
                    + "separated by a slash, such as 0/3000060");
        }
        int slash = text.indexOf('/');
        long high = Long.parseLong(text.substring(0, slash), 16);
        long low = Long.parseLong(text.substring(slash + 1), 16);
        return new WalPosition(high << 32 | low);
    }

    /** PostgreSQL's text form. */
    public String text() {
        return String.format(Locale.ROOT, "%X/%X", value >>> 32, value & 0xFFFFFFFFL);
    }

    /** Whether this is a position a server reached, rather than the stand-in for a write whose position is unknown. */
    public boolean known() {
        return !equals(UNKNOWN);
    }

    /** Whether this position is {@code other} or later. */
    public boolean reached(WalPosition other) {
        return compareTo(other) >= 0;
    }

    /** The later of two positions, either of which may be null. */
    static WalPosition later(WalPosition a, WalPosition b) {
        if (a == null) {
            return b;
        }
        return b == null || a.reached(b) ? a : b;
    }

    @Override
    public int compareTo(WalPosition other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public String toString() {
        return text();
    }
}
