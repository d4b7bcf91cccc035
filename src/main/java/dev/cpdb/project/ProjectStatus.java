package dev.cpdb.project;

import dev.cpdb.api.WireValue;

/**
 * Life cycle of a project.
 */
public enum ProjectStatus implements WireValue {
    PLANNED,
    ACTIVE,
    PAUSED,
    COMPLETED,
    CANCELLED
}
