package dev.cpdb.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityScheme;

import dev.cpdb.problem.Problem;

/**
 * Completes the generated OpenAPI document of the runtime API: the bearer security scheme, the problem body schema,
 * and the error answers every secured endpoint can give, so that each operation need not repeat them.
 */
public class ApiDocumentation implements OASFilter {

    /** Name of the bearer security scheme that secured resources refer to. */
    public static final String BEARER = "bearer";

    private static final String PROBLEM_SCHEMA = "Problem";

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        Components components = openAPI.getComponents();
        if (components == null) {
            components = OASFactory.createComponents();
            openAPI.setComponents(components);
        }
        components.addSecurityScheme(BEARER, OASFactory.createSecurityScheme()
                .type(SecurityScheme.Type.HTTP)
                .scheme("bearer")
                .description("The operator token (CPDB_ADMIN_TOKEN) or an agent API key (cpdb_ak_...), sent as "
                        + "'Authorization: Bearer <token>'"));
        components.addSchema(PROBLEM_SCHEMA, problemSchema());
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach(this::addErrorAnswers);
    }

    private void addErrorAnswers(String path, PathItem item) {
        if (!path.startsWith("/api/") || item.getOperations() == null) {
            return;
        }
        item.getOperations().forEach((method, operation) -> {
            if (operation.getSecurity() == null || operation.getSecurity().isEmpty()) {
                return;
            }
            Map<String, String> errors = new LinkedHashMap<>();
            errors.put("400", "Invalid input: malformed JSON, wrong type, unknown field, value too long, invalid id, "
                    + "cursor or query parameter");
            errors.put("401", "No bearer token, or one that is not valid");
            errors.put("403", "The token is valid but may not do this (e.g. an agent on an operator-only endpoint)");
            if (path.contains("{")) {
                errors.put("404", "No such record, or one of a company the caller may not see");
            }
            String name = method.name();
            if (name.equals("POST") || name.equals("PATCH") || name.equals("PUT") || name.equals("DELETE")) {
                errors.put("409", "Conflict: a duplicate, or a record still referenced by others");
            }
            if (name.equals("POST") || name.equals("PATCH") || name.equals("PUT")) {
                errors.put("413", "The request body is larger than the configured limit");
                errors.put("422", "Well-formed input that breaks a rule (unknown related record, cycle, strict mode)");
            }
            errors.forEach((code, description) -> addError(operation, code, description));
        });
    }

    private static void addError(Operation operation, String code, String description) {
        APIResponses responses = operation.getResponses();
        if (responses == null) {
            responses = OASFactory.createAPIResponses();
            operation.setResponses(responses);
        }
        if (responses.hasAPIResponse(code)) {
            return;
        }
        APIResponse response = OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent().addMediaType(Problem.MEDIA_TYPE, OASFactory.createMediaType()
                        .schema(OASFactory.createSchema().ref(PROBLEM_SCHEMA))));
        responses.addAPIResponse(code, response);
    }

    private static Schema problemSchema() {
        return OASFactory.createSchema()
                .type(List.of(Schema.SchemaType.OBJECT))
                .description("RFC 9457 problem body of every error answer")
                .addProperty("type", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .addProperty("title", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING)))
                .addProperty("status", OASFactory.createSchema().type(List.of(Schema.SchemaType.INTEGER)))
                .addProperty("detail", OASFactory.createSchema().type(List.of(Schema.SchemaType.STRING))
                        .description("What went wrong and what to fix"));
    }
}
