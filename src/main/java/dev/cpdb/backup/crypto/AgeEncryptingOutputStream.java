package dev.cpdb.backup.crypto;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.List;

import javax.crypto.Cipher;

/**
 * Encrypts a stream to age X25519 recipients ({@code age-encryption.org/v1}), so that {@code age -d -i key} decrypts
 * it. The header is written at once; the payload goes out in 64 KiB chunks, so memory stays at one chunk whatever the
 * size. Closing writes the last chunk and closes the underlying stream.
 */
public final class AgeEncryptingOutputStream extends OutputStream {

    private final OutputStream out;
    private final byte[] payloadKey;
    private final byte[] chunk = new byte[AgeFormat.CHUNK];
    private int filled;
    private long counter;
    private boolean closed;

    /** Writes the header for the recipients to {@code out}. */
    public AgeEncryptingOutputStream(OutputStream out, List<AgeRecipient> recipients) throws IOException {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one recipient is needed");
        }
        this.out = out;
        SecureRandom random = new SecureRandom();
        byte[] fileKey = new byte[AgeFormat.FILE_KEY_BYTES];
        random.nextBytes(fileKey);
        try {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            line(header, AgeFormat.VERSION_LINE);
            for (AgeRecipient recipient : recipients) {
                writeStanza(header, recipient.publicKey(), fileKey);
            }
            header.write("---".getBytes(StandardCharsets.US_ASCII));
            byte[] mac = Hkdf.hmac(Hkdf.derive(fileKey, new byte[0], "header"), header.toByteArray());
            line(header, " " + AgeFormat.base64(mac));
            out.write(header.toByteArray());
            byte[] nonce = new byte[AgeFormat.NONCE_BYTES];
            random.nextBytes(nonce);
            out.write(nonce);
            payloadKey = Hkdf.derive(fileKey, nonce, "payload");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt: " + e.getMessage(), e);
        }
    }

    private static void writeStanza(ByteArrayOutputStream header, byte[] recipient, byte[] fileKey)
            throws GeneralSecurityException {
        byte[][] ephemeral = X25519.generate();
        byte[] share = ephemeral[1];
        byte[] shared = X25519.agree(ephemeral[0], recipient);
        byte[] salt = new byte[64];
        System.arraycopy(share, 0, salt, 0, 32);
        System.arraycopy(recipient, 0, salt, 32, 32);
        byte[] wrapKey = Hkdf.derive(shared, salt, AgeFormat.X25519_LABEL);
        byte[] body = AgeFormat.seal(Cipher.ENCRYPT_MODE, wrapKey, new byte[12], fileKey, 0, fileKey.length);
        line(header, "-> X25519 " + AgeFormat.base64(share));
        String encoded = AgeFormat.base64(body);
        // Body lines are 64 columns; a body that fills its last line exactly is followed by an empty line.
        int at = 0;
        while (true) {
            int end = Math.min(at + AgeFormat.COLUMNS, encoded.length());
            line(header, encoded.substring(at, end));
            if (end - at < AgeFormat.COLUMNS) {
                break;
            }
            at = end;
        }
    }

    private static void line(ByteArrayOutputStream header, String text) {
        header.writeBytes((text + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] { (byte) b }, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (closed) {
            throw new IOException("stream closed");
        }
        while (len > 0) {
            // A full chunk is held back until more data comes: only then is it known not to be the last one.
            if (filled == chunk.length) {
                emit(false);
            }
            int n = Math.min(len, chunk.length - filled);
            System.arraycopy(b, off, chunk, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    private void emit(boolean last) throws IOException {
        try {
            out.write(AgeFormat.seal(Cipher.ENCRYPT_MODE, payloadKey, AgeFormat.chunkNonce(counter, last), chunk, 0,
                    filled));
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot encrypt: " + e.getMessage(), e);
        }
        counter++;
        filled = 0;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            emit(true);
            out.flush();
        } finally {
            out.close();
        }
    }
}
