package dev.cpdb.settings;

/** Encrypts the values of sensitive settings at rest, bound to their key (implemented with the secrets master key). */
public interface SettingCipher {

    /** Whether values can be sealed now (a master key is configured). */
    boolean available();

    /** The value sealed for storage under {@code key}. */
    byte[] seal(String key, String value);

    /**
     * The value stored under {@code key}.
     *
     * @throws IllegalStateException when it cannot be opened (another master key, or tampered)
     */
    String open(String key, byte[] sealed);
}
