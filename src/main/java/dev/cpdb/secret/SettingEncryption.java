package dev.cpdb.secret;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.settings.SettingCipher;

/** Sensitive instance settings encrypted with the secrets master key, each bound to its key. */
@ApplicationScoped
public class SettingEncryption implements SettingCipher {

    private final MasterKey masterKey;
    private final SecretCipher cipher;

    public SettingEncryption(MasterKey masterKey, SecretCipher cipher) {
        this.masterKey = masterKey;
        this.cipher = cipher;
    }

    @Override
    public boolean available() {
        return masterKey.configured();
    }

    @Override
    public byte[] seal(String key, String value) {
        return cipher.sealBound("instance-setting:" + key, value);
    }

    @Override
    public String open(String key, byte[] sealed) {
        return cipher.openBound("instance-setting:" + key, sealed);
    }
}
