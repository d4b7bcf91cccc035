package dev.cpdb.issue;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/issues/{id}}: fields left out stay unchanged; {@code projectId}, {@code goalId} or
 * {@code assigneeAgentId} sent as null clear the link.
 */
@Schema(description = "Fields to change; null projectId, goalId or assigneeAgentId clears the link")
public final class IssuePatch extends PatchBody {

    private String title;
    private String description;
    private IssueStatus status;
    private IssuePriority priority;
    private UUID projectId;
    private UUID goalId;
    private UUID assigneeAgentId;

    @Schema(minLength = 1, maxLength = 500)
    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
        mark("title");
    }

    @Schema(maxLength = 100000)
    public String getDescription() {
        return description;
    }

    public void setDescription(String description) {
        this.description = description;
        mark("description");
    }

    public IssueStatus getStatus() {
        return status;
    }

    public void setStatus(IssueStatus status) {
        this.status = status;
        mark("status");
    }

    public IssuePriority getPriority() {
        return priority;
    }

    public void setPriority(IssuePriority priority) {
        this.priority = priority;
        mark("priority");
    }

    @Schema(nullable = true)
    public UUID getProjectId() {
        return projectId;
    }

    public void setProjectId(UUID projectId) {
        this.projectId = projectId;
        mark("projectId");
    }

    @Schema(nullable = true)
    public UUID getGoalId() {
        return goalId;
    }

    public void setGoalId(UUID goalId) {
        this.goalId = goalId;
        mark("goalId");
    }

    @Schema(nullable = true)
    public UUID getAssigneeAgentId() {
        return assigneeAgentId;
    }

    public void setAssigneeAgentId(UUID assigneeAgentId) {
        this.assigneeAgentId = assigneeAgentId;
        mark("assigneeAgentId");
    }
}
