package dev.cpdb.activity;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Access;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Reads;
import dev.cpdb.auth.Caller;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Reads a company's activity log; entries are written only by the services that make the writes. The log sits below
 * every feature that writes to it, companies included, so it asks its own repository whether a company exists.
 */
@ApplicationScoped
public class ActivityService {

    private final Reads reads;
    private final ActivityRepository activity;

    public ActivityService(ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.activity = activity;
    }

    public Uni<Page<ActivityEntry>> list(Caller caller, UUID companyId, ActivityFilter filter, PageRequest page) {
        Access.requireCompany(caller, companyId);
        SqlClient client = reads.client(caller);
        return activity.companyExists(client, companyId)
                .invoke(exists -> requireCompany(exists, companyId))
                .chain(ignored -> activity.list(client, companyId, filter, page))
                .onItem().transform(rows -> Page.of(rows, page, ActivityEntry::id));
    }

    private static void requireCompany(boolean exists, UUID companyId) {
        if (!exists) {
            throw new EntityNotFoundException("company", companyId);
        }
    }
}
