package dev.cpdb.settings;

import java.util.Set;

/**
 * Fired (synchronously, as a CDI event) when the effective values of instance settings may have changed: at start-up
 * and whenever a change made on any replica reaches this one.
 *
 * @param keys the keys whose stored values changed (every key at start-up)
 */
public record SettingsChanged(Set<String> keys) {

    /** Whether {@code key} is among the changed ones. */
    public boolean touches(String key) {
        return keys.contains(key);
    }
}
