package dev.cpdb.issue.comment;

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
import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.issue.Issue;
import dev.cpdb.issue.IssueLocator;
import dev.cpdb.issue.IssueService;
import dev.cpdb.issue.reference.IssueReferenceSync;
import dev.cpdb.problem.AccessDeniedException;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for issue comments: anyone who sees the issue may comment; only the author (or an
 * operator) edits or deletes a comment; the references of a comment are synced with its text.
 */
@ApplicationScoped
public class CommentService {

    private final Database database;
    private final Reads reads;
    private final CommentRepository comments;
    private final IssueService issues;
    private final IssueReferenceSync references;
    private final ActivityRepository activity;

    public CommentService(Database database, CommentRepository comments, IssueService issues,
            IssueReferenceSync references, ActivityRepository activity, Reads reads) {
        this.reads = reads;
        this.database = database;
        this.comments = comments;
        this.issues = issues;
        this.references = references;
        this.activity = activity;
    }

    public Uni<IssueComment> create(Caller caller, IssueLocator locator, CommentBody body) {
        String text = CommentFields.BODY.created(Input.body(body).body());
        Actor actor = Actor.of(caller);
        UUID id = Ids.next();
        return database.pool().withTransaction(tx -> issues.find(tx, caller, locator, false)
                .chain(issue -> comments.insert(tx, id, issue.companyId(), issue.id(), authorType(actor), actor.id(),
                        text)
                        .call(comment -> references.sync(tx, issue.companyId(), issue.prefix(), issue.id(), id, text,
                                true))
                        .call(comment -> activity.append(tx, actor, issue.companyId(), "issue_comment.created", id,
                                JsonObject.of("issueId", issue.id().toString(), "identifier", issue.identifier())))));
    }

    public Uni<Page<IssueComment>> list(Caller caller, IssueLocator locator, PageRequest page) {
        SqlClient client = reads.client(caller);
        return issues.find(client, caller, locator, false)
                .chain(issue -> comments.list(client, issue.id(), page))
                .onItem().transform(rows -> Page.of(rows, page, IssueComment::id));
    }

    public Uni<IssueComment> get(Caller caller, UUID id) {
        return comments.find(reads.client(caller), id, Access.scope(caller), false)
                .onItem().transform(EntityNotFoundException.orNotFound("comment", id));
    }

    public Uni<IssueComment> update(Caller caller, UUID id, CommentBody body) {
        String text = CommentFields.BODY.created(Input.body(body).body());
        return database.pool().withTransaction(tx -> lockOwn(tx, caller, id)
                .chain(current -> current.body().equals(text) ? Uni.createFrom().item(current)
                        : edit(tx, caller, current, text)));
    }

    private Uni<IssueComment> edit(SqlClient tx, Caller caller, IssueComment current, String text) {
        return issues.find(tx, caller, new IssueLocator(current.issueId(), null), false)
                .chain(issue -> comments.update(tx, current.id(), text)
                        .call(comment -> references.sync(tx, issue.companyId(), issue.prefix(), issue.id(),
                                current.id(), text, false))
                        .call(comment -> activity.append(tx, Actor.of(caller), issue.companyId(),
                                "issue_comment.updated", current.id(), details(issue))));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> lockOwn(tx, caller, id)
                .call(comment -> comments.delete(tx, id))
                .call(comment -> activity.append(tx, Actor.of(caller), comment.companyId(), "issue_comment.deleted",
                        id, JsonObject.of("issueId", comment.issueId().toString())))
                .replaceWithVoid());
    }

    /** The comment locked for a change, when the caller wrote it or is an operator. */
    private Uni<IssueComment> lockOwn(SqlClient tx, Caller caller, UUID id) {
        return comments.find(tx, id, Access.scope(caller), true)
                .onItem().transform(EntityNotFoundException.orNotFound("comment", id))
                .invoke(comment -> requireAuthor(caller, comment));
    }

    private static void requireAuthor(Caller caller, IssueComment comment) {
        if (!caller.isAdmin() && !caller.agentId().orElseThrow().equals(comment.authorAgentId())) {
            throw new AccessDeniedException("Only the comment's author or an operator may change or delete it");
        }
    }

    private static String authorType(Actor actor) {
        return actor.type().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static JsonObject details(Issue issue) {
        return JsonObject.of("issueId", issue.id().toString(), "identifier", issue.identifier());
    }
}
