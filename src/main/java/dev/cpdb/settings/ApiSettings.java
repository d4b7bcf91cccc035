package dev.cpdb.settings;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.api.BodySizeLimit;
import io.quarkus.runtime.configuration.MemorySizeConverter;

/** The API's body limit as an instance setting, applied to the next request once changed. */
@ApplicationScoped
public class ApiSettings implements SettingsDeclaration {

    static final String MAX_BODY_SIZE = "api.max-body-size";

    private final InstanceSettings settings;
    private final BodySizeLimit limit;

    public ApiSettings(InstanceSettings settings, BodySizeLimit limit) {
        this.settings = settings;
        this.limit = limit;
    }

    @Override
    public List<SettingDefinition> settings() {
        return List.of(SettingDefinition.text(MAX_BODY_SIZE, "api", "Largest request body accepted under /api/; "
                + "larger ones are refused with 413 before they are read (1K to 2M, the server's own limit)", "1M",
                false, ApiSettings::checkSize));
    }

    static String checkSize(String value) {
        long bytes;
        try {
            bytes = bytes(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(MAX_BODY_SIZE + " is \"" + value + "\"; use a size such as 512K or 1M");
        }
        if (bytes < 1024 || bytes > BodySizeLimit.SERVER_LIMIT) {
            throw new IllegalArgumentException(MAX_BODY_SIZE + " is \"" + value + "\"; use a size from 1K to 2M (the "
                    + "server's own limit)");
        }
        return value.strip();
    }

    private static long bytes(String value) {
        return new MemorySizeConverter().convert(value.strip()).asLongValue();
    }

    void apply(@Observes SettingsChanged changed) {
        if (changed.touches(MAX_BODY_SIZE)) {
            limit.limit(bytes(settings.value(MAX_BODY_SIZE)));
        }
    }
}
