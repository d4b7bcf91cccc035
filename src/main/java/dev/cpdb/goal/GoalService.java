package dev.cpdb.goal;

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
import dev.cpdb.problem.UnprocessableException;
import dev.cpdb.project.ProjectRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for goals: parent and project must belong to the goal's company, and a goal can never
 * become its own ancestor.
 */
@ApplicationScoped
public class GoalService {

    private final Database database;
    private final Reads reads;
    private final GoalRepository goals;
    private final ProjectRepository projects;
    private final CompanyRepository companies;
    private final ActivityRepository activity;

    public GoalService(Database database, GoalRepository goals, ProjectRepository projects,
            CompanyRepository companies, ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.goals = goals;
        this.projects = projects;
        this.companies = companies;
        this.activity = activity;
    }

    public Uni<Goal> create(Caller caller, UUID companyId, GoalCreate body) {
        Access.requireCompany(caller, companyId);
        Input.body(body);
        GoalRepository.Values values = new GoalRepository.Values(
                GoalFields.TITLE.created(body.title()),
                GoalFields.DESCRIPTION.created(body.description()),
                GoalFields.STATUS.created(body.status()),
                GoalFields.PARENT.created(body.parentId()),
                GoalFields.PROJECT.created(body.projectId()));
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.requireExists(tx, companyId)
                .call(ignored -> checkLinks(tx, companyId, values))
                .chain(ignored -> goals.insert(tx, id, companyId, values))
                .call(goal -> activity.append(tx, Actor.of(caller), companyId, "goal.created", id,
                        JsonObject.of("title", goal.title(), "status", goal.status().wire()))));
    }

    public Uni<Goal> get(Caller caller, UUID id) {
        return goals.find(reads.client(caller), id, Access.scope(caller), false)
                .onItem().transform(EntityNotFoundException.orNotFound("goal", id));
    }

    public Uni<Page<Goal>> list(Caller caller, UUID companyId, GoalFilter filter, PageRequest page) {
        Access.requireCompany(caller, companyId);
        SqlClient client = reads.client(caller);
        return companies.rowsOfExisting(client, companyId, goals.list(client, companyId, filter, page))
                .onItem().transform(rows -> Page.of(rows, page, Goal::id));
    }

    public Uni<Goal> update(Caller caller, UUID id, GoalPatch body) {
        CheckedPatch<Goal> patch = CheckedPatch.of(body, GoalFields.ALL);
        return database.pool().withTransaction(tx -> goals.find(tx, id, Access.scope(caller), true)
                .onItem().transform(EntityNotFoundException.orNotFound("goal", id))
                .chain(current -> applyPatch(tx, caller, patch.onto(current))));
    }

    private Uni<Goal> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Goal> merged) {
        Goal current = merged.current();
        GoalRepository.Values values = new GoalRepository.Values(
                merged.value(GoalFields.TITLE),
                merged.value(GoalFields.DESCRIPTION),
                merged.value(GoalFields.STATUS),
                merged.value(GoalFields.PARENT),
                merged.value(GoalFields.PROJECT));
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        boolean reparent = changed.contains("parentId") && values.parentId() != null;
        return checkLinks(tx, current.companyId(), values)
                .call(() -> reparent ? refuseCycle(tx, current, values.parentId()) : Uni.createFrom().voidItem())
                .chain(() -> goals.update(tx, current.id(), values))
                .call(goal -> activity.append(tx, Actor.of(caller), current.companyId(), "goal.updated",
                        current.id(), JsonObject.of("changed", changed, "status", goal.status().wire())));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> goals.find(tx, id, Access.scope(caller), true)
                .onItem().transform(EntityNotFoundException.orNotFound("goal", id))
                .call(goal -> goals.delete(tx, id))
                .call(goal -> activity.append(tx, Actor.of(caller), goal.companyId(), "goal.deleted", id,
                        JsonObject.of("title", goal.title())))
                .replaceWithVoid());
    }

    /** Parent and project, when set, must be records of the same company. */
    private Uni<Void> checkLinks(SqlClient tx, UUID companyId, GoalRepository.Values values) {
        Uni<Void> parent = values.parentId() == null ? Uni.createFrom().voidItem()
                : goals.existsInCompany(tx, companyId, values.parentId())
                        .invoke(exists -> require(exists, "parentId", "goal", values.parentId()))
                        .replaceWithVoid();
        return parent
                .chain(() -> values.projectId() == null ? Uni.createFrom().voidItem()
                        : projects.existsInCompany(tx, companyId, values.projectId())
                                .invoke(exists -> require(exists, "projectId", "project", values.projectId()))
                                .replaceWithVoid());
    }

    private Uni<Void> refuseCycle(SqlClient tx, Goal goal, UUID newParent) {
        return goals.lockTree(tx, goal.companyId())
                .chain(() -> goals.isSelfOrAncestor(tx, goal.id(), newParent))
                .invoke(cycle -> refuseIf(cycle, goal, newParent))
                .replaceWithVoid();
    }

    private static void refuseIf(boolean cycle, Goal goal, UUID newParent) {
        if (cycle) {
            throw new UnprocessableException("Goal " + newParent + " cannot be the parent of goal " + goal.id()
                    + ": it is the goal itself or one of its sub-goals");
        }
    }

    private static void require(boolean exists, String field, String entity, UUID id) {
        if (!exists) {
            throw new UnprocessableException("Field '" + field + "' names " + entity + " " + id
                    + ", which does not exist in this company");
        }
    }
}
