package dev.cpdb.settings;

import java.util.List;

/**
 * A feature's instance settings. Each feature that can be configured while the service runs provides one bean of this
 * type listing its definitions; the definitions are the one place each setting is described.
 */
public interface SettingsDeclaration {

    /** The feature's settings. */
    List<SettingDefinition> settings();
}
