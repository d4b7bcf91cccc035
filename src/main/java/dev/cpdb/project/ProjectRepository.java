package dev.cpdb.project;

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
 * SQL of {@code public.projects}.
 */
@ApplicationScoped
public class ProjectRepository {

    /** The values of a project row that writes set. */
    record Values(String name, String description, ProjectStatus status) {
    }

    public Uni<Project> insert(SqlClient client, UUID id, UUID companyId, Values values) {
        return client.preparedQuery("""
                INSERT INTO public.projects (id, company_id, name, description, status)
                VALUES ($1, $2, $3, $4, $5)
                RETURNING""" + " " + Project.COLUMNS)
                .execute(Tuple.of(id, companyId, values.name(), values.description(), values.status().wire()))
                .onItem().transform(rows -> Project.from(rows.iterator().next()));
    }

    /** The project, if it exists and {@code scope} (a company id, or null for all) allows it. */
    public Uni<Optional<Project>> find(SqlClient client, UUID id, UUID scope, boolean lock) {
        return client.preparedQuery("SELECT " + Project.COLUMNS + " FROM public.projects "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)" + (lock ? " FOR NO KEY UPDATE" : ""))
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Project::from));
    }

    /** Whether the project exists in the company. */
    public Uni<Boolean> existsInCompany(SqlClient client, UUID companyId, UUID id) {
        return client.preparedQuery("SELECT 1 FROM public.projects WHERE company_id = $1 AND id = $2")
                .execute(Tuple.of(companyId, id))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /** A page of a company's projects, newest first, optionally only those with one status. */
    public Uni<List<Project>> list(SqlClient client, UUID companyId, ProjectStatus status, PageRequest page) {
        return client.preparedQuery("SELECT " + Project.COLUMNS + """
                 FROM public.projects
                WHERE company_id = $1
                  AND ($2::text IS NULL OR status = $2)
                  AND ($3::uuid IS NULL OR id < $3)
                ORDER BY id DESC
                LIMIT $4""")
                .execute(Tuple.of(companyId, status == null ? null : status.wire(), page.before(), page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Project::from));
    }

    public Uni<Project> update(SqlClient client, UUID id, Values values) {
        return client.preparedQuery("""
                UPDATE public.projects SET name = $2, description = $3, status = $4
                 WHERE id = $1
                RETURNING""" + " " + Project.COLUMNS)
                .execute(Tuple.of(id, values.name(), values.description(), values.status().wire()))
                .onItem().transform(rows -> Project.from(rows.iterator().next()));
    }

    /** Deletes the project; fails while issues or goals belong to it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.projects WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }
}
