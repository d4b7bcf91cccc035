package dev.cpdb.issue.reference;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Keeps {@code issue_references} in step with issue text. Writers call it inside the transaction that changes a
 * description or a comment, so the references always match the committed text.
 */
@ApplicationScoped
public class IssueReferenceSync {

    private final IssueReferenceRepository references;

    public IssueReferenceSync(IssueReferenceRepository references) {
        this.references = references;
    }

    /**
     * Syncs the references of one text.
     *
     * @param commentId null for the issue's description, else the comment whose body {@code text} is
     * @param isNew true when the text was just created (nothing to remove, and nothing to do without mentions)
     */
    public Uni<IssueReferenceRepository.Change> sync(SqlClient tx, UUID companyId, String issuePrefix, UUID issueId,
            UUID commentId, String text, boolean isNew) {
        String[] mentioned = IssueMentions.in(text, issuePrefix).toArray(String[]::new);
        if (isNew && mentioned.length == 0) {
            return Uni.createFrom().item(new IssueReferenceRepository.Change(0, 0));
        }
        return references.replace(tx, companyId, issueId, commentId, mentioned);
    }
}
