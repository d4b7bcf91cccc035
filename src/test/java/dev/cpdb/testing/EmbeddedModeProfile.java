package dev.cpdb.testing;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Runs the service on its zero-configuration default (no DATABASE_URL) with its own home folder and port, exactly
 * the code path of the README's run command.
 */
public class EmbeddedModeProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of(
                "cpdb.home", TestFolders.create("cpdb-test-home").toString(),
                "cpdb.embedded.port", Integer.toString(FreePorts.next()));
    }
}
