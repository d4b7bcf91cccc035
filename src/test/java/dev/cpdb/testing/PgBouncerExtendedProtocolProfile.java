package dev.cpdb.testing;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link PgBouncerProfile} with the runtime pool sending unnamed extended-protocol statements (layer-7-proxy mode)
 * instead of the default simple protocol, so both ways of talking through a transaction pooler stay tested.
 */
public class PgBouncerExtendedProtocolProfile extends PgBouncerProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> overrides = new HashMap<>(super.getConfigOverrides());
        overrides.put("database.statement-protocol", "extended");
        return overrides;
    }
}
