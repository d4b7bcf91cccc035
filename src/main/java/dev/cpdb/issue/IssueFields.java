package dev.cpdb.issue;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of an issue in request bodies, each defined once for the service's checks and the API description.
 */
final class IssueFields {

    static final BodyField<Issue, String> TITLE = BodyField.text("title", Issue::title, 1, 500);
    static final BodyField<Issue, String> DESCRIPTION = BodyField
            .verbatim("description", Issue::description, 0, 100_000)
            .orElse("");
    static final BodyField<Issue, IssueStatus> STATUS = BodyField.choice("status", Issue::status, IssueStatus.BACKLOG);
    static final BodyField<Issue, IssuePriority> PRIORITY = BodyField.choice("priority", Issue::priority,
            IssuePriority.MEDIUM);
    static final BodyField<Issue, UUID> PROJECT = BodyField.link("projectId", Issue::projectId);
    static final BodyField<Issue, UUID> GOAL = BodyField.link("goalId", Issue::goalId);
    static final BodyField<Issue, UUID> ASSIGNEE = BodyField.link("assigneeAgentId", Issue::assigneeAgentId);

    /** Every field, in the order errors are reported and changes listed. */
    static final List<BodyField<Issue, ?>> ALL = List.of(TITLE, DESCRIPTION, STATUS, PRIORITY, PROJECT, GOAL,
            ASSIGNEE);

    private IssueFields() {
    }

    /** The limits of issue bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("IssueCreate", ALL), patch("IssuePatch", ALL));
        }
    }
}
