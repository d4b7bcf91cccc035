package dev.cpdb.goal;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of a goal.
 */
public enum GoalStatus implements WireValue {
    PLANNED,
    ACTIVE,
    ACHIEVED,
    ABANDONED;

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }
}
