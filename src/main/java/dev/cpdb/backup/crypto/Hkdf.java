package dev.cpdb.backup.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF-SHA256 (RFC 5869) for 32-byte outputs, which is all age derives. */
final class Hkdf {

    private Hkdf() {
    }

    /** 32 bytes of output; an empty salt means 32 zero bytes, as RFC 5869 says. */
    static byte[] derive(byte[] ikm, byte[] salt, String info) throws GeneralSecurityException {
        byte[] prk = hmac(salt.length == 0 ? new byte[32] : salt, ikm);
        byte[] infoBytes = info.getBytes(StandardCharsets.US_ASCII);
        byte[] input = new byte[infoBytes.length + 1];
        System.arraycopy(infoBytes, 0, input, 0, infoBytes.length);
        input[infoBytes.length] = 1;
        return hmac(prk, input);
    }

    /** HMAC-SHA256 of data under a key. */
    static byte[] hmac(byte[] key, byte[] data) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data);
    }
}
