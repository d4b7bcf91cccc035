package dev.cpdb.activity;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Access;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.auth.Caller;
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;
import io.smallrye.mutiny.Uni;

/**
 * Reads a company's activity log; entries are written only by the services that make the writes.
 */
@ApplicationScoped
public class ActivityService {

    private final Database database;
    private final CompanyRepository companies;
    private final ActivityRepository activity;

    public ActivityService(Database database, CompanyRepository companies, ActivityRepository activity) {
        this.database = database;
        this.companies = companies;
        this.activity = activity;
    }

    public Uni<Page<ActivityEntry>> list(Caller caller, UUID companyId, ActivityFilter filter, PageRequest page) {
        Access.requireCompany(caller, companyId);
        return companies.requireExists(database.pool(), companyId)
                .chain(ignored -> activity.list(database.pool(), companyId, filter, page))
                .onItem().transform(rows -> Page.of(rows, page, ActivityEntry::id));
    }

}
