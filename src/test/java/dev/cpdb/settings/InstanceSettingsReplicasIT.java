package dev.cpdb.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.CpdbProcess;
import dev.cpdb.testing.FreePorts;
import dev.cpdb.testing.PluginFixtures;
import dev.cpdb.testing.TestFolders;
import dev.cpdb.testing.TestPostgres;

/**
 * Two service processes on one database: a setting changed through one is applied by the other without a restart,
 * as its own behaviour shows (its query log starts writing slow statements). Both read one plugins folder: a plugin's
 * setting changed through one is served by the other, and a real environment variable named by the plugin rule wins.
 */
class InstanceSettingsReplicasIT {

    private static final String TOKEN = "operator-token-for-settings-replicas-0123";
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @Test
    void aChangeThroughOneReplicaIsAppliedByTheOther() throws Exception {
        DatabaseUrl database = TestPostgres.createDatabase("settings_replicas");
        int firstPort = FreePorts.next();
        try (CpdbProcess first = CpdbProcess.start(environment(database, firstPort))) {
            first.awaitHttp200(firstPort, "/q/health/ready", PATIENCE);
            int secondPort = FreePorts.next();
            try (CpdbProcess second = CpdbProcess.start(environment(database, secondPort))) {
                second.awaitHttp200(secondPort, "/q/health/ready", PATIENCE);

                assertEquals(200, send(firstPort, "PATCH", "/api/settings/query-log.slow-threshold",
                        "{\"value\": \"0s\"}").statusCode());
                assertEquals(200, send(firstPort, "PATCH", "/api/settings/query-log.level", "{\"value\": \"slow\"}")
                        .statusCode());

                long deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!send(secondPort, "GET", "/api/settings/query-log.level", null).body()
                        .contains("\"value\":\"slow\"")) {
                    assertTrue(System.nanoTime() < deadline, "the second replica never saw the change");
                    Thread.sleep(200);
                }
                // The second replica's own query log now writes every statement (threshold 0s) of its requests.
                send(secondPort, "GET", "/api/companies", null);
                deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!(second.stdout().contains("slow statement select") && second.stdout().contains("request "))) {
                    assertTrue(System.nanoTime() < deadline, "the second replica never logged a slow statement: "
                            + second.stdout());
                    Thread.sleep(200);
                }
                assertTrue(send(secondPort, "GET", "/api/activity?action=instance_setting.changed", null).body()
                        .contains("query-log.level"), "the change is in the shared activity log");

                assertEquals(200, send(firstPort, "PATCH", "/api/settings/plugin.acme.billing.mode",
                        "{\"value\": \"fast\"}").statusCode());
                deadline = System.nanoTime() + PATIENCE.toNanos();
                while (!send(secondPort, "GET", "/api/plugins/acme.billing", null).body()
                        .contains("\"key\":\"plugin.acme.billing.mode\",\"group\"")
                        || !send(secondPort, "GET", "/api/settings/plugin.acme.billing.mode", null).body()
                                .contains("\"value\":\"fast\"")) {
                    assertTrue(System.nanoTime() < deadline, "the second replica never served the plugin's setting");
                    Thread.sleep(200);
                }
                String enabled = send(secondPort, "GET", "/api/settings/plugin.acme.billing.enabled", null).body();
                assertTrue(enabled.contains("\"value\":\"true\"") && enabled.contains("\"source\":\"environment\""),
                        enabled);
            }
        }
    }

    private static final Path PLUGINS = plugins();

    private static Path plugins() {
        Path folder = PluginFixtures.pluginsFolder();
        PluginFixtures.writePlugin(folder, "billing", """
                {"key": "acme.billing", "version": "1", "settings": [
                  {"key": "mode", "type": "choice", "choices": ["fast", "safe"], "default": "safe",
                   "description": "How invoices are sent"},
                  {"key": "enabled", "type": "boolean", "default": false, "description": "Send at all"}]}
                """);
        return folder;
    }

    private static Map<String, String> environment(DatabaseUrl database, int port) {
        Map<String, String> env = new HashMap<>();
        env.put("CPDB_PLUGINS_DIR", PLUGINS.toString());
        env.put("CPDB_PLUGIN_ACME_BILLING_ENABLED", "true");
        env.put("DATABASE_URL", TestPostgres.libpq(database));
        env.put("CPDB_POOLER", "none");
        env.put("CPDB_HOME", TestFolders.create("cpdb-settings-home").toString());
        env.put("CPDB_ADMIN_TOKEN", TOKEN);
        env.put("CPDB_SECRETS_MASTER_KEY", ApiTestProfiles.MASTER_KEY);
        env.put("CPDB_BACKUP_TARGET", TestFolders.create("cpdb-settings-backups").toString());
        env.put("CPDB_BACKUP_SCHEDULE", "off");
        env.put("CPDB_BACKUP_VERIFY_SCHEDULE", "off");
        env.put("QUARKUS_HTTP_PORT", Integer.toString(port));
        return env;
    }

    private static HttpResponse<String> send(int port, String method, String path, String json) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(30));
        if (json == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method,
                    HttpRequest.BodyPublishers.ofString(json));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
