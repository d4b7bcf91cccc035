package dev.cpdb.api;

import java.util.HashSet;
import java.util.Set;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Base of PATCH request bodies with merge-patch meaning: a field left out stays as it is, a field sent as
 * {@code null} is cleared (where the field may be empty), any other value replaces the stored one.
 *
 * <p>
 * Records cannot tell "left out" from "null", so patch bodies are small classes whose setters record which fields
 * the JSON contained; Jackson calls a setter only for fields present in the body.
 */
public abstract class PatchBody {

    @Schema(hidden = true)
    private final Set<String> present = new HashSet<>();

    /** Records that the body contained {@code field}; called by the setters of subclasses. */
    protected final void mark(String field) {
        present.add(field);
    }

    /** Whether the body contained {@code field} (possibly as null). */
    public final boolean contains(String field) {
        return present.contains(field);
    }

    /** Whether the body contained no field at all. */
    public final boolean containsNothing() {
        return present.isEmpty();
    }
}
