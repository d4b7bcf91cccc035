package dev.cpdb.issue.reference;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Answer of {@code GET /api/issues/{id}/references}.
 */
public record IssueReferences(
        @Schema(description = "Issues this issue's description or comments mention") List<IssueReference> outgoing,
        @Schema(description = "Issues whose description or comments mention this issue") List<IssueReference> incoming) {
}
