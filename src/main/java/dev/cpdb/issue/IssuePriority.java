package dev.cpdb.issue;

import dev.cpdb.api.WireValue;

/**
 * How urgent an issue is.
 */
public enum IssuePriority implements WireValue {
    CRITICAL,
    HIGH,
    MEDIUM,
    LOW
}
