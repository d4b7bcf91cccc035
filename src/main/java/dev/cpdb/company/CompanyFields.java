package dev.cpdb.company;

import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of a company in request bodies, each defined once for the service's checks and the API description.
 */
final class CompanyFields {

    static final BodyField<Company, String> NAME = BodyField.text("name", Company::name, 1, 200);

    /** An upper-case letter, then 1 to 9 upper-case letters or digits (as the schema checks); it never changes. */
    static final BodyField<Company, String> ISSUE_PREFIX = BodyField.matching("issuePrefix", Company::issuePrefix,
            Pattern.compile("[A-Z][A-Z0-9]{1,9}"),
            "use an upper-case letter followed by 1 to 9 upper-case letters or digits, e.g. ACME");

    /** The fields of a creation, in the order errors are reported. */
    static final List<BodyField<Company, ?>> CREATED = List.of(NAME, ISSUE_PREFIX);

    /** The fields a PATCH may change, in the order changes are listed. */
    static final List<BodyField<Company, ?>> PATCHED = List.of(NAME);

    private CompanyFields() {
    }

    /** The limits of company bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("CompanyCreate", CREATED), patch("CompanyPatch", PATCHED));
        }
    }
}
