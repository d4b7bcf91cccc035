package dev.cpdb.activity;

import java.util.UUID;

/**
 * Optional narrowing of an activity listing; null fields do not filter.
 */
public record ActivityFilter(UUID entityId, String entityType, String action) {
}
