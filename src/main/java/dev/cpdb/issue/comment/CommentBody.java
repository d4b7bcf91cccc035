package dev.cpdb.issue.comment;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Body of comment creation and of comment edits: the text (mentions of other issues become references).
 */
public record CommentBody(@Schema(required = true, minLength = 1, maxLength = 100000) String body) {
}
