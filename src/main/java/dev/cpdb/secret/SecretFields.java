package dev.cpdb.secret;

import java.util.List;
import java.util.regex.Pattern;

import org.eclipse.microprofile.openapi.OASFilter;

import dev.cpdb.api.field.BodyField;
import dev.cpdb.api.field.FieldDocumentation;
import io.quarkus.smallrye.openapi.OpenApiFilter;

/**
 * The fields of a secret in request bodies, each defined once for the service's checks and the API description.
 */
final class SecretFields {

    static final BodyField<Secret, String> NAME = BodyField.matching("name", Secret::name,
            Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}"),
            "use letters, digits, '_', '.' and '-' (at most 128), starting with a letter or '_'");
    /** Kept exactly as sent, like every description. */
    static final BodyField<Secret, String> DESCRIPTION = BodyField
            .verbatim("description", Secret::description, 0, 1000)
            .orElse("");

    /** A version's value; it is encrypted before it is stored, so the record never holds it. */
    static final BodyField<Secret, String> VALUE = BodyField.verbatim("value", secret -> null, 1, 65536);

    /** The fields a PATCH may change: values change by rotation only. */
    static final List<BodyField<Secret, ?>> PATCHED = List.of(DESCRIPTION);

    private SecretFields() {
    }

    /** The limits of secret bodies in {@code /q/openapi}. */
    // Quarkus runs an annotated filter only when the class itself names OASFilter among its interfaces.
    @OpenApiFilter(stages = OpenApiFilter.RunStage.BUILD)
    public static final class Documentation extends FieldDocumentation implements OASFilter {

        public Documentation() {
            super(creation("SecretCreate", List.of(NAME, DESCRIPTION, VALUE)), patch("SecretPatch", PATCHED),
                    creation("SecretRotate", List.of(VALUE)));
        }
    }
}
