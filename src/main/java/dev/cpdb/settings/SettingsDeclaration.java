package dev.cpdb.settings;

import java.util.List;

/**
 * A feature's instance settings. Each feature that can be configured while the service runs provides one bean of this
 * type listing its definitions; the definitions are the one place each setting is described.
 */
public interface SettingsDeclaration {

    /** The feature's settings; cheap, never blocking. */
    List<SettingDefinition> settings();

    /**
     * Reads definitions that come from outside the code again (the plugins folder), for {@link #settings()} to return
     * from now on. Blocking; called at start-up, by commands and every few seconds on a worker thread.
     */
    default void reread() {
    }

    /**
     * Refuses a change that is valid on its own but unsafe with the other settings in force, before it is stored.
     *
     * @param value the new value in stored form, or the baseline when the setting goes back to its default
     * @param effective the value in force of any other setting
     * @throws SettingRefusedException (409) naming what to change first
     */
    default void vet(String key, String value, java.util.function.UnaryOperator<String> effective) {
    }
}
