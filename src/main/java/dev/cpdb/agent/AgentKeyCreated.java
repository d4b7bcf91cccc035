package dev.cpdb.agent;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Answer of key creation: the metadata and the key, which is not stored and cannot be shown again.
 */
public record AgentKeyCreated(
        @Schema(description = "The key's metadata") AgentKey apiKey,
        @Schema(description = "The API key; shown only in this answer, send it as 'Authorization: Bearer <key>'") String key) {

    @Override
    public String toString() {
        return "AgentKeyCreated[apiKey=" + apiKey + ", key=***]";
    }
}
