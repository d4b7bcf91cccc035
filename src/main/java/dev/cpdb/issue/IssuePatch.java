package dev.cpdb.issue;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import dev.cpdb.api.PatchBody;

/**
 * Body of {@code PATCH /api/issues/{id}}: fields left out stay unchanged; {@code projectId}, {@code goalId} or
 * {@code assigneeAgentId} sent as null clear the link. Limits are in {@link IssueFields}.
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

    public IssueStatus getStatus() {
        return status;
    }

    public void setStatus(IssueStatus status) {
        this.status = status;
        mark("status", status);
    }

    public IssuePriority getPriority() {
        return priority;
    }

    public void setPriority(IssuePriority priority) {
        this.priority = priority;
        mark("priority", priority);
    }

    public UUID getProjectId() {
        return projectId;
    }

    public void setProjectId(UUID projectId) {
        this.projectId = projectId;
        mark("projectId", projectId);
    }

    public UUID getGoalId() {
        return goalId;
    }

    public void setGoalId(UUID goalId) {
        this.goalId = goalId;
        mark("goalId", goalId);
    }

    public UUID getAssigneeAgentId() {
        return assigneeAgentId;
    }

    public void setAssigneeAgentId(UUID assigneeAgentId) {
        this.assigneeAgentId = assigneeAgentId;
        mark("assigneeAgentId", assigneeAgentId);
    }
}
