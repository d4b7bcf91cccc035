package dev.cpdb.secret;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.settings.SettingDefinition;
import dev.cpdb.settings.SettingsDeclaration;

/** Secrets strict mode as an instance setting; read at each agent environment write, so a change applies at once. */
@ApplicationScoped
public class SecretSettings implements SettingsDeclaration {

    @Override
    public List<SettingDefinition> settings() {
        return List.of(SettingDefinition.bool(SecretsConfig.STRICT_MODE_SETTING, "secrets", "Refuse new inline agent "
                + "environment values under sensitive-looking names (*_KEY, *TOKEN*, *SECRET*, *PASSWORD*) with 422",
                false));
    }
}
