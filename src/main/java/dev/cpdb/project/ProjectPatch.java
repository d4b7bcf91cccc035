package dev.cpdb.project;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/projects/{id}}: fields left out stay unchanged. Limits are in {@link ProjectFields}.
 */
@Schema(description = "Fields to change")
public final class ProjectPatch extends PatchBody {

    private String name;
    private String description;
    private ProjectStatus status;

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
        mark("name", name);
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
        mark("description", description);
    }

    public ProjectStatus getStatus() {
        return status;
    }

    public void setStatus(ProjectStatus status) {
        this.status = status;
        mark("status", status);
    }
}
