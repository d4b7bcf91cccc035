package dev.cpdb.api;

import java.util.HashMap;
import java.util.Map;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Base of PATCH request bodies with merge-patch meaning: a field left out stays as it is, a field sent as
 * {@code null} is cleared (where the field may be empty), any other value replaces the stored one.
 *
 * <p>
 * Records cannot tell "left out" from "null", so patch bodies are small classes whose setters record which fields
 * the JSON contained, and with which value; Jackson calls a setter only for fields present in the body. The getters
 * give the OpenAPI description the fields' types.
 */
public abstract class PatchBody {

    @Schema(hidden = true)
    private final Map<String, Object> sent = new HashMap<>();

    /** Records that the body contained {@code field} with {@code value}; called by the setters of subclasses. */
    protected final void mark(String field, Object value) {
        sent.put(field, value);
    }

    /** Whether the body contained {@code field} (possibly as null). */
    public final boolean contains(String field) {
        return sent.containsKey(field);
    }

    /** The value the body contained for {@code field}; null when it was sent as null or left out. */
    public final Object sent(String field) {
        return sent.get(field);
    }
}
