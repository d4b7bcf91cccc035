package dev.cpdb.company;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/companies/{id}}: fields left out stay unchanged. Limits are in {@link CompanyFields}.
 */
@Schema(description = "Fields to change; the issue prefix cannot change")
public final class CompanyPatch extends PatchBody {

    private String name;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
        mark("name", name);
    }
}
