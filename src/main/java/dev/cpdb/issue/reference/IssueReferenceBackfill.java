package dev.cpdb.issue.reference;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.database.Database;
import dev.cpdb.issue.Issue;
import dev.cpdb.issue.IssueRepository;
import dev.cpdb.issue.comment.CommentRepository;
import dev.cpdb.issue.comment.IssueComment;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Fills {@code issue_references} for text written before references were synced: walks issues in id order, one
 * transaction per batch, and syncs each description and comment exactly as a write would. Running it again changes
 * nothing, and a run that stops half way can simply be started again.
 */
@ApplicationScoped
public class IssueReferenceBackfill {

    private final Database database;
    private final IssueRepository issues;
    private final CommentRepository comments;
    private final IssueReferenceSync sync;
    private final ActivityRepository activity;

    public IssueReferenceBackfill(Database database, IssueRepository issues, CommentRepository comments,
            IssueReferenceSync sync, ActivityRepository activity) {
        this.database = database;
        this.issues = issues;
        this.comments = comments;
        this.sync = sync;
        this.activity = activity;
    }

    /** What one batch did. */
    public record BatchResult(int issues, int comments, IssueReferenceRepository.Change change, UUID lastIssueId) {
    }

    /**
     * Backfills the batch of issues after {@code after} (null: the first batch).
     *
     * @param companyId only this company's issues, or null for all
     * @return what the batch did; {@code issues() == 0} means there is nothing left
     */
    public Uni<BatchResult> nextBatch(UUID companyId, UUID after, int batchSize) {
        return database.pool().withTransaction(tx -> issues.batch(tx, companyId, after, batchSize)
                .chain(batch -> batch.isEmpty()
                        ? Uni.createFrom().item(new BatchResult(0, 0, new IssueReferenceRepository.Change(0, 0), after))
                        : backfill(tx, batch)));
    }

    private Uni<BatchResult> backfill(SqlClient tx, List<Issue> batch) {
        Map<UUID, Issue> byId = new HashMap<>();
        batch.forEach(issue -> byId.put(issue.id(), issue));
        return comments.ofIssues(tx, byId.keySet().toArray(UUID[]::new))
                .chain(found -> syncAll(tx, batch, found, byId)
                        .call(changes -> logPerCompany(tx, changes))
                        .onItem().transform(changes -> new BatchResult(batch.size(), found.size(), total(changes),
                                batch.get(batch.size() - 1).id())));
    }

    /** Syncs every text of the batch one after the other (one connection, one transaction) and sums per company. */
    private Uni<Map<UUID, IssueReferenceRepository.Change>> syncAll(SqlClient tx, List<Issue> batch,
            List<IssueComment> batchComments, Map<UUID, Issue> byId) {
        List<Uni<Map.Entry<UUID, IssueReferenceRepository.Change>>> steps = new ArrayList<>();
        for (Issue issue : batch) {
            steps.add(sync.sync(tx, issue.companyId(), issue.prefix(), issue.id(), null, issue.description(), false)
                    .onItem().transform(change -> Map.entry(issue.companyId(), change)));
        }
        for (IssueComment comment : batchComments) {
            Issue issue = byId.get(comment.issueId());
            steps.add(sync.sync(tx, issue.companyId(), issue.prefix(), issue.id(), comment.id(), comment.body(), false)
                    .onItem().transform(change -> Map.entry(issue.companyId(), change)));
        }
        return Multi.createFrom().iterable(steps)
                .onItem().transformToUniAndConcatenate(step -> step)
                .collect().in(HashMap::new, (sums, entry) -> sums.merge(entry.getKey(), entry.getValue(),
                        IssueReferenceRepository.Change::plus));
    }

    private Uni<Void> logPerCompany(SqlClient tx, Map<UUID, IssueReferenceRepository.Change> changes) {
        return Multi.createFrom().iterable(changes.entrySet())
                .select().where(entry -> entry.getValue().any())
                .onItem().transformToUniAndConcatenate(entry -> activity.append(tx, Actor.system(), entry.getKey(),
                        "issue_reference.backfilled", entry.getKey(), JsonObject.of("added", entry.getValue().added(),
                                "removed", entry.getValue().removed())))
                .collect().last()
                .replaceWithVoid();
    }

    private static IssueReferenceRepository.Change total(Map<UUID, IssueReferenceRepository.Change> changes) {
        return changes.values().stream()
                .reduce(new IssueReferenceRepository.Change(0, 0), IssueReferenceRepository.Change::plus);
    }
}
