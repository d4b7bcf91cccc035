package dev.cpdb.api.field;

import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.media.Schema;

/**
 * Writes the limits of {@link BodyField}s into the OpenAPI schemas of the request bodies that carry them: lengths and
 * patterns on each property, the required fields of a creation, {@code null} allowed for what a PATCH may clear. Each
 * feature declares one subclass, annotated {@code @OpenApiFilter}, naming its body schemas and their fields.
 *
 * <p>
 * A field without a property of its name in the schema fails the build: definitions and body classes must agree.
 */
public abstract class FieldDocumentation implements OASFilter {

    /** A request body schema and the fields it carries. */
    public record Body(String schema, boolean patch, List<? extends BodyField<?, ?>> fields) {
    }

    private final List<Body> bodies;

    protected FieldDocumentation(Body... bodies) {
        this.bodies = List.of(bodies);
    }

    /** The body of a creation (or of a replacement): fields marked required must be sent. */
    public static Body creation(String schema, List<? extends BodyField<?, ?>> fields) {
        return new Body(schema, false, fields);
    }

    /** The body of a PATCH: every field optional, clearable ones may be null. */
    public static Body patch(String schema, List<? extends BodyField<?, ?>> fields) {
        return new Body(schema, true, fields);
    }

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Map<String, Schema> schemas = openAPI.getComponents() == null ? null : openAPI.getComponents().getSchemas();
        for (Body body : bodies) {
            Schema schema = schemas == null ? null : schemas.get(body.schema());
            if (schema == null) {
                throw new IllegalStateException("the OpenAPI document has no schema " + body.schema());
            }
            for (BodyField<?, ?> field : body.fields()) {
                describe(schema, body, field);
            }
        }
    }

    private static void describe(Schema schema, Body body, BodyField<?, ?> field) {
        Schema property = schema.getProperties() == null ? null : schema.getProperties().get(field.name());
        if (property == null) {
            throw new IllegalStateException("schema " + body.schema() + " has no property " + field.name());
        }
        field.describe(property);
        if (!body.patch() && field.required()
                && (schema.getRequired() == null || !schema.getRequired().contains(field.name()))) {
            schema.addRequired(field.name());
        }
        if (body.patch() && field.clearable()) {
            allowNull(property);
        }
    }

    private static void allowNull(Schema property) {
        Schema none = OASFactory.createSchema().addType(Schema.SchemaType.NULL);
        if (property.getRef() != null) {
            Schema reference = OASFactory.createSchema().ref(property.getRef());
            property.setRef(null);
            property.setType(null);
            property.addAnyOf(reference).addAnyOf(none);
        } else if (property.getType() != null && !property.getType().contains(Schema.SchemaType.NULL)) {
            property.addType(Schema.SchemaType.NULL);
        }
    }
}
