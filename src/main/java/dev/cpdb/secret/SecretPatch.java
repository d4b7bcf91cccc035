package dev.cpdb.secret;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/secrets/{id}}: only the description changes this way; values change by rotation. Limits are in
 * {@link SecretFields}.
 */
@Schema(description = "Fields to change; a new value is a new version (POST .../versions)")
public final class SecretPatch extends PatchBody {

    private String description;

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
        mark("description", description);
    }
}
