package dev.cpdb.issue.comment;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of a comment in request bodies, each defined once for the service's checks and the API description.
 */
final class CommentFields {

    static final BodyField<IssueComment, String> BODY = BodyField.verbatim("body", IssueComment::body, 1, 100_000);

    private CommentFields() {
    }

    /** The limits of comment bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("CommentBody", List.of(BODY)));
        }
    }
}
