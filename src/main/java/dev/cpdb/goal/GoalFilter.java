package dev.cpdb.goal;

import java.util.UUID;

/**
 * Optional narrowing of a goal listing; null fields do not filter.
 */
public record GoalFilter(GoalStatus status, UUID parentId, UUID projectId) {
}
