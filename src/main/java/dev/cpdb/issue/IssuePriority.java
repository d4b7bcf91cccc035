package dev.cpdb.issue;

import com.fasterxml.jackson.annotation.JsonValue;

import dev.cpdb.api.WireValue;

/**
 * How urgent an issue is.
 */
public enum IssuePriority implements WireValue {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW;

    /** The word on the wire and in the database; declared here so that schema generators see it. */
    @Override
    @JsonValue
    public String wire() {
        return WireValue.super.wire();
    }
}
