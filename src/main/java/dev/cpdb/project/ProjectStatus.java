package dev.cpdb.project;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of a project.
 */
public enum ProjectStatus implements WireValue {
    PLANNED,
    ACTIVE,
    PAUSED,
    COMPLETED,
    CANCELLED;

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }
}
