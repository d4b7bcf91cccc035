package dev.cpdb.backup;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import dev.cpdb.backup.store.BackupStore;
import dev.cpdb.database.Database;
import dev.cpdb.testing.ExternalPostgresResource;
import dev.cpdb.testing.TestFolders;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * {@code GET /api/db/backups} pages through a store whose backups this database partly knows from its run table (its
 * own runs, another replica's, one running elsewhere) and partly not at all (copied in, or taken for another
 * database), interleaved in time. Our design: every committed or running backup appears exactly once, newest first,
 * and every page but the last is full, whichever source its backups come from.
 */
@QuarkusTest
@TestProfile(BackupListingPagesTest.Profile.class)
@QuarkusTestResource(value = ExternalPostgresResource.class, restrictToAnnotatedClass = true)
class BackupListingPagesTest {

    static final String TOKEN = "backup-pages-test-token-0123456789";
    static final Path FOLDER = TestFolders.create("cpdb-pages-backups");
    static final String OTHER_REPLICA = "other-host/7/c0ffee00";

    /** An operator token and a private backup folder; no schedule. */
    public static class Profile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("cpdb.admin.token", TOKEN, "cpdb.backup.target", FOLDER.toString());
        }
    }

    @Inject
    Database database;

    @Inject
    BackupOptions options;

    @Inject
    BackupPipeline pipeline;

    @Test
    void everyBackupAppearsOnceInOrderAndOnlyTheLastPageIsShort() throws Exception {
        // Newest first, as the listing must show them: id to status.
        Map<String, String> expected = new LinkedHashMap<>();
        expected.put(backupOverHttp(), "committed");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String failed = null;
        try {
            for (int hoursAgo = 1; hoursAgo <= 9; hoursAgo++) {
                String id = BackupId.next(now.minus(Duration.ofHours(hoursAgo)));
                switch (hoursAgo) {
                    case 1, 3, 8 -> {
                        // Taken and recorded by another replica of this service.
                        storeOnly(id);
                        recordRun(id, "succeeded");
                        expected.put(id, "committed");
                    }
                    case 6 -> {
                        // Running on another replica, which holds the lease: no manifest yet.
                        holdLease(id);
                        recordRun(id, "running");
                        expected.put(id, "running");
                    }
                    case 4 -> {
                        recordRun(id, "failed");
                        failed = id;
                    }
                    default -> {
                        // In the store, unknown to this database's run table.
                        storeOnly(id);
                        expected.put(id, "committed");
                    }
                }
            }
            assertEquals(9, expected.size());

            for (int limit : new int[] { 2, 4 }) {
                List<List<String>> pages = new ArrayList<>();
                Map<String, String> listed = new LinkedHashMap<>();
                String before = null;
                do {
                    Response page = given().auth().oauth2(TOKEN).when()
                            .get("/api/db/backups?limit=" + limit + (before == null ? "" : "&before=" + before));
                    page.then().statusCode(200);
                    assertTrue(page.<Boolean>path("store.reachable"), page.asString());
                    List<Map<String, Object>> items = page.path("items");
                    List<String> ids = new ArrayList<>();
                    for (Map<String, Object> item : items) {
                        String id = (String) item.get("backupId");
                        ids.add(id);
                        assertNull(listed.put(id, (String) item.get("status")), id + " is listed twice");
                    }
                    pages.add(ids);
                    before = page.path("next");
                    assertFalse(pages.size() > expected.size(), "the pages end");
                } while (before != null);

                assertEquals(List.copyOf(expected.keySet()), List.copyOf(listed.keySet()),
                        "limit " + limit + ": every backup once, newest first: " + pages);
                assertEquals(expected, listed, "limit " + limit + ": committed or running as the sources say");
                for (List<String> page : pages.subList(0, pages.size() - 1)) {
                    assertEquals(limit, page.size(), "limit " + limit + ": only the last page is short: " + pages);
                }
                int last = pages.get(pages.size() - 1).size();
                assertTrue(last >= 1 && last <= limit, "limit " + limit + ": " + pages);
                assertFalse(listed.containsKey(failed), "a failed run is no backup");
            }
        } finally {
            try (Connection connection = database.direct().open(); Statement sql = connection.createStatement()) {
                sql.execute("DELETE FROM public.backup_lease");
            }
        }
    }

    /** A committed backup in the configured store with this id, and no run of this database. */
    private void storeOnly(String id) {
        BackupStore store = options.defaultStore();
        pipeline.backup(id, options.request(store), BackupPipeline.Progress.NONE);
    }

    private void recordRun(String id, String status) throws SQLException {
        Instant started = BackupId.startedAt(id).orElseThrow();
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO public.backup_runs (id, "
                        + "kind, backup_id, trigger, status, phase, target, holder, started_at, finished_at) "
                        + "VALUES (?, 'backup', ?, 'schedule', ?, 'copying public.companies', ?, ?, ?, ?)")) {
            statement.setString(1, id);
            statement.setString(2, id);
            statement.setString(3, status);
            statement.setString(4, options.defaultStore().location());
            statement.setString(5, OTHER_REPLICA);
            statement.setTimestamp(6, Timestamp.from(started));
            statement.setTimestamp(7, status.equals("running") ? null : Timestamp.from(started.plusSeconds(30)));
            statement.executeUpdate();
        }
    }

    private boolean leaseFree() throws SQLException {
        try (Connection connection = database.direct().open();
                Statement sql = connection.createStatement();
                ResultSet rs = sql.executeQuery("SELECT count(*) FROM public.backup_lease")) {
            rs.next();
            return rs.getLong(1) == 0;
        }
    }

    private void holdLease(String runId) throws SQLException {
        try (Connection connection = database.direct().open();
                PreparedStatement statement = connection.prepareStatement("INSERT INTO public.backup_lease (name, "
                        + "holder, run_id, acquired_at, expires_at) VALUES ('backup', ?, ?, now(), "
                        + "now() + interval '10 minutes')")) {
            statement.setString(1, OTHER_REPLICA);
            statement.setString(2, runId);
            statement.executeUpdate();
        }
    }

    /**
     * A backup of this service, started over HTTP, once its run has ended and let go of the lease: retention, which
     * runs under the lease, is over and cannot prune the backups the test puts in the store afterwards.
     */
    private String backupOverHttp() throws InterruptedException, SQLException {
        String id = given().auth().oauth2(TOKEN).when().post("/api/db/backups").then().statusCode(202).extract()
                .path("backupId");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            Response response = given().auth().oauth2(TOKEN).when().get("/api/db/backups/" + id);
            if ("succeeded".equals(response.path("run.status")) && leaseFree()) {
                return id;
            }
            if ("failed".equals(response.path("status"))) {
                throw new AssertionError("backup failed: " + response.asString());
            }
            Thread.sleep(200);
        }
        throw new AssertionError("backup " + id + " did not finish");
    }
}
