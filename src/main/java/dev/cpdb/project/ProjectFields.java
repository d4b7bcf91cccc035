package dev.cpdb.project;

import java.util.List;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of a project in request bodies, each defined once for the service's checks and the API description.
 */
final class ProjectFields {

    static final BodyField<Project, String> NAME = BodyField.text("name", Project::name, 1, 200);
    static final BodyField<Project, String> DESCRIPTION = BodyField
            .verbatim("description", Project::description, 0, 10_000)
            .orElse("");
    static final BodyField<Project, ProjectStatus> STATUS = BodyField.choice("status", Project::status,
            ProjectStatus.ACTIVE);

    /** Every field, in the order errors are reported and changes listed. */
    static final List<BodyField<Project, ?>> ALL = List.of(NAME, DESCRIPTION, STATUS);

    private ProjectFields() {
    }

    /** The limits of project bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("ProjectCreate", ALL), patch("ProjectPatch", ALL));
        }
    }
}
