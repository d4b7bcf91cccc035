package dev.cpdb.goal;

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
 * SQL of {@code public.goals}.
 */
@ApplicationScoped
public class GoalRepository {

    /** Class part of the transaction-level advisory lock that serializes changes to one company's goal tree. */
    private static final int GOAL_TREE_LOCK = 0x676f616c;

    /** The values of a goal row that writes set. */
    record Values(String title, String description, GoalStatus status, UUID parentId, UUID projectId) {
    }

    public Uni<Goal> insert(SqlClient client, UUID id, UUID companyId, Values values) {
        return client.preparedQuery("""
                INSERT INTO public.goals (id, company_id, title, description, status, parent_id, project_id)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                RETURNING""" + " " + Goal.COLUMNS)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addUUID(companyId)
                        .addString(values.title())
                        .addString(values.description())
                        .addString(values.status().wire())
                        .addUUID(values.parentId())
                        .addUUID(values.projectId()))
                .onItem().transform(rows -> Goal.from(rows.iterator().next()));
    }

    /** The goal, if it exists and {@code scope} (a company id, or null for all) allows it. */
    public Uni<Optional<Goal>> find(SqlClient client, UUID id, UUID scope, boolean lock) {
        return client.preparedQuery("SELECT " + Goal.COLUMNS + " FROM public.goals "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)" + (lock ? " FOR NO KEY UPDATE" : ""))
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Goal::from));
    }

    /** Whether the goal exists in the company. */
    public Uni<Boolean> existsInCompany(SqlClient client, UUID companyId, UUID id) {
        return client.preparedQuery("SELECT 1 FROM public.goals WHERE company_id = $1 AND id = $2")
                .execute(Tuple.of(companyId, id))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /**
     * Serializes re-parenting within one company until the transaction ends, so that two concurrent moves cannot
     * close a cycle that neither saw (a transaction-level lock: safe behind a transaction pooler).
     */
    public Uni<Void> lockTree(SqlClient client, UUID companyId) {
        return client.preparedQuery("SELECT pg_advisory_xact_lock($1, hashtext($2))")
                .execute(Tuple.of(GOAL_TREE_LOCK, companyId.toString()))
                .replaceWithVoid();
    }

    /** Whether {@code goalId} is {@code start} or one of its ancestors. */
    public Uni<Boolean> isSelfOrAncestor(SqlClient client, UUID goalId, UUID start) {
        return client.preparedQuery("""
                WITH RECURSIVE chain (id, parent_id, depth) AS (
                    SELECT id, parent_id, 1 FROM public.goals WHERE id = $1
                    UNION ALL
                    SELECT g.id, g.parent_id, chain.depth + 1
                      FROM public.goals g
                      JOIN chain ON g.id = chain.parent_id
                     WHERE chain.depth < 10000
                )
                SELECT EXISTS (SELECT 1 FROM chain WHERE id = $2) AS found""")
                .execute(Tuple.of(start, goalId))
                .onItem().transform(rows -> rows.iterator().next().getBoolean("found"));
    }

    /** A page of a company's goals, newest first, optionally narrowed by status, parent or project. */
    public Uni<List<Goal>> list(SqlClient client, UUID companyId, GoalFilter filter, PageRequest page) {
        return client.preparedQuery("SELECT " + Goal.COLUMNS + """
                 FROM public.goals
                WHERE company_id = $1
                  AND ($2::text IS NULL OR status = $2)
                  AND ($3::uuid IS NULL OR parent_id = $3)
                  AND ($4::uuid IS NULL OR project_id = $4)
                  AND ($5::uuid IS NULL OR id < $5)
                ORDER BY id DESC
                LIMIT $6""")
                .execute(Tuple.tuple()
                        .addUUID(companyId)
                        .addString(filter.status() == null ? null : filter.status().wire())
                        .addUUID(filter.parentId())
                        .addUUID(filter.projectId())
                        .addUUID(page.before())
                        .addInteger(page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Goal::from));
    }

    public Uni<Goal> update(SqlClient client, UUID id, Values values) {
        return client.preparedQuery("""
                UPDATE public.goals
                   SET title = $2, description = $3, status = $4, parent_id = $5, project_id = $6
                 WHERE id = $1
                RETURNING""" + " " + Goal.COLUMNS)
                .execute(Tuple.tuple()
                        .addUUID(id)
                        .addString(values.title())
                        .addString(values.description())
                        .addString(values.status().wire())
                        .addUUID(values.parentId())
                        .addUUID(values.projectId()))
                .onItem().transform(rows -> Goal.from(rows.iterator().next()));
    }

    /** Deletes the goal; fails while sub-goals or issues refer to it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.goals WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }
}
