package dev.cpdb.settings;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

/** A sensitive setting that exists only in tests, to check encryption at rest and that its value is never shown. */
@ApplicationScoped
public class SensitiveTestSetting implements SettingsDeclaration {

    static final String KEY = "testing.sensitive-token";

    @Override
    public List<SettingDefinition> settings() {
        return List.of(SettingDefinition.text(KEY, "testing", "A token only tests define", "", true, value -> {
            if (!value.isEmpty() && value.length() < 8) {
                throw new IllegalArgumentException(KEY + ": use at least 8 characters");
            }
            return value;
        }));
    }
}
