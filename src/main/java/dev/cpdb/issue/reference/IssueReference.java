package dev.cpdb.issue.reference;

import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.vertx.mutiny.sqlclient.Row;

/**
 * One mention between two issues, seen from one of them: {@code issue*} fields describe the other issue (the
 * mentioned one for outgoing references, the mentioning one for incoming), {@code source} says where the mention is.
 */
@Schema(description = "A mention between two issues; issue fields describe the other issue")
public record IssueReference(
        UUID issueId,
        String identifier,
        String title,
        String status,
        @Schema(enumeration = {
                "description", "comment" }) String source,
        @Schema(nullable = true, description = "The comment holding the mention, when source is comment") UUID commentId){

    static IssueReference from(Row row) {
        UUID commentId = row.getUUID("source_comment_id");
        return new IssueReference(
                row.getUUID("id"),
                row.getString("identifier"),
                row.getString("title"),
                row.getString("status"),
                commentId == null ? "description" : "comment",
                commentId);
    }
}
