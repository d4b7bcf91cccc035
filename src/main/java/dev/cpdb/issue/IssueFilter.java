package dev.cpdb.issue;

import java.util.UUID;

/**
 * Optional narrowing of an issue listing; null fields do not filter. {@code titleContains} matches case-insensitively
 * anywhere in the title.
 */
public record IssueFilter(IssueStatus status, UUID assigneeAgentId, UUID projectId, UUID goalId,
        String titleContains) {
}
