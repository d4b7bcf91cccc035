package dev.cpdb.issue;

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
import dev.cpdb.company.Company;
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;
import dev.cpdb.issue.reference.IssueReferenceSync;
import dev.cpdb.problem.EntityNotFoundException;
import dev.cpdb.problem.UnprocessableException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for issues: identifiers are allocated per company under a row lock, links must name
 * records of the same company, and the references of a description are synced in the transaction that writes it.
 */
@ApplicationScoped
public class IssueService {

    private final Database database;
    private final Reads reads;
    private final IssueRepository issues;
    private final CompanyRepository companies;
    private final IssueReferenceSync references;
    private final ActivityRepository activity;

    public IssueService(Database database, IssueRepository issues, CompanyRepository companies,
            IssueReferenceSync references, ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.issues = issues;
        this.companies = companies;
        this.references = references;
        this.activity = activity;
    }

    public Uni<Issue> create(Caller caller, UUID companyId, IssueCreate body) {
        Access.requireCompany(caller, companyId);
        Input.body(body);
        IssueRepository.Values values = new IssueRepository.Values(
                IssueFields.TITLE.created(body.title()),
                IssueFields.DESCRIPTION.created(body.description()),
                IssueFields.STATUS.created(body.status()),
                IssueFields.PRIORITY.created(body.priority()),
                IssueFields.PROJECT.created(body.projectId()),
                IssueFields.GOAL.created(body.goalId()),
                IssueFields.ASSIGNEE.created(body.assigneeAgentId()));
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> companies.find(tx, companyId, null)
                .onItem().transform(EntityNotFoundException.orNotFound("company", companyId))
                .call(company -> checkLinks(tx, companyId, values))
                .chain(company -> insert(tx, caller, company, id, values)));
    }

    private Uni<Issue> insert(SqlClient tx, Caller caller, Company company, UUID id, IssueRepository.Values values) {
        return issues.nextNumber(tx, company.id())
                .chain(number -> issues.insert(tx, id, company.id(), number, company.issuePrefix() + "-" + number,
                        values))
                .call(issue -> references.sync(tx, company.id(), company.issuePrefix(), id, null,
                        issue.description(), true))
                .call(issue -> activity.append(tx, Actor.of(caller), company.id(), "issue.created", id,
                        JsonObject.of("identifier", issue.identifier(), "title", issue.title(), "status",
                                issue.status().wire())));
    }

    public Uni<Issue> get(Caller caller, IssueLocator locator) {
        return find(reads.client(caller), caller, locator, false);
    }

    /** The issue the caller may see, or a 404 failure. */
    public Uni<Issue> find(SqlClient client, Caller caller, IssueLocator locator, boolean lock) {
        return issues.find(client, locator, Access.scope(caller), lock)
                .onItem().transform(EntityNotFoundException.orNotFound("issue", locator));
    }

    public Uni<Page<Issue>> list(Caller caller, UUID companyId, IssueFilter filter, PageRequest page) {
        Access.requireCompany(caller, companyId);
        SqlClient client = reads.client(caller);
        return companies.rowsOfExisting(client, companyId, issues.list(client, companyId, filter, page))
                .onItem().transform(rows -> Page.of(rows, page, Issue::id));
    }

    public Uni<Issue> update(Caller caller, IssueLocator locator, IssuePatch body) {
        CheckedPatch<Issue> patch = CheckedPatch.of(body, IssueFields.ALL);
        return database.pool().withTransaction(tx -> find(tx, caller, locator, true)
                .chain(current -> applyPatch(tx, caller, patch.onto(current))));
    }

    private Uni<Issue> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Issue> merged) {
        Issue current = merged.current();
        IssueRepository.Values values = new IssueRepository.Values(
                merged.value(IssueFields.TITLE),
                merged.value(IssueFields.DESCRIPTION),
                merged.value(IssueFields.STATUS),
                merged.value(IssueFields.PRIORITY),
                merged.value(IssueFields.PROJECT),
                merged.value(IssueFields.GOAL),
                merged.value(IssueFields.ASSIGNEE));
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(current);
        }
        return checkLinks(tx, current.companyId(), onlyChangedLinks(values, changed))
                .chain(() -> issues.update(tx, current.id(), values))
                .call(issue -> changed.contains("description")
                        ? references.sync(tx, current.companyId(), current.prefix(), current.id(), null,
                                issue.description(), false)
                        : Uni.createFrom().voidItem())
                .call(issue -> activity.append(tx, Actor.of(caller), current.companyId(), "issue.updated",
                        current.id(), updateDetails(current, issue, changed)));
    }

    public Uni<Void> delete(Caller caller, IssueLocator locator) {
        return database.pool().withTransaction(tx -> find(tx, caller, locator, true)
                .call(issue -> issues.delete(tx, issue.id()))
                .call(issue -> activity.append(tx, Actor.of(caller), issue.companyId(), "issue.deleted", issue.id(),
                        JsonObject.of("identifier", issue.identifier(), "title", issue.title())))
                .replaceWithVoid());
    }

    private Uni<Void> checkLinks(SqlClient tx, UUID companyId, IssueRepository.Values values) {
        if (values.projectId() == null && values.goalId() == null && values.assigneeAgentId() == null) {
            return Uni.createFrom().voidItem();
        }
        return issues.checkLinks(tx, companyId, values)
                .invoke(check -> refuseBrokenLinks(check, values))
                .replaceWithVoid();
    }

    private static void refuseBrokenLinks(IssueRepository.LinkCheck check, IssueRepository.Values values) {
        if (!check.project()) {
            throw new UnprocessableException("Field 'projectId' names project " + values.projectId()
                    + ", which does not exist in this company");
        }
        if (!check.goal()) {
            throw new UnprocessableException("Field 'goalId' names goal " + values.goalId()
                    + ", which does not exist in this company");
        }
        if (!check.assignee()) {
            throw new UnprocessableException("Field 'assigneeAgentId' names agent " + values.assigneeAgentId()
                    + ", which does not exist in this company or is terminated");
        }
    }

    /** The links to check on update: unchanged ones were checked when set (an assignee may since be terminated). */
    private static IssueRepository.Values onlyChangedLinks(IssueRepository.Values values, List<String> changed) {
        return new IssueRepository.Values(values.title(), values.description(), values.status(), values.priority(),
                changed.contains("projectId") ? values.projectId() : null,
                changed.contains("goalId") ? values.goalId() : null,
                changed.contains("assigneeAgentId") ? values.assigneeAgentId() : null);
    }

    private static JsonObject updateDetails(Issue before, Issue after, List<String> changed) {
        JsonObject details = JsonObject.of("identifier", after.identifier(), "changed", changed);
        if (changed.contains("status")) {
            details.put("status", JsonObject.of("from", before.status().wire(), "to", after.status().wire()));
        }
        if (changed.contains("assigneeAgentId")) {
            details.put("assigneeAgentId", after.assigneeAgentId() == null ? null
                    : after.assigneeAgentId().toString());
        }
        return details;
    }
}
