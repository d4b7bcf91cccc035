package dev.cpdb.database.replica;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.cpdb.api.ReadPositionFilter;
import dev.cpdb.database.Database;
import dev.cpdb.database.querylog.QueryLog;
import dev.cpdb.testing.Api;
import dev.cpdb.testing.Http;
import dev.cpdb.testing.LogLines;
import dev.cpdb.testing.ReadReplicaProfiles;
import dev.cpdb.testing.StreamingReplica;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * The read path against a real streaming replica (PostgreSQL's own replication, see {@link StreamingReplica}):
 * reads of callers that did not write go to the replica (never to a server that is not in recovery), a caller reads each of its own writes even while the replica
 * replays nothing, a client carries that guarantee to other callers (or other instances) with the position header,
 * and a replica that stops under load fails no read. Expectations come from PostgreSQL (a hot standby shows a commit
 * only once it replayed the commit record; {@code pg_wal_replay_pause()} stops replay but not streaming; the
 * standby's {@code pg_stat_database} counts the transactions run on it) and from cpdb's design (see
 * {@link ReadPath}).
 */
@QuarkusTest
@TestProfile(ReadReplicaProfiles.Direct.class)
class ReadReplicaTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int WRITERS = 4;
    private static final int ROUNDS = 20;
    private static final int READS = 150;

    private static ExecutorService threads;

    @Inject
    Database database;

    @BeforeAll
    static void startThreads() {
        threads = Executors.newFixedThreadPool(WRITERS + 2);
    }

    @AfterAll
    static void stopThreads() {
        threads.shutdownNow();
    }

    private static StreamingReplica replica() {
        return StreamingReplica.shared();
    }

    private String databaseName() {
        return database.plan().runtime().database();
    }

    /** An agent of {@code companyId} with a key; the operator creates both, the agent itself has written nothing. */
    private static String agentKey(String companyId, String name) {
        return Api.newAgentKey(Api.newAgent(companyId, name));
    }

    @Test
    void readsOfACallerThatHasNotWrittenAreServedByTheReplica() {
        String company = Api.newCompany();
        String reader = agentKey(company, "reader");
        replica().awaitReplayed();
        awaitServing();
        long before = replica().committedOnReplica(databaseName());

        for (int i = 0; i < READS; i++) {
            assertEquals(200, Http.send("GET", "/api/companies/" + company + "/issues", reader, null).status());
        }

        // Each list is two statements (the company's existence, then the page), each its own transaction; the
        // monitor's checks add a few per second, far fewer than the reads.
        awaitTrue(() -> replica().committedOnReplica(databaseName()) - before >= 2L * READS,
                "the replica's pg_stat_database shows the reads");
        assertEquals("streaming", replicaStatus().getString("readReplicas[0].state"));
        assertEquals("not-in-recovery", replicaStatus().getString("readReplicas[1].state"),
                "the primary named as a replica is skipped: pg_is_in_recovery() is false there");
        String metrics = io.restassured.RestAssured.get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("cpdb_read_replica_serving{")
                && line.endsWith(" 1.0")), "the replica serves, as /q/metrics says");
        assertTrue(metrics.lines().anyMatch(line -> line.startsWith("cpdb_read_statements_total{")
                && line.contains("served_by=\"replica\"") && !line.endsWith(" 0.0")), "reads served by the replica");
    }

    @Test
    void everyCallerReadsEachOfItsWritesWhileTheReplicaReplaysNothing() throws Exception {
        String company = Api.newCompany();
        List<String> writers = new ArrayList<>();
        for (int i = 0; i < WRITERS; i++) {
            writers.add(agentKey(company, "writer " + i));
        }
        String bystander = agentKey(company, "bystander");
        String carrier = agentKey(company, "carrier");
        replica().awaitReplayed();
        awaitServing();
        replica().pauseReplay();
        try {
            long before = replica().committedOnReplica(databaseName());
            List<Future<Integer>> missed = new ArrayList<>();
            for (String writer : writers) {
                missed.add(threads.submit(() -> writeThenRead(writer, company)));
            }
            Future<Integer> bystanderReads = threads.submit(() -> readLists(bystander, company, READS));
            int misses = 0;
            for (Future<Integer> each : missed) {
                misses += each.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            assertEquals(0, misses, "reads that did not see the caller's own write");
            assertEquals(0, bystanderReads.get(WAIT.toSeconds(), TimeUnit.SECONDS));
            // The replica served the bystander all along: the writers' reads were kept off it, not all reads.
            awaitTrue(() -> replica().committedOnReplica(databaseName()) - before >= 2L * READS,
                    "the replica served the bystander's reads while paused");

            // A client that passes the position on: another caller (or another instance) honours it.
            String written = writerIssue(writers.get(0), company, "carried");
            Api.agent(carrier).header(ReadPositionFilter.HEADER, written.split(" ")[1])
                    .get("/api/issues/{id}", written.split(" ")[0])
                    .then().statusCode(200);
        } finally {
            replica().resumeReplay();
            replica().awaitReplayed();
        }
    }

    /** Creates an issue as {@code key}; returns its id and the position header, separated by a space. */
    private static String writerIssue(String key, String company, String title) {
        var response = Api.agent(key).body(Map.of("title", title))
                .post("/api/companies/{id}/issues", company)
                .then().statusCode(201)
                .header(ReadPositionFilter.HEADER, matchesPattern("[0-9A-F]{1,8}/[0-9A-F]{1,8}"))
                .extract();
        return response.path("id") + " " + response.header(ReadPositionFilter.HEADER);
    }

    /** Writes issues and reads each back at once, by id and in the list; returns the reads that missed it. */
    private static int writeThenRead(String key, String company) {
        int misses = 0;
        for (int round = 0; round < ROUNDS; round++) {
            String title = "own write " + round + " " + key.substring(key.length() - 6);
            Http.Answer created = Http.send("POST", "/api/companies/" + company + "/issues", key,
                    "{\"title\":\"" + title + "\"}");
            assertEquals(201, created.status(), created.body());
            String id = JsonPath.from(created.body()).getString("id");
            Http.Answer byId = Http.send("GET", "/api/issues/" + id, key, null);
            Http.Answer list = Http.send("GET", "/api/companies/" + company + "/issues?q="
                    + title.replace(" ", "%20"), key, null);
            if (byId.status() != 200 || !list.body().contains(id)) {
                misses++;
            }
        }
        return misses;
    }

    /** Lists the company's issues {@code times} times; returns the failed reads. */
    private static int readLists(String key, String company, int times) {
        int failed = 0;
        for (int i = 0; i < times; i++) {
            if (Http.send("GET", "/api/companies/" + company + "/issues", key, null).status() != 200) {
                failed++;
            }
        }
        return failed;
    }

    @Test
    void aReplicaStoppedUnderLoadFailsNoReadAndStatusShowsItDown() throws Exception {
        String company = Api.newCompany();
        String reader = agentKey(company, "reader");
        replica().awaitReplayed();
        awaitServing();
        AtomicBoolean loading = new AtomicBoolean(true);
        List<Future<int[]>> load = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            load.add(threads.submit(readUntilStopped(reader, company, loading)));
        }
        try {
            Thread.sleep(500);
            replica().stopServer();
            Thread.sleep(1500);
            loading.set(false);
            int reads = 0;
            int failed = 0;
            for (Future<int[]> each : load) {
                int[] counts = each.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                reads += counts[0];
                failed += counts[1];
            }
            assertEquals(0, failed, "failed reads of " + reads);
            assertTrue(reads > 0);
            awaitTrue(() -> "down".equals(replicaStatus().getString("readReplicas[0].state")),
                    "status shows the replica down");
            assertTrue(Api.operator().get("/q/health/ready").statusCode() == 200, "readiness ignores replicas");
        } finally {
            loading.set(false);
            replica().startServer();
        }
        awaitServing();
    }

    @Test
    void aReplicaThatStaysDownAddsOneFailedCheckToTheQueryLogNotOnePerPoll() throws Exception {
        awaitServing();
        QueryLog.Level level = database.queryLog().level();
        Duration threshold = database.queryLog().slowThreshold();
        // At slow every failure is logged, however fast.
        database.queryLog().configure(QueryLog.Level.SLOW, Duration.ofMinutes(1));
        try (LogLines statements = LogLines.capture(QueryLog.CATEGORY)) {
            replica().stopServer();
            awaitTrue(() -> "down".equals(replicaStatus().getString("readReplicas[0].state")),
                    "status shows the replica down");
            // Ten more polls of a replica that stays down (the profile polls every 200 ms).
            Thread.sleep(2000);
            assertEquals(failedChecksLoggedWhenStopped(), failedChecks(statements.lines()),
                    String.join("\n", statements.lines()));
        } finally {
            database.queryLog().configure(level, threshold);
            replica().startServer();
        }
        awaitServing();
    }

    /** Reached directly, a stopped replica refuses connections: its first check fails, the next ones are quiet. */
    long failedChecksLoggedWhenStopped() {
        return 1;
    }

    private static long failedChecks(List<String> lines) {
        return lines.stream().filter(line -> line.contains("failed") && line.contains(", replica")
                && line.contains("pg_is_in_recovery()")).count();
    }

    private static void awaitServing() {
        awaitTrue(() -> "streaming".equals(replicaStatus().getString("readReplicas[0].state")),
                "status shows the replica streaming");
    }

    private static Callable<int[]> readUntilStopped(String key, String company, AtomicBoolean loading) {
        return () -> {
            int reads = 0;
            int failed = 0;
            while (loading.get()) {
                reads++;
                if (Http.send("GET", "/api/companies/" + company + "/issues", key, null).status() != 200) {
                    failed++;
                }
            }
            return new int[] { reads, failed };
        };
    }

    @Test
    void aWriteAnswersWithItsPositionAndAMalformedPositionIsRefused() {
        String company = Api.newCompany();
        String reader = agentKey(company, "reader");
        writerIssue(reader, company, "positioned");

        for (String hostile : List.of("not-a-position", "1/2/3", "123456789/0", "0/x", "-1/0")) {
            Api.agent(reader).header(ReadPositionFilter.HEADER, hostile)
                    .get("/api/companies/{id}/issues", company)
                    .then().statusCode(400)
                    .body("detail", containsString(ReadPositionFilter.HEADER));
        }
    }

    static JsonPath replicaStatus() {
        return Api.operator().get("/api/db/status").then().statusCode(200).extract().jsonPath();
    }

    static void awaitTrue(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT.toSeconds() + " s: " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
