package dev.cpdb.settings;

import java.time.OffsetDateTime;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One setting as operators see it. A sensitive setting never shows its value, only whether one is set.
 *
 * @param value the effective value; absent for sensitive settings
 * @param isSet for sensitive settings: whether a value is set (anywhere)
 * @param source where the effective value comes from: {@code environment} (read-only here), {@code database} or
 *        {@code default}
 * @param editable whether {@code PATCH} may change it (not when the environment sets it)
 * @param environmentVariable the variable that overrides the stored value
 * @param problem why a value set in the environment or stored is not the one in force (it does not fit the setting
 *        as defined now); the default applies meanwhile
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SettingView(String key, String group, String type, String description, String range,
        List<String> choices, String defaultValue, String value, Boolean isSet, boolean sensitive, String source,
        boolean editable, String environmentVariable, OffsetDateTime updatedAt, String problem) {
}
