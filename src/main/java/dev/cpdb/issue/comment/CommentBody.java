package dev.cpdb.issue.comment;

/**
 * Body of comment creation and of comment edits: the text (mentions of other issues become references);
 * its limits are in {@link CommentFields}.
 */
public record CommentBody(String body) {
}
