package dev.cpdb.goal;

import java.util.List;
import java.util.UUID;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of a goal in request bodies, each defined once for the service's checks and the API description.
 */
final class GoalFields {

    static final BodyField<Goal, String> TITLE = BodyField.text("title", Goal::title, 1, 500);
    static final BodyField<Goal, String> DESCRIPTION = BodyField.verbatim("description", Goal::description, 0, 10_000)
            .orElse("");
    static final BodyField<Goal, GoalStatus> STATUS = BodyField.choice("status", Goal::status, GoalStatus.ACTIVE);
    static final BodyField<Goal, UUID> PARENT = BodyField.link("parentId", Goal::parentId);
    static final BodyField<Goal, UUID> PROJECT = BodyField.link("projectId", Goal::projectId);

    /** Every field, in the order errors are reported and changes listed. */
    static final List<BodyField<Goal, ?>> ALL = List.of(TITLE, DESCRIPTION, STATUS, PARENT, PROJECT);

    private GoalFields() {
    }

    /** The limits of goal bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("GoalCreate", ALL), patch("GoalPatch", ALL));
        }
    }
}
