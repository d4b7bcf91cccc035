package dev.cpdb.issue.reference;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.issue_references}.
 */
@ApplicationScoped
public class IssueReferenceRepository {

    /** Rows removed and added by one sync. */
    public record Change(int removed, int added) {

        public Change plus(Change other) {
            return new Change(removed + other.removed, added + other.added);
        }

        public boolean any() {
            return removed > 0 || added > 0;
        }
    }

    /**
     * Makes the references of one text (an issue's description when {@code commentId} is null, else that comment)
     * point at exactly the company's issues named in {@code identifiers}, keeping rows that stay.
     */
    public Uni<Change> replace(SqlClient client, UUID companyId, UUID issueId, UUID commentId, String[] identifiers) {
        return client.preparedQuery("""
                DELETE FROM public.issue_references r
                 WHERE r.source_issue_id = $1
                   AND r.source_comment_id IS NOT DISTINCT FROM $2
                   AND NOT EXISTS (SELECT 1 FROM public.issues t
                                    WHERE t.id = r.target_issue_id AND t.identifier = ANY($3))""")
                .execute(Tuple.of(issueId, commentId, identifiers))
                .onItem().transform(rows -> rows.rowCount())
                .chain(removed -> identifiers.length == 0 ? Uni.createFrom().item(new Change(removed, 0))
                        : insert(client, companyId, issueId, commentId, identifiers)
                                .onItem().transform(added -> new Change(removed, added)));
    }

    private Uni<Integer> insert(SqlClient client, UUID companyId, UUID issueId, UUID commentId,
            String[] identifiers) {
        return client.preparedQuery("""
                INSERT INTO public.issue_references (company_id, source_issue_id, source_comment_id, target_issue_id)
                SELECT $1, $2, $3, t.id
                  FROM public.issues t
                 WHERE t.company_id = $1 AND t.identifier = ANY($4) AND t.id <> $2
                ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(companyId, issueId, commentId, identifiers))
                .onItem().transform(rows -> rows.rowCount());
    }

    /** References from the issue's description and comments, with the mentioned issues. */
    public Uni<List<IssueReference>> outgoing(SqlClient client, UUID issueId) {
        return client.preparedQuery("""
                SELECT t.id, t.identifier, t.title, t.status, r.source_comment_id
                  FROM public.issue_references r
                  JOIN public.issues t ON t.id = r.target_issue_id
                 WHERE r.source_issue_id = $1
                 ORDER BY t.number, r.source_comment_id NULLS FIRST""")
                .execute(Tuple.of(issueId))
                .onItem().transform(rows -> Rows.list(rows, IssueReference::from));
    }

    /** References to the issue, with the mentioning issues. */
    public Uni<List<IssueReference>> incoming(SqlClient client, UUID issueId) {
        return client.preparedQuery("""
                SELECT s.id, s.identifier, s.title, s.status, r.source_comment_id
                  FROM public.issue_references r
                  JOIN public.issues s ON s.id = r.source_issue_id
                 WHERE r.target_issue_id = $1
                 ORDER BY s.number, r.source_comment_id NULLS FIRST""")
                .execute(Tuple.of(issueId))
                .onItem().transform(rows -> Rows.list(rows, IssueReference::from));
    }
}
