package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.UndeclaredPoolerResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * An operator who declared {@code CPDB_POOLER=none} in front of PgBouncer in transaction mode: the runtime pool starts
 * with the prepared-statement cache, and the first error only a transaction pooler produces (PostgreSQL's 42P05
 * "prepared statement already exists" or 26000 "does not exist" on a name cpdb prepared) must switch it to the safe
 * settings, log one ERROR naming the setting to make explicit, and show the switch in status. From then on concurrent
 * clients see no error and no foreign row.
 */
@QuarkusTest
@TestProfile(PoolerSwitchAtRunTimeTest.Profile.class)
@RequiresPgBouncer
class PoolerSwitchAtRunTimeTest {

    /** Forty runtime connections with statement cache share PgBouncer's two server connections. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("cpdb.admin.token", ApiTestProfiles.ADMIN_TOKEN);
            config.put("cpdb.home", TestFolders.create("cpdb-test-switch-home").toString());
            config.put("cpdb.secrets.master-key", ApiTestProfiles.MASTER_KEY);
            config.put("database.pool.max", "40");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(UndeclaredPoolerResource.class, Map.of("pooler", "none")));
        }
    }

    @Test
    void aPoolerOnlyErrorSwitchesThePoolOnceAndLogsTheSettingToMakeExplicit() throws Exception {
        JsonPath before = status();
        assertEquals("none", before.getString("pooler"), before.prettify());

        List<LogRecord> errors = Collections.synchronizedList(new ArrayList<>());
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord record) {
                if (record.getLevel().intValue() >= Level.SEVERE.intValue()) {
                    errors.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger logger = Logger.getLogger(RuntimePool.class.getName());
        logger.addHandler(handler);
        try {
            // Bounded: a cached statement name collides on PgBouncer's shared server connections within a few
            // requests of forty connections (measured: about a quarter of requests without the switch).
            for (int run = 0; run < 5 && status().getString("pooler").equals("none"); run++) {
                new CreateThenRead(16, 2).run();
            }
            JsonPath after = status();
            assertEquals("transaction", after.getString("pooler"), after.prettify());
            assertTrue(after.getString("poolerReason").contains("only a transaction pooler causes"),
                    after.prettify());

            CreateThenRead.Result result = new CreateThenRead(16, 3).run();
            assertEquals(List.of(), result.failures(), "failures after the switch among " + result.requests()
                    + " requests");
        } finally {
            logger.removeHandler(handler);
        }
        assertEquals(1, errors.size(), "one ERROR for the switch: " + errors.stream().map(LogRecord::getMessage)
                .toList());
        String message = String.valueOf(errors.get(0).getMessage()) + " "
                + java.util.Arrays.toString(errors.get(0).getParameters());
        assertTrue(message.contains("CPDB_POOLER=transaction"), message);
    }

    private static JsonPath status() {
        return Api.operator().get("/api/db/status").then().statusCode(200).extract().jsonPath();
    }
}
