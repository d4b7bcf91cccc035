package dev.cpdb.backup.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;

/**
 * Decrypts an age v1 stream ({@code age-encryption.org/v1}) with X25519 identities, as written by
 * {@link AgeEncryptingOutputStream} or {@code age -r}. The header is read and authenticated in the constructor; the
 * payload is then decrypted one 64 KiB chunk at a time, and no byte of a chunk is returned before its tag has been
 * checked. A truncated, extended or altered file fails with an {@link AgeException}.
 */
public final class AgeDecryptingInputStream extends InputStream {

    /** Headers written by cpdb or age are a few hundred bytes; this bounds what a hostile one can make us hold. */
    private static final int MAX_HEADER = 64 * 1024;
    private static final int MAX_LINE = 1024;

    private final InputStream in;
    private final byte[] payloadKey;
    private final byte[] sealed = new byte[AgeFormat.CHUNK + AgeFormat.TAG];
    private byte[] plain = new byte[0];
    private int position;
    private long counter;
    private boolean finished;
    private int lookahead = -2;
    private int headerBytes;

    /**
     * Reads the header and finds the file key with one of the identities.
     *
     * @throws AgeException when the header is malformed, none of the identities is a recipient, or the header's MAC
     *         is wrong
     */
    public AgeDecryptingInputStream(InputStream in, List<AgeIdentity> identities) throws IOException {
        this.in = in;
        ByteArrayOutputStream header = new ByteArrayOutputStream();
        if (!readLine(header).equals(AgeFormat.VERSION_LINE)) {
            throw new AgeException("not an age-encryption.org/v1 file");
        }
        List<String[]> stanzas = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        String line = readLine(header);
        while (line.startsWith("-> ")) {
            String[] args = line.substring(3).split(" ", -1);
            for (String arg : args) {
                if (arg.isEmpty()) {
                    throw new AgeException("the header has a malformed stanza");
                }
            }
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String bodyLine = readLine(header);
                if (bodyLine.length() > AgeFormat.COLUMNS) {
                    throw new AgeException("the header has a stanza line longer than 64 columns");
                }
                body.writeBytes(AgeFormat.unbase64(bodyLine));
                if (bodyLine.length() < AgeFormat.COLUMNS) {
                    break;
                }
            }
            stanzas.add(args);
            bodies.add(body.toByteArray());
            line = readLine(header);
        }
        if (stanzas.isEmpty() || !line.startsWith("--- ")) {
            throw new AgeException("the header is malformed");
        }
        byte[] macInput = header.toByteArray();
        // The MAC covers the header up to and including "---", without the space and the MAC itself.
        int macEnd = macInput.length - line.length() - 1 + 3;
        byte[] mac = AgeFormat.unbase64(line.substring(4));
        byte[] fileKey = unwrap(stanzas, bodies, identities);
        try {
            byte[] expected = Hkdf.hmac(Hkdf.derive(fileKey, new byte[0], "header"),
                    java.util.Arrays.copyOf(macInput, macEnd));
            if (!MessageDigest.isEqual(expected, mac)) {
                throw new AgeException("the header's MAC is wrong: the file was altered");
            }
            byte[] nonce = in.readNBytes(AgeFormat.NONCE_BYTES);
            if (nonce.length != AgeFormat.NONCE_BYTES) {
                throw new AgeException("the file is truncated: it ends before the payload");
            }
            payloadKey = Hkdf.derive(fileKey, nonce, "payload");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt: " + e.getMessage(), e);
        }
    }

    private static byte[] unwrap(List<String[]> stanzas, List<byte[]> bodies, List<AgeIdentity> identities)
            throws IOException {
        int x25519 = 0;
        for (int i = 0; i < stanzas.size(); i++) {
            String[] args = stanzas.get(i);
            if (!args[0].equals("X25519")) {
                continue;
            }
            x25519++;
            if (args.length != 2) {
                throw new AgeException("the header has a malformed X25519 stanza");
            }
            byte[] share = AgeFormat.unbase64(args[1]);
            byte[] body = bodies.get(i);
            if (share.length != 32 || body.length != AgeFormat.FILE_KEY_BYTES + AgeFormat.TAG) {
                throw new AgeException("the header has a malformed X25519 stanza");
            }
            for (AgeIdentity identity : identities) {
                byte[] recipient = identity.recipient().publicKey();
                try {
                    byte[] shared = X25519.agree(identity.scalar(), share);
                    byte[] salt = new byte[64];
                    System.arraycopy(share, 0, salt, 0, 32);
                    System.arraycopy(recipient, 0, salt, 32, 32);
                    byte[] wrapKey = Hkdf.derive(shared, salt, AgeFormat.X25519_LABEL);
                    return AgeFormat.seal(Cipher.DECRYPT_MODE, wrapKey, new byte[12], body, 0, body.length);
                } catch (AEADBadTagException notForThisIdentity) {
                    continue;
                } catch (GeneralSecurityException e) {
                    throw new AgeException("the header has an invalid X25519 share");
                }
            }
        }
        throw new AgeException(x25519 == 0 ? "the file has no X25519 recipient"
                : "none of the configured identities is a recipient of this file");
    }

    private String readLine(ByteArrayOutputStream header) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new AgeException("the file is truncated: it ends inside the header");
            }
            if (++headerBytes > MAX_HEADER) {
                throw new AgeException("the header is longer than " + MAX_HEADER + " bytes");
            }
            header.write(b);
            if (b == '\n') {
                return line.toString(StandardCharsets.US_ASCII);
            }
            if (b < 0x20 || b > 0x7e || line.size() >= MAX_LINE) {
                throw new AgeException("the header is malformed");
            }
            line.write(b);
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (position == plain.length) {
            if (finished) {
                return -1;
            }
            nextChunk();
        }
        int n = Math.min(len, plain.length - position);
        System.arraycopy(plain, position, b, off, n);
        position += n;
        return n;
    }

    private void nextChunk() throws IOException {
        int n = 0;
        if (lookahead >= 0) {
            sealed[n++] = (byte) lookahead;
        }
        lookahead = -2;
        n += in.readNBytes(sealed, n, sealed.length - n);
        boolean last;
        if (n == sealed.length) {
            // A full chunk is the last one exactly when nothing follows it.
            lookahead = in.read();
            last = lookahead < 0;
        } else {
            last = true;
        }
        if (n < AgeFormat.TAG) {
            throw new AgeException("the file is truncated: chunk " + counter + " is incomplete");
        }
        try {
            plain = AgeFormat.seal(Cipher.DECRYPT_MODE, payloadKey, AgeFormat.chunkNonce(counter, last), sealed, 0, n);
        } catch (AEADBadTagException e) {
            throw new AgeException("chunk " + counter + " fails authentication: the file was altered or truncated");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot decrypt: " + e.getMessage(), e);
        }
        if (last && plain.length == 0 && counter > 0) {
            throw new AgeException("the file ends with an empty chunk, which age never writes");
        }
        position = 0;
        counter++;
        finished = last;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
