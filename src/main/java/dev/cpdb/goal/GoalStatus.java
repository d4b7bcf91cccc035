package dev.cpdb.goal;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of a goal.
 */
public enum GoalStatus implements WireValue {
    PLANNED,
    ACTIVE,
    ACHIEVED,
    ABANDONED
}
