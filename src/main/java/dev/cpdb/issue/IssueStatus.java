package dev.cpdb.issue;

import dev.cpdb.api.WireValue;

/**
 * Workflow state of an issue; {@code done} and {@code cancelled} close it (and set {@code completedAt}).
 */
public enum IssueStatus implements WireValue {
    BACKLOG,
    TODO,
    IN_PROGRESS,
    IN_REVIEW,
    BLOCKED,
    DONE,
    CANCELLED;

    /** Whether the issue is finished. */
    public boolean closed() {
        return this == DONE || this == CANCELLED;
    }
}
