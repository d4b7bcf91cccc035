package dev.cpdb.issue.comment;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.issue_comments}.
 */
@ApplicationScoped
public class CommentRepository {

    public Uni<IssueComment> insert(SqlClient client, UUID id, UUID companyId, UUID issueId, String authorType,
            UUID authorAgentId, String body) {
        return client.preparedQuery("""
                INSERT INTO public.issue_comments (id, company_id, issue_id, author_type, author_agent_id, body)
                VALUES ($1, $2, $3, $4, $5, $6)
                RETURNING""" + " " + IssueComment.COLUMNS)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addUUID(companyId)
                        .addUUID(issueId)
                        .addString(authorType)
                        .addUUID(authorAgentId)
                        .addString(body))
                .onItem().transform(rows -> IssueComment.from(rows.iterator().next()));
    }

    /** The comment, if it exists and {@code scope} allows it; {@code lock} locks it until the transaction ends. */
    public Uni<Optional<IssueComment>> find(SqlClient client, UUID id, UUID scope, boolean lock) {
        return client.preparedQuery("SELECT " + IssueComment.COLUMNS + " FROM public.issue_comments "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)" + (lock ? " FOR UPDATE" : ""))
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, IssueComment::from));
    }

    /** A page of an issue's comments, newest first. */
    public Uni<List<IssueComment>> list(SqlClient client, UUID issueId, PageRequest page) {
        return client.preparedQuery("SELECT " + IssueComment.COLUMNS + """
                 FROM public.issue_comments
                WHERE issue_id = $1
                  AND ($2::uuid IS NULL OR id < $2)
                ORDER BY id DESC
                LIMIT $3""")
                .execute(Tuple.of(issueId, page.before(), page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, IssueComment::from));
    }

    /** Comments of the given issues, for the reference backfill. */
    public Uni<List<IssueComment>> ofIssues(SqlClient client, UUID[] issueIds) {
        return client.preparedQuery("SELECT " + IssueComment.COLUMNS + " FROM public.issue_comments "
                + "WHERE issue_id = ANY($1) ORDER BY id")
                .execute(Tuple.of((Object) issueIds))
                .onItem().transform(rows -> Rows.list(rows, IssueComment::from));
    }

    public Uni<IssueComment> update(SqlClient client, UUID id, String body) {
        return client.preparedQuery("UPDATE public.issue_comments SET body = $2 WHERE id = $1 RETURNING "
                + IssueComment.COLUMNS)
                .execute(Tuple.of(id, body))
                .onItem().transform(rows -> IssueComment.from(rows.iterator().next()));
    }

    /** Deletes the comment and the references its text made. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.issue_comments WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }
}
