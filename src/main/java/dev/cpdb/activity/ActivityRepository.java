package dev.cpdb.activity;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Ids;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of the append-only activity log. Writers call {@link #append} with the connection of their own transaction, so
 * a write and its log entry commit or roll back together.
 */
@ApplicationScoped
public class ActivityRepository {

    /**
     * Appends one entry; the entity type is the part of {@code action} before the dot ({@code issue.created} is about
     * an {@code issue}).
     */
    public Uni<Void> append(SqlClient client, Actor actor, UUID companyId, String action, UUID entityId,
            JsonObject details) {
        String entityType = action.substring(0, action.indexOf('.'));
        return client.preparedQuery("""
                INSERT INTO public.activity_log
                    (id, company_id, actor_type, actor_id, action, entity_type, entity_id, details)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)""")
                .execute(Tuple.tuple()
                        .addUUID(Ids.next())
                        .addUUID(companyId)
                        .addString(actor.type().column())
                        .addUUID(actor.id())
                        .addString(action)
                        .addString(entityType)
                        .addUUID(entityId)
                        .addJsonObject(details == null ? new JsonObject() : details))
                .replaceWithVoid();
    }

    /** Whether the company exists (its log may be empty). */
    public Uni<Boolean> companyExists(SqlClient client, UUID companyId) {
        return client.preparedQuery("SELECT 1 FROM public.companies WHERE id = $1")
                .execute(Tuple.of(companyId))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /** A page of a company's entries, newest first, optionally narrowed to one entity, entity type or action. */
    public Uni<List<ActivityEntry>> list(SqlClient client, UUID companyId, ActivityFilter filter,
            PageRequest page) {
        return page(client, "company_id = $1", companyId, filter, page);
    }

    /** A page of the instance's own entries (about no company, such as setting changes), newest first. */
    public Uni<List<ActivityEntry>> listInstance(SqlClient client, ActivityFilter filter, PageRequest page) {
        return page(client, "company_id IS NULL AND $1::uuid IS NULL", null, filter, page);
    }

    // Two separate conditions rather than IS NOT DISTINCT FROM, which no index serves.
    private Uni<List<ActivityEntry>> page(SqlClient client, String scope, UUID companyId, ActivityFilter filter,
            PageRequest page) {
        return client.preparedQuery("SELECT " + ActivityEntry.COLUMNS + " FROM public.activity_log WHERE " + scope
                + """

                          AND ($2::uuid IS NULL OR entity_id = $2)
                          AND ($3::text IS NULL OR entity_type = $3)
                          AND ($4::text IS NULL OR action = $4)
                          AND ($5::uuid IS NULL OR id < $5)
                        ORDER BY id DESC
                        LIMIT $6""")
                .execute(Tuple.tuple()
                        .addUUID(companyId)
                        .addUUID(filter.entityId())
                        .addString(filter.entityType())
                        .addString(filter.action())
                        .addUUID(page.before())
                        .addInteger(page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, ActivityEntry::from));
    }
}
