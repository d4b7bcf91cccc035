package dev.cpdb.agent;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import dev.cpdb.api.Input;
import dev.cpdb.problem.InvalidInputException;
import dev.cpdb.secret.SensitiveNames;

/**
 * The {@code env} map of an agent's adapter configuration. Each variable is either an inline value,
 * {@code {"value": "..."}}, or a reference to a company secret, {@code {"secretId": "...", "version": 3}} (version
 * left out: the latest).
 */
public record AgentEnv(Map<String, Entry> entries) {

    /** Key of the map inside the adapter configuration. */
    public static final String KEY = "env";

    static final int MAX_ENTRIES = 200;
    static final int MAX_VALUE_LENGTH = 8192;
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    /** One variable: {@code value} set for inline entries, {@code secretId} (and maybe {@code version}) for references. */
    public record Entry(String name, String value, UUID secretId, Integer version) {

        public boolean inline() {
            return secretId == null;
        }

        /** The entry as stored in the adapter configuration. */
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            if (inline()) {
                json.put("value", value);
            } else {
                json.put("secretId", secretId.toString());
                if (version != null) {
                    json.put("version", version);
                }
            }
            return json;
        }
    }

    /** An empty environment. */
    public static AgentEnv empty() {
        return new AgentEnv(Map.of());
    }

    /**
     * Reads and checks the env map of an adapter configuration as sent by a client or stored.
     *
     * @throws InvalidInputException naming the offending path, e.g. {@code adapterConfig.env.API_KEY.version}
     */
    public static AgentEnv of(Map<String, Object> adapterConfig) {
        if (adapterConfig == null || !adapterConfig.containsKey(KEY)) {
            return empty();
        }
        if (!(adapterConfig.get(KEY) instanceof Map<?, ?> env)) {
            throw new InvalidInputException("Field 'adapterConfig.env' must be a JSON object mapping variable names "
                    + "to {\"value\": ...} or {\"secretId\": ...}");
        }
        if (env.size() > MAX_ENTRIES) {
            throw new InvalidInputException("Field 'adapterConfig.env' has " + env.size() + " variables; at most "
                    + MAX_ENTRIES + " are allowed");
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        env.forEach((name, raw) -> entries.put(String.valueOf(name), entry(String.valueOf(name), raw)));
        return new AgentEnv(Collections.unmodifiableMap(entries));
    }

    private static Entry entry(String name, Object raw) {
        String path = "adapterConfig.env." + name;
        if (!NAME.matcher(name).matches()) {
            throw new InvalidInputException("Environment variable name '" + Input.abbreviate(name) + "' is not "
                    + "valid; use letters, digits and '_' (at most 128), not starting with a digit");
        }
        if (!(raw instanceof Map<?, ?> fields)) {
            throw new InvalidInputException("Field '" + path + "' must be {\"value\": \"...\"} or "
                    + "{\"secretId\": \"...\", \"version\": n}");
        }
        for (Object field : fields.keySet()) {
            if (!Set.of("value", "secretId", "version").contains(String.valueOf(field))) {
                throw new InvalidInputException("Unknown field '" + path + "." + Input.abbreviate(String.valueOf(
                        field)) + "'; accepted fields: value, or secretId and version");
            }
        }
        boolean hasValue = fields.containsKey("value");
        boolean hasSecret = fields.containsKey("secretId");
        if (hasValue == hasSecret) {
            throw new InvalidInputException("Field '" + path + "' needs exactly one of 'value' (inline) and "
                    + "'secretId' (a company secret)");
        }
        if (hasValue) {
            if (fields.containsKey("version")) {
                throw new InvalidInputException("Field '" + path + ".version' is only allowed with 'secretId'");
            }
            if (!(fields.get("value") instanceof String value)) {
                throw new InvalidInputException("Field '" + path + ".value' must be a string");
            }
            Input.verbatim(path + ".value", value, 0, MAX_VALUE_LENGTH);
            return new Entry(name, value, null, null);
        }
        if (!(fields.get("secretId") instanceof String secretId)) {
            throw new InvalidInputException("Field '" + path + ".secretId' must be a UUID string");
        }
        UUID id = dev.cpdb.api.Ids.parse("secret id in '" + path + ".secretId'", secretId);
        Object version = fields.get("version");
        if (version != null && !(version instanceof Integer number && number > 0)) {
            throw new InvalidInputException("Field '" + path + ".version' must be a positive whole number, or left "
                    + "out for the latest version");
        }
        return new Entry(name, null, id, (Integer) version);
    }

    /** Ids of the secrets the environment refers to. */
    public Set<UUID> secretIds() {
        Set<UUID> ids = new LinkedHashSet<>();
        entries.values().stream()
                .filter(entry -> !entry.inline())
                .forEach(entry -> ids.add(entry.secretId()));
        return ids;
    }

    /**
     * Names of inline variables that look sensitive and whose value is new compared to {@code previous} (a value kept
     * unchanged is not "new", so agents written before strict mode can still be edited).
     */
    public List<String> newSensitiveInlineValues(AgentEnv previous) {
        return entries.values().stream()
                .filter(Entry::inline)
                .filter(entry -> SensitiveNames.looksSensitive(entry.name()))
                .filter(entry -> !entry.equals(previous.entries().get(entry.name())))
                .map(Entry::name)
                .toList();
    }

    /** The adapter configuration with this environment in canonical form. */
    public Map<String, Object> into(Map<String, Object> adapterConfig) {
        Map<String, Object> config = new LinkedHashMap<>(adapterConfig == null ? Map.of() : adapterConfig);
        if (entries.isEmpty() && !config.containsKey(KEY)) {
            return config;
        }
        Map<String, Object> env = new LinkedHashMap<>();
        entries.forEach((name, entry) -> env.put(name, entry.toJson()));
        config.put(KEY, env);
        return config;
    }
}
