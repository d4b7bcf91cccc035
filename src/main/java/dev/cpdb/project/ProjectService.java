package dev.cpdb.project;

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
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for projects; operators and the company's agents manage them.
 */
@ApplicationScoped
public class ProjectService {

    private final Database database;
    private final Reads reads;
    private final ProjectRepository projects;
    private final CompanyRepository companies;
    private final ActivityRepository activity;

    public ProjectService(Database database, ProjectRepository projects, CompanyRepository companies,
            ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.projects = projects;
        this.companies = companies;
        this.activity = activity;
    }

    public Uni<Project> create(Caller caller, UUID companyId, ProjectCreate body) {
        Access.requireCompany(caller, companyId);
        Input.body(body);
        ProjectRepository.Values values = new ProjectRepository.Values(
                ProjectFields.NAME.created(body.name()),
                ProjectFields.DESCRIPTION.created(body.description()),
                ProjectFields.STATUS.created(body.status()));
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.requireExists(tx, companyId)
                .chain(ignored -> projects.insert(tx, id, companyId, values))
                .call(project -> activity.append(tx, Actor.of(caller), companyId, "project.created", id,
                        JsonObject.of("name", project.name(), "status", project.status().wire()))));
    }

    public Uni<Project> get(Caller caller, UUID id) {
        return projects.find(reads.client(caller), id, Access.scope(caller), false)
                .onItem().transform(EntityNotFoundException.orNotFound("project", id));
    }

    public Uni<Page<Project>> list(Caller caller, UUID companyId, ProjectStatus status, PageRequest page) {
        Access.requireCompany(caller, companyId);
        SqlClient client = reads.client(caller);
        return companies.rowsOfExisting(client, companyId, projects.list(client, companyId, status, page))
                .onItem().transform(rows -> Page.of(rows, page, Project::id));
    }

    public Uni<Project> update(Caller caller, UUID id, ProjectPatch body) {
        CheckedPatch<Project> patch = CheckedPatch.of(body, ProjectFields.ALL);
        return database.pool().withTransaction(tx -> projects.find(tx, id, Access.scope(caller), true)
                .onItem().transform(EntityNotFoundException.orNotFound("project", id))
                .chain(current -> applyPatch(tx, caller, patch.onto(current))));
    }

    private Uni<Project> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Project> merged) {
        Project current = merged.current();
        ProjectRepository.Values values = new ProjectRepository.Values(
                merged.value(ProjectFields.NAME),
                merged.value(ProjectFields.DESCRIPTION),
                merged.value(ProjectFields.STATUS));
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        return projects.update(tx, current.id(), values)
                .call(project -> activity.append(tx, Actor.of(caller), current.companyId(), "project.updated",
                        current.id(), JsonObject.of("changed", changed, "status", project.status().wire())));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> projects.find(tx, id, Access.scope(caller), true)
                .onItem().transform(EntityNotFoundException.orNotFound("project", id))
                .call(project -> projects.delete(tx, id))
                .call(project -> activity.append(tx, Actor.of(caller), project.companyId(), "project.deleted", id,
                        JsonObject.of("name", project.name())))
                .replaceWithVoid());
    }
}
