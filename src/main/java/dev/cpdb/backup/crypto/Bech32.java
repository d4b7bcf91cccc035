package dev.cpdb.backup.crypto;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Bech32 (BIP 173) as age uses it for keys, without the 90-character limit of the original specification. */
final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = { 0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3 };

    /** A decoded string: its human-readable part in lower case and its data bytes. */
    record Decoded(String hrp, byte[] data) {
    }

    private Bech32() {
    }

    /** Decodes a string; the message of the exception says what is wrong, never the string itself. */
    static Decoded decode(String text) {
        if (!text.equals(text.toLowerCase(Locale.ROOT)) && !text.equals(text.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("it mixes upper and lower case");
        }
        String lower = text.toLowerCase(Locale.ROOT);
        int separator = lower.lastIndexOf('1');
        if (separator < 1 || separator + 7 > lower.length()) {
            throw new IllegalArgumentException("it is not a bech32 string");
        }
        String hrp = lower.substring(0, separator);
        for (int i = 0; i < hrp.length(); i++) {
            char c = hrp.charAt(i);
            if (c < 33 || c > 126) {
                throw new IllegalArgumentException("it is not a bech32 string");
            }
        }
        int[] values = new int[lower.length() - separator - 1];
        for (int i = 0; i < values.length; i++) {
            int value = CHARSET.indexOf(lower.charAt(separator + 1 + i));
            if (value < 0) {
                throw new IllegalArgumentException("it contains a character bech32 does not use");
            }
            values[i] = value;
        }
        if (polymod(hrp, values, values.length) != 1) {
            throw new IllegalArgumentException("its checksum is wrong (a typo or a truncated key?)");
        }
        return new Decoded(hrp, toBytes(values, values.length - 6));
    }

    /** Encodes bytes under a human-readable part, in lower case. */
    static String encode(String hrp, byte[] data) {
        int[] values = toFiveBits(data);
        int[] withChecksum = new int[values.length + 6];
        System.arraycopy(values, 0, withChecksum, 0, values.length);
        int mod = polymod(hrp, withChecksum, withChecksum.length) ^ 1;
        for (int i = 0; i < 6; i++) {
            withChecksum[values.length + i] = (mod >>> (5 * (5 - i))) & 31;
        }
        StringBuilder out = new StringBuilder(hrp).append('1');
        for (int value : withChecksum) {
            out.append(CHARSET.charAt(value));
        }
        return out.toString();
    }

    private static int polymod(String hrp, int[] values, int length) {
        int chk = 1;
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) >> 5);
        }
        chk = step(chk, 0);
        for (int i = 0; i < hrp.length(); i++) {
            chk = step(chk, hrp.charAt(i) & 31);
        }
        for (int i = 0; i < length; i++) {
            chk = step(chk, values[i]);
        }
        return chk;
    }

    private static int step(int chk, int value) {
        int top = chk >>> 25;
        chk = ((chk & 0x1ffffff) << 5) ^ value;
        for (int i = 0; i < 5; i++) {
            if (((top >>> i) & 1) != 0) {
                chk ^= GENERATOR[i];
            }
        }
        return chk;
    }

    private static byte[] toBytes(int[] values, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int acc = 0;
        int bits = 0;
        for (int i = 0; i < length; i++) {
            acc = (acc << 5) | values[i];
            bits += 5;
            if (bits >= 8) {
                bits -= 8;
                out.write((acc >>> bits) & 0xff);
            }
        }
        // Padding must be shorter than a group and zero, so that each key has exactly one spelling.
        if (bits >= 5 || (acc & ((1 << bits) - 1)) != 0) {
            throw new IllegalArgumentException("its padding is invalid");
        }
        return out.toByteArray();
    }

    private static int[] toFiveBits(byte[] data) {
        int[] out = new int[(data.length * 8 + 4) / 5];
        int acc = 0;
        int bits = 0;
        int n = 0;
        for (byte b : data) {
            acc = (acc << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                bits -= 5;
                out[n++] = (acc >>> bits) & 31;
            }
        }
        if (bits > 0) {
            out[n] = (acc << (5 - bits)) & 31;
        }
        return out;
    }
}
