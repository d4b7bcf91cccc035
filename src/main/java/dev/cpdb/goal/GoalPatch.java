package dev.cpdb.goal;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/goals/{id}}: fields left out stay unchanged; {@code parentId} or {@code projectId} sent as
 * null detach the goal. Limits are in {@link GoalFields}.
 */
@Schema(description = "Fields to change; null parentId or projectId detaches")
public final class GoalPatch extends PatchBody {

    private String title;
    private String description;
    private GoalStatus status;
    private UUID parentId;
    private UUID projectId;

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
        mark("title", title);
    }

    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
        mark("description", description);
    }

    public GoalStatus getStatus() {
        return status;
    }

    public void setStatus(GoalStatus status) {
        this.status = status;
        mark("status", status);
    }

    public UUID getParentId() {
        return parentId;
    }

    public void setParentId(UUID parentId) {
        this.parentId = parentId;
        mark("parentId", parentId);
    }

    public UUID getProjectId() {
        return projectId;
    }

    public void setProjectId(UUID projectId) {
        this.projectId = projectId;
        mark("projectId", projectId);
    }
}
