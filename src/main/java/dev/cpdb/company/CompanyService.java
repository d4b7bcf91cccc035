package dev.cpdb.company;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.api.Access;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Reads;
import dev.cpdb.api.field.CheckedPatch;
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for companies. Only operators create, rename or delete companies; an agent sees its own.
 */
@ApplicationScoped
public class CompanyService {

    private final Database database;
    private final Reads reads;
    private final CompanyRepository companies;
    private final ActivityRepository activity;

    public CompanyService(Database database, CompanyRepository companies, ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.companies = companies;
        this.activity = activity;
    }

    public Uni<Company> create(Caller caller, CompanyCreate body) {
        Input.body(body);
        String name = CompanyFields.NAME.created(body.name());
        String prefix = CompanyFields.ISSUE_PREFIX.created(body.issuePrefix());
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.insert(tx, id, name, prefix)
                .call(company -> activity.append(tx, Actor.of(caller), id, "company.created", id,
                        JsonObject.of("name", name, "issuePrefix", prefix))));
    }

    public Uni<Company> get(Caller caller, UUID id) {
        return companies.find(reads.client(caller), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("company", id));
    }

    public Uni<Page<Company>> list(Caller caller, PageRequest page) {
        return companies.list(reads.client(caller), Access.scope(caller), page)
                .onItem().transform(rows -> Page.of(rows, page, Company::id));
    }

    public Uni<Company> update(Caller caller, UUID id, CompanyPatch body) {
        CheckedPatch<Company> patch = CheckedPatch.of(body, CompanyFields.PATCHED);
        return database.pool().withTransaction(tx -> companies.lock(tx, id)
                .onItem().transform(EntityNotFoundException.orNotFound("company", id))
                .chain(current -> applyPatch(tx, caller, patch.onto(current))));
    }

    private Uni<Company> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Company> merged) {
        Company current = merged.current();
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        String name = merged.value(CompanyFields.NAME);
        return companies.rename(tx, current.id(), name)
                .call(renamed -> activity.append(tx, Actor.of(caller), current.id(), "company.updated", current.id(),
                        JsonObject.of("changed", changed, "name", name)));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> companies.delete(tx, id)
                .onItem().transform(deleted -> requireFound(deleted, id))
                .call(ignored -> activity.append(tx, Actor.of(caller), id, "company.deleted", id, new JsonObject()))
                .replaceWithVoid());
    }

    private static boolean requireFound(boolean found, UUID id) {
        if (!found) {
            throw new EntityNotFoundException("company", id);
        }
        return true;
    }
}
