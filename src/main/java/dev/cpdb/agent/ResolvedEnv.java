package dev.cpdb.agent;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * An agent's env as the caller may see it: values of inline entries and of the secret references the caller may read,
 * and the names of the references it may not.
 */
@Schema(description = "An agent's env with secret references resolved, as far as the caller may read them")
public record ResolvedEnv(
        @Schema(description = "Variable name to value: inline values, and decrypted secrets the caller may read") Map<String, String> values,
        @Schema(description = "References to secrets the caller holds no grant for; their values are left out") List<Withheld> withheld) {

    /** An env entry whose secret the caller may not read. */
    @Schema(description = "An env entry whose secret the caller holds no grant for")
    public record Withheld(String name, UUID secretId) {
    }
}
