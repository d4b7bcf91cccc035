package dev.cpdb.database;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.RestartableDatabase;
import dev.cpdb.testing.RestartableDatabaseResource;
import dev.cpdb.testing.TestFolders;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;

/**
 * PostgreSQL and, separately, PgBouncer restarted under concurrent load. What must hold (our design, from the
 * outage this replays): the runtime pool never holds more sockets to PgBouncer than its size plus
 * {@link #SOCKET_MARGIN}; while the database is unavailable requests answer 503 with {@code Retry-After} and a problem
 * body naming the cause, never 500; once the restarted part is back, requests succeed again within
 * {@link #RECOVERY_BOUND} (of which up to PgBouncer's {@code server_login_retry} is PgBouncer's own wait before it
 * logs in to PostgreSQL again), and readiness follows.
 */
@QuarkusTest
@TestProfile(DatabaseRestartPgBouncerTest.Profile.class)
@RequiresPgBouncer
class DatabaseRestartPgBouncerTest {

    static final int POOL_SIZE = 12;
    static final int CLIENTS = 16;
    /** Sockets beyond the pool size that may be open for a moment (see docs/connection-pooling.md). */
    static final int SOCKET_MARGIN = 2;
    /** An upper bound far above the few seconds recovery takes; PgBouncer's part is its server_login_retry. */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(RestartableDatabase.SERVER_LOGIN_RETRY_SECONDS + 28);
    static final Duration DOWN = Duration.ofSeconds(2);

    /** The service behind the restartable PgBouncer with a small runtime pool. */
    public static class Profile implements QuarkusTestProfile {

        @Override
        public Map<String, String> getConfigOverrides() {
            Map<String, String> config = new HashMap<>();
            config.put("cpdb.admin.token", ApiTestProfiles.ADMIN_TOKEN);
            config.put("cpdb.home", TestFolders.create("cpdb-test-restart-home").toString());
            config.put("cpdb.secrets.master-key", ApiTestProfiles.MASTER_KEY);
            config.put("database.pool.max", Integer.toString(POOL_SIZE));
            config.put("database.pool.acquire-timeout", "3s");
            config.put("cpdb.backup.enabled", "false");
            return config;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(RestartableDatabaseResource.class));
        }
    }

    @RestartableDatabaseResource.Inject
    RestartableDatabase database;

    @Test
    void aPostgresRestartBehindPgBouncerAnswers503AndRecovers() throws Exception {
        Outage outage = underLoad(() -> database.restartPostgres(DOWN));

        outage.assertHeld("PostgreSQL restart");
    }

    @Test
    void aPgBouncerRestartAnswers503AndRecovers() throws Exception {
        Outage outage = underLoad(() -> database.restartPgBouncer(DOWN));

        outage.assertHeld("PgBouncer restart");
    }

    /** Something that takes a part down and brings it back. */
    interface Restart {
        void run() throws Exception;
    }

    /** One answer of the load. */
    record Answer(long atNanos, int status, String retryAfter, String body) {
    }

    /** What the load saw around one restart. */
    record Outage(List<Answer> answers, int maxSockets, long backAtNanos, long readyAtNanos) {

        void assertHeld(String what) {
            List<Answer> failures = answers.stream().filter(a -> a.status() >= 300).toList();
            System.out.printf(Locale.ROOT, "%s: %d requests, %d not 2xx, statuses %s, max sockets %d, ready %.1f s "
                    + "after the restart%n", what, answers.size(), failures.size(),
                    failures.stream().map(Answer::status).distinct().toList(), maxSockets,
                    (readyAtNanos - backAtNanos) / 1e9);
            assertTrue(maxSockets <= POOL_SIZE + SOCKET_MARGIN, what + ": " + maxSockets
                    + " sockets to PgBouncer at once, pool size " + POOL_SIZE);
            for (Answer failure : failures) {
                assertEquals(503, failure.status(), what + ": only 503 while the database is away: " + failure);
                assertTrue(failure.retryAfter() != null, what + ": Retry-After on " + failure);
                String detail = JsonPath.from(failure.body()).getString("detail");
                assertTrue(detail != null && detail.startsWith("The database is unavailable"), failure.body());
            }
            long recoveredBy = backAtNanos + RECOVERY_BOUND.toNanos();
            List<Answer> late = failures.stream().filter(a -> a.atNanos() > recoveredBy).toList();
            assertEquals(List.of(), late, what + ": requests fail more than " + RECOVERY_BOUND.toSeconds()
                    + " s after the restart");
            assertTrue(answers.stream().anyMatch(a -> a.atNanos() > backAtNanos && a.status() < 300),
                    what + ": requests succeed after the restart");
            assertTrue(readyAtNanos - backAtNanos <= RECOVERY_BOUND.toNanos(), what + ": ready within the bound");
        }
    }

    private Outage underLoad(Restart restart) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicInteger maxSockets = new AtomicInteger();
        ExecutorService threads = Executors.newFixedThreadPool(CLIENTS + 1);
        List<Future<?>> running = new ArrayList<>();
        try {
            running.add(threads.submit(() -> watchSockets(stop, maxSockets)));
            for (int i = 0; i < CLIENTS; i++) {
                running.add(threads.submit(() -> load(stop, answers)));
            }
            Thread.sleep(1000);
            restart.run();
            long backAt = System.nanoTime();
            long readyAt = awaitReady(backAt + RECOVERY_BOUND.toNanos() + Duration.ofSeconds(10).toNanos());
            // Keep the load going past the bound so that late failures would be seen.
            long until = Math.max(readyAt, backAt + Duration.ofSeconds(3).toNanos());
            while (System.nanoTime() < until) {
                Thread.sleep(100);
            }
            stop.set(true);
            for (Future<?> future : running) {
                future.get(2, TimeUnit.MINUTES);
            }
            return new Outage(List.copyOf(answers), maxSockets.get(), backAt, readyAt);
        } finally {
            stop.set(true);
            threads.shutdownNow();
        }
    }

    private static long awaitReady(long deadline) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            if (Api.operator().get("/q/health/ready").statusCode() == 200) {
                return System.nanoTime();
            }
            Thread.sleep(100);
        }
        return Long.MAX_VALUE / 2;
    }

    private static void load(AtomicBoolean stop, ConcurrentLinkedQueue<Answer> answers) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        while (!stop.get()) {
            String prefix = Api.newPrefix();
            Answer created = send(client, "POST", "/api/companies",
                    "{\"name\":\"Restart " + prefix + "\",\"issuePrefix\":\"" + prefix + "\"}");
            answers.add(created);
            if (created.status() == 201) {
                answers.add(send(client, "GET", "/api/companies/" + JsonPath.from(created.body()).getString("id"),
                        null));
            }
        }
    }

    private static Answer send(HttpClient client, String method, String path, String json) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port
                + path))
                .timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ApiTestProfiles.ADMIN_TOKEN)
                .header("Accept", "application/json");
        if (json == null) {
            request.GET();
        } else {
            request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        }
        long at = System.nanoTime();
        try {
            HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(at, response.statusCode(), response.headers().firstValue("Retry-After").orElse(null),
                    response.body());
        } catch (IOException e) {
            return new Answer(at, 599, null, "{\"detail\":\"" + e + "\"}");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(at, 599, null, "{}");
        }
    }

    private void watchSockets(AtomicBoolean stop, AtomicInteger max) {
        while (!stop.get()) {
            int port = database.pgBouncer().port();
            max.accumulateAndGet(establishedSocketsTo(port), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Sockets of this process connected to {@code port} on the loopback address, from the kernel's table
     * ({@code /proc/net/tcp}) matched against this process's file descriptors. States ESTABLISHED and SYN_SENT both
     * count: a connection attempt holds a socket too.
     */
    static int establishedSocketsTo(int port) {
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException e) {
                    // closed meanwhile
                }
            }
            // Java opens IPv6 sockets by default; an IPv4 peer then shows as ::ffff:127.0.0.1 in tcp6.
            Set<String> remotes = Set.of(String.format(Locale.ROOT, "0100007F:%04X", port),
                    String.format(Locale.ROOT, "0000000000000000FFFF00000100007F:%04X", port));
            int count = 0;
            for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] fields = line.strip().split("\\s+");
                    if (fields.length > 9 && remotes.contains(fields[2])
                            && (fields[3].equals("01") || fields[3].equals("02")) && inodes.contains(fields[9])) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the socket table", e);
        }
    }
}
