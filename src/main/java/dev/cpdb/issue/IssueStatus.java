package dev.cpdb.issue;

import com.fasterxml.jackson.annotation.JsonValue;

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

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }

    /** Whether the issue is finished. */
    public boolean closed() {
        return this == DONE || this == CANCELLED;
    }
}
