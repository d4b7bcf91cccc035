package dev.cpdb.issue.reference;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.Reads;
import dev.cpdb.auth.Caller;
import dev.cpdb.issue.IssueLocator;
import dev.cpdb.issue.IssueService;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Reads an issue's references in both directions.
 */
@ApplicationScoped
public class IssueReferenceService {

    private final Reads reads;
    private final IssueService issues;
    private final IssueReferenceRepository references;

    public IssueReferenceService(IssueService issues, IssueReferenceRepository references, Reads reads) {
        this.reads = reads;
        this.issues = issues;
        this.references = references;
    }

    public Uni<IssueReferences> list(Caller caller, IssueLocator locator) {
        SqlClient client = reads.client(caller);
        return issues.find(client, caller, locator, false)
                .chain(issue -> Uni.combine().all()
                        .unis(references.outgoing(client, issue.id()),
                                references.incoming(client, issue.id()))
                        .with(IssueReferences::new));
    }
}
