package dev.cpdb.backup.crypto;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;

import javax.crypto.KeyAgreement;

/** X25519 on raw 32-byte little-endian keys (RFC 7748), as age writes them, over the JDK's XDH provider. */
final class X25519 {

    /** The u-coordinate of the base point: agreeing with it yields a private key's public key. */
    private static final byte[] BASE_POINT = new byte[32];

    static {
        BASE_POINT[0] = 9;
    }

    private X25519() {
    }

    /** A fresh key pair: private scalar and public share, both 32 raw bytes. */
    static byte[][] generate() throws GeneralSecurityException {
        KeyPair pair = KeyPairGenerator.getInstance("X25519").generateKeyPair();
        byte[] scalar = ((XECPrivateKey) pair.getPrivate()).getScalar()
                .orElseThrow(() -> new GeneralSecurityException("the X25519 provider hides its private scalar"));
        byte[] share = fromU(((XECPublicKey) pair.getPublic()).getU());
        return new byte[][] { scalar, share };
    }

    /** The public key of a private scalar. */
    static byte[] publicKey(byte[] scalar) throws GeneralSecurityException {
        return agree(scalar, BASE_POINT);
    }

    /**
     * The shared secret of a private scalar and a peer's public key; refuses the all-zero result that a low-order
     * peer key gives, as age requires.
     */
    static byte[] agree(byte[] scalar, byte[] peer) throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance("XDH");
        PrivateKey privateKey = factory.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar));
        PublicKey publicKey = factory.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, toU(peer)));
        KeyAgreement agreement = KeyAgreement.getInstance("XDH");
        agreement.init(privateKey);
        agreement.doPhase(publicKey, true);
        byte[] secret = agreement.generateSecret();
        int or = 0;
        for (byte b : secret) {
            or |= b;
        }
        if (or == 0) {
            throw new GeneralSecurityException("low-order X25519 share");
        }
        return secret;
    }

    private static BigInteger toU(byte[] littleEndian) {
        byte[] bigEndian = new byte[32];
        for (int i = 0; i < 32; i++) {
            bigEndian[i] = littleEndian[31 - i];
        }
        // RFC 7748 ignores the top bit of the last byte.
        bigEndian[0] &= 0x7f;
        return new BigInteger(1, bigEndian);
    }

    private static byte[] fromU(BigInteger u) {
        byte[] bigEndian = u.toByteArray();
        byte[] out = new byte[32];
        for (int i = 0; i < 32 && i < bigEndian.length; i++) {
            out[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return out;
    }
}
