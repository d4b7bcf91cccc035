package dev.cpdb.issue;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.issues} and of the per-company issue counter.
 */
@ApplicationScoped
public class IssueRepository {

    /** The values of an issue row that writes set. */
    record Values(String title, String description, IssueStatus status, IssuePriority priority, UUID projectId,
            UUID goalId, UUID assigneeAgentId) {
    }

    /** Which of an issue's links name records that exist in its company. */
    record LinkCheck(boolean project, boolean goal, boolean assignee) {
    }

    /**
     * Hands out the company's next issue number. The upsert locks the company's counter row until the transaction
     * ends, so concurrent creators wait for each other and never get the same number; a rolled-back creation gives
     * its number back.
     */
    public Uni<Long> nextNumber(SqlClient client, UUID companyId) {
        return client.preparedQuery("""
                INSERT INTO public.issue_counters AS c (company_id, last_number) VALUES ($1, 1)
                ON CONFLICT (company_id) DO UPDATE SET last_number = c.last_number + 1
                RETURNING last_number""")
                .execute(Tuple.of(companyId))
                .onItem().transform(rows -> rows.iterator().next().getLong("last_number"));
    }

    public Uni<Issue> insert(SqlClient client, UUID id, UUID companyId, long number, String identifier,
            Values values) {
        return client.preparedQuery("""
                INSERT INTO public.issues (id, company_id, number, identifier, title, description, status, priority,
                                           project_id, goal_id, assignee_agent_id, completed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, CASE WHEN $12 THEN now() END)
                RETURNING""" + " " + Issue.COLUMNS)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addUUID(companyId)
                        .addLong(number)
                        .addString(identifier)
                        .addString(values.title())
                        .addString(values.description())
                        .addString(values.status().wire())
                        .addString(values.priority().wire())
                        .addUUID(values.projectId())
                        .addUUID(values.goalId())
                        .addUUID(values.assigneeAgentId())
                        .addBoolean(values.status().closed()))
                .onItem().transform(rows -> Issue.from(rows.iterator().next()));
    }

    /** Checks in one query that the links of {@code values} name records of the company (null links pass). */
    public Uni<LinkCheck> checkLinks(SqlClient client, UUID companyId, Values values) {
        return client.preparedQuery("""
                SELECT ($2::uuid IS NULL OR EXISTS (SELECT 1 FROM public.projects
                                                      WHERE company_id = $1 AND id = $2)) AS project,
                       ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM public.goals
                                                      WHERE company_id = $1 AND id = $3)) AS goal,
                       ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM public.agents
                                                      WHERE company_id = $1 AND id = $4
                                                        AND status <> 'terminated')) AS assignee""")
                .execute(Tuple.of(companyId, values.projectId(), values.goalId(), values.assigneeAgentId()))
                .onItem().transform(rows -> linkCheck(rows.iterator().next()));
    }

    private static LinkCheck linkCheck(Row row) {
        return new LinkCheck(row.getBoolean("project"), row.getBoolean("goal"), row.getBoolean("assignee"));
    }

    /**
     * The issue named by id or identifier, if it exists and {@code scope} (a company id, or null for all) allows it;
     * {@code lock} also locks it until the transaction ends.
     */
    public Uni<Optional<Issue>> find(SqlClient client, IssueLocator locator, UUID scope, boolean lock) {
        String where = locator.id() != null ? "id = $1" : "identifier = $1";
        return client.preparedQuery("SELECT " + Issue.COLUMNS + " FROM public.issues WHERE " + where
                + " AND ($2::uuid IS NULL OR company_id = $2)" + (lock ? " FOR NO KEY UPDATE" : ""))
                .execute(Tuple.of(locator.id() != null ? locator.id() : locator.identifier(), scope))
                .onItem().transform(rows -> Rows.first(rows, Issue::from));
    }

    /** A page of a company's issues, newest first, narrowed by {@code filter}. */
    public Uni<List<Issue>> list(SqlClient client, UUID companyId, IssueFilter filter, PageRequest page) {
        return client.preparedQuery("SELECT " + Issue.COLUMNS + """
                 FROM public.issues
                WHERE company_id = $1
                  AND ($2::text IS NULL OR status = $2)
                  AND ($3::uuid IS NULL OR assignee_agent_id = $3)
                  AND ($4::uuid IS NULL OR project_id = $4)
                  AND ($5::uuid IS NULL OR goal_id = $5)
                  AND ($6::text IS NULL OR title ILIKE '%' || $6 || '%')
                  AND ($7::uuid IS NULL OR id < $7)
                ORDER BY id DESC
                LIMIT $8""")
                .execute(Tuple.tuple()
                        .addUUID(companyId)
                        .addString(filter.status() == null ? null : filter.status().wire())
                        .addUUID(filter.assigneeAgentId())
                        .addUUID(filter.projectId())
                        .addUUID(filter.goalId())
                        .addString(filter.titleContains() == null ? null : likeEscaped(filter.titleContains()))
                        .addUUID(page.before())
                        .addInteger(page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Issue::from));
    }

    /** Issues in id order after {@code after} (null: from the start), of one company or (null) all, for batch jobs. */
    public Uni<List<Issue>> batch(SqlClient client, UUID companyId, UUID after, int limit) {
        return client.preparedQuery("SELECT " + Issue.COLUMNS + """
                 FROM public.issues
                WHERE ($1::uuid IS NULL OR company_id = $1)
                  AND ($2::uuid IS NULL OR id > $2)
                ORDER BY id
                LIMIT $3""")
                .execute(Tuple.of(companyId, after, limit))
                .onItem().transform(rows -> Rows.list(rows, Issue::from));
    }

    public Uni<Issue> update(SqlClient client, UUID id, Values values) {
        return client.preparedQuery("""
                UPDATE public.issues
                   SET title = $2, description = $3, status = $4, priority = $5, project_id = $6, goal_id = $7,
                       assignee_agent_id = $8,
                       completed_at = CASE WHEN NOT $9 THEN NULL ELSE coalesce(completed_at, now()) END
                 WHERE id = $1
                RETURNING""" + " " + Issue.COLUMNS)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addString(values.title())
                        .addString(values.description())
                        .addString(values.status().wire())
                        .addString(values.priority().wire())
                        .addUUID(values.projectId())
                        .addUUID(values.goalId())
                        .addUUID(values.assigneeAgentId())
                        .addBoolean(values.status().closed()))
                .onItem().transform(rows -> Issue.from(rows.iterator().next()));
    }

    /** Deletes the issue with its comments and every reference from or to it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.issues WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }

    /** Escapes LIKE's wildcards so that a search text matches literally (backslash is LIKE's default escape). */
    static String likeEscaped(String text) {
        return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
