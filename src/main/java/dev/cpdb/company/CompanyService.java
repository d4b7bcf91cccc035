package dev.cpdb.company;

import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.api.Access;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
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

    /** Issue prefixes: an upper-case letter, then 1 to 9 upper-case letters or digits (as the schema checks). */
    static final Pattern ISSUE_PREFIX = Pattern.compile("[A-Z][A-Z0-9]{1,9}");

    private final Database database;
    private final CompanyRepository companies;
    private final ActivityRepository activity;

    public CompanyService(Database database, CompanyRepository companies, ActivityRepository activity) {
        this.database = database;
        this.companies = companies;
        this.activity = activity;
    }

    public Uni<Company> create(Caller caller, CompanyCreate body) {
        Input.body(body);
        String name = Input.text("name", body.name(), 1, 200);
        String prefix = Input.matching("issuePrefix", body.issuePrefix(), ISSUE_PREFIX,
                "use an upper-case letter followed by 1 to 9 upper-case letters or digits, e.g. ACME");
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.insert(tx, id, name, prefix)
                .call(company -> activity.append(tx, Actor.of(caller), id, "company.created", id,
                        JsonObject.of("name", name, "issuePrefix", prefix))));
    }

    public Uni<Company> get(Caller caller, UUID id) {
        return companies.find(database.pool(), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("company", id));
    }

    public Uni<Page<Company>> list(Caller caller, PageRequest page) {
        return companies.list(database.pool(), Access.scope(caller), page)
                .onItem().transform(rows -> Page.of(rows, page, Company::id));
    }

    public Uni<Company> update(Caller caller, UUID id, CompanyPatch patch) {
        Input.body(patch);
        String name = patch.contains("name") ? Input.text("name", patch.getName(), 1, 200) : null;
        return database.pool().withTransaction(tx -> companies.lock(tx, id)
                .onItem().transform(EntityNotFoundException.orNotFound("company", id))
                .chain(current -> name == null || name.equals(current.name()) ? Uni.createFrom().item(current)
                        : rename(tx, caller, current, name)));
    }

    private Uni<Company> rename(SqlClient tx, Caller caller, Company current, String name) {
        return companies.rename(tx, current.id(), name)
                .call(renamed -> activity.append(tx, Actor.of(caller), current.id(), "company.updated", current.id(),
                        JsonObject.of("changed", List.of("name"), "name", name)));
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
