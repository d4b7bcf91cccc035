package dev.cpdb.activity;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Access;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;

/**
 * Reads a company's activity log; entries are written only by the services that make the writes. The log sits below
 * every feature that writes to it, companies included, so it asks its own repository whether a company exists.
 */
@ApplicationScoped
public class ActivityService {

    private final Database database;
    private final ActivityRepository activity;

    public ActivityService(Database database, ActivityRepository activity) {
        this.database = database;
        this.activity = activity;
    }

    public Uni<Page<ActivityEntry>> list(Caller caller, UUID companyId, ActivityFilter filter, PageRequest page) {
        Access.requireCompany(caller, companyId);
        return activity.companyExists(database.pool(), companyId)
                .invoke(exists -> requireCompany(exists, companyId))
                .chain(ignored -> activity.list(database.pool(), companyId, filter, page))
                .onItem().transform(rows -> Page.of(rows, page, ActivityEntry::id));
    }

    private static void requireCompany(boolean exists, UUID companyId) {
        if (!exists) {
            throw new EntityNotFoundException("company", companyId);
        }
    }
}
