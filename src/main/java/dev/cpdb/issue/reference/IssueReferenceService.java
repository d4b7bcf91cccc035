package dev.cpdb.issue.reference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.auth.Caller;
import dev.cpdb.database.Database;
import dev.cpdb.issue.IssueLocator;
import dev.cpdb.issue.IssueService;
import io.smallrye.mutiny.Uni;

/**
 * Reads an issue's references in both directions.
 */
@ApplicationScoped
public class IssueReferenceService {

    private final Database database;
    private final IssueService issues;
    private final IssueReferenceRepository references;

    public IssueReferenceService(Database database, IssueService issues, IssueReferenceRepository references) {
        this.database = database;
        this.issues = issues;
        this.references = references;
    }

    public Uni<IssueReferences> list(Caller caller, IssueLocator locator) {
        return issues.find(database.pool(), caller, locator, false)
                .chain(issue -> Uni.combine().all()
                        .unis(references.outgoing(database.pool(), issue.id()),
                                references.incoming(database.pool(), issue.id()))
                        .with(IssueReferences::new));
    }
}
