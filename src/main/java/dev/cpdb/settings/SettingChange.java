package dev.cpdb.settings;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * The body of {@code PATCH /api/settings/{key}}: {@code {"value": ...}}, a string, number or boolean, or {@code null}
 * for the default. Bound by the service's strict JSON policy (unknown and repeated fields refused) and checked within
 * the limits of free-form JSON, like every other body.
 */
public class SettingChange extends PatchBody {

    static final String VALUE = "value";

    @Schema(description = "The new value as a string, number or boolean; null goes back to the default", oneOf = {
            String.class, Long.class, Boolean.class }, nullable = true)
    public Object getValue() {
        return sent(VALUE);
    }

    public void setValue(Object value) {
        mark(VALUE, value);
    }
}
