package dev.cpdb.api;

import static dev.cpdb.testing.Api.newAgent;
import static dev.cpdb.testing.Api.newAgentKey;
import static dev.cpdb.testing.Api.newCompany;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.Http;
import dev.cpdb.testing.InjectPgBouncer;
import dev.cpdb.testing.PgBouncer;
import dev.cpdb.testing.RequiresPgBouncer;
import dev.cpdb.testing.TestPostgres;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;

/**
 * Many clients at once through PgBouncer in transaction mode (two server connections shared by forty runtime
 * connections): 50 clients each make a run of mixed requests (creates, updates, comments, gets, filtered lists), half
 * of them as agents whose key is checked on every request.
 *
 * <p>
 * Every read must show exactly what that client wrote (a mix-up between requests sharing a server connection would
 * show another client's rows or an older state), and afterwards the activity log, read straight from PostgreSQL,
 * must hold every acknowledged write exactly once, with issue numbers gap-free per company. Expectations come from
 * our design (one log entry per write, in the write's transaction) and PostgreSQL's transaction guarantees.
 *
 * <p>
 * 50 clients x 200 requests (10,000 requests) by default; {@code -Dtraffic.clients} and {@code -Dtraffic.requests}
 * change the size.
 */
@QuarkusTest
@TestProfile(ApiTestProfiles.ThroughPgBouncer.class)
@RequiresPgBouncer
class ConcurrentTrafficPgBouncerTest {

    private static final int CLIENTS = Integer.getInteger("traffic.clients", 50);
    private static final int REQUESTS = Integer.getInteger("traffic.requests", 200);
    private static final int COMPANIES = 10;
    private static final String[] STATUSES = { "todo", "in_progress" };

    @InjectPgBouncer
    PgBouncer pgBouncer;

    /** One acknowledged write: its entity and the action the log must show for it. */
    record Write(String entityId, String action) {
    }

    /** What one client did. */
    record Outcome(List<Write> writes, int reads) {
    }

    /** What a client last wrote to one of its issues. */
    record Expected(String title, String status, String companyId) {
    }

    @Test
    void everyReadSeesItsOwnWritesAndEveryWriteIsLoggedOnce() throws Exception {
        List<String> companies = new ArrayList<>();
        Map<String, String> agentKeys = new HashMap<>();
        for (int c = 0; c < COMPANIES; c++) {
            String company = newCompany();
            companies.add(company);
            agentKeys.put(company, newAgentKey(newAgent(company, "load")));
        }

        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Outcome>> results = new ArrayList<>();
        Map<String, Integer> createdPerCompany = new ConcurrentHashMap<>();
        for (int i = 0; i < CLIENTS; i++) {
            String company = companies.get(i % COMPANIES);
            String token = i % 2 == 0 ? ApiTestProfiles.ADMIN_TOKEN : agentKeys.get(company);
            int client = i;
            results.add(pool.submit(() -> new Client(client, company, token, createdPerCompany).run()));
        }
        Map<Write, Integer> expected = new HashMap<>();
        int requests = 0;
        try {
            for (Future<Outcome> result : results) {
                Outcome outcome = result.get(10, TimeUnit.MINUTES);
                outcome.writes().forEach(write -> expected.merge(write, 1, Integer::sum));
                requests += outcome.writes().size() + outcome.reads();
            }
        } finally {
            pool.shutdownNow();
        }

        assertEquals(CLIENTS * REQUESTS, requests, "every request was made");
        // Exactly one entry per acknowledged write: k updates of an issue need k issue.updated entries.
        assertEquals(expected, activityCounts(companies), "activity log entries per entity and action");
        for (String company : companies) {
            List<Long> numbers = issueNumbers(company);
            assertEquals(createdPerCompany.getOrDefault(company, 0), numbers.size(), "issues of " + company);
            for (int n = 0; n < numbers.size(); n++) {
                assertEquals(n + 1L, numbers.get(n), "issue numbers of " + company + " are gap-free");
            }
        }
    }

    /** One client: a fixed sequence of requests decided by its own random generator. */
    private static final class Client {

        private final int number;
        private final String company;
        private final String token;
        private final Map<String, Integer> createdPerCompany;
        private final Random random;
        private final String tag;
        private final Map<String, Expected> mine = new LinkedHashMap<>();
        private final List<Write> writes = new ArrayList<>();
        private int reads;

        Client(int number, String company, String token, Map<String, Integer> createdPerCompany) {
            this.number = number;
            this.company = company;
            this.token = token;
            this.createdPerCompany = createdPerCompany;
            this.random = new Random(number);
            this.tag = String.format("[client-%03d]", number);
        }

        Outcome run() {
            for (int request = 0; request < REQUESTS; request++) {
                int dice = random.nextInt(100);
                if (mine.isEmpty() || dice < 30) {
                    create(request);
                } else if (dice < 50) {
                    update(request);
                } else if (dice < 60) {
                    comment(request);
                } else if (dice < 85) {
                    get();
                } else {
                    list();
                }
            }
            return new Outcome(writes, reads);
        }

        private void create(int request) {
            String title = tag + " issue " + request;
            Http.Answer answer = Http.send("POST", "/api/companies/" + company + "/issues", token,
                    "{\"title\":\"" + title + "\",\"status\":\"todo\"}");
            JsonPath body = expect(201, answer);
            assertEquals(company, body.getString("companyId"), "company of a created issue");
            assertEquals(title, body.getString("title"), "title of a created issue");
            mine.put(body.getString("id"), new Expected(title, "todo", company));
            writes.add(new Write(body.getString("id"), "issue.created"));
            createdPerCompany.merge(company, 1, Integer::sum);
        }

        private void update(int request) {
            String id = pick();
            Expected before = mine.get(id);
            String status = before.status().equals(STATUSES[0]) ? STATUSES[1] : STATUSES[0];
            String title = tag + " issue updated at " + request;
            JsonPath body = expect(200, Http.send("PATCH", "/api/issues/" + id, token,
                    "{\"title\":\"" + title + "\",\"status\":\"" + status + "\"}"));
            assertEquals(id, body.getString("id"));
            assertEquals(title, body.getString("title"));
            mine.put(id, new Expected(title, status, company));
            writes.add(new Write(id, "issue.updated"));
        }

        private void comment(int request) {
            String id = pick();
            JsonPath body = expect(201, Http.send("POST", "/api/issues/" + id + "/comments", token,
                    "{\"body\":\"" + tag + " comment " + request + "\"}"));
            assertEquals(id, body.getString("issueId"), "issue of a new comment");
            writes.add(new Write(body.getString("id"), "issue_comment.created"));
        }

        private void get() {
            reads++;
            String id = pick();
            JsonPath body = expect(200, Http.send("GET", "/api/issues/" + id, token, null));
            Expected expected = mine.get(id);
            assertEquals(id, body.getString("id"), "id of a read issue");
            assertEquals(expected.title(), body.getString("title"), "title of " + id + " as last written");
            assertEquals(expected.status(), body.getString("status"), "status of " + id + " as last written");
            assertEquals(expected.companyId(), body.getString("companyId"));
        }

        private void list() {
            reads++;
            String query = java.net.URLEncoder.encode(tag, java.nio.charset.StandardCharsets.UTF_8);
            JsonPath body = expect(200, Http.send("GET", "/api/companies/" + company + "/issues?limit=200&q=" + query,
                    token, null));
            Set<String> listed = new TreeSet<>(body.getList("items.id"));
            assertEquals(new TreeSet<>(mine.keySet()), listed, "issues of " + tag + " in a filtered list");
            assertTrue(body.getString("nextCursor") == null, "fewer than 200 issues per client");
        }

        private String pick() {
            List<String> ids = new ArrayList<>(mine.keySet());
            return ids.get(random.nextInt(ids.size()));
        }

        private JsonPath expect(int status, Http.Answer answer) {
            assertEquals(status, answer.status(), "client " + number + ": " + answer.body());
            return JsonPath.from(answer.body());
        }
    }

    /** Issue and comment log entries of the companies per (entity, action), read straight from PostgreSQL. */
    private Map<Write, Integer> activityCounts(List<String> companies) throws Exception {
        Map<Write, Integer> counts = new HashMap<>();
        try (Connection connection = TestPostgres.connect(pgBouncer.backend());
                PreparedStatement statement = connection.prepareStatement("""
                        SELECT entity_id::text, action FROM public.activity_log
                         WHERE company_id = ANY (?::uuid[])
                           AND action IN ('issue.created', 'issue.updated', 'issue_comment.created')""")) {
            statement.setArray(1, connection.createArrayOf("text", companies.toArray()));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    counts.merge(new Write(rows.getString(1), rows.getString(2)), 1, Integer::sum);
                }
            }
        }
        return counts;
    }

    private List<Long> issueNumbers(String company) throws Exception {
        List<Long> numbers = new ArrayList<>();
        try (Connection connection = TestPostgres.connect(pgBouncer.backend());
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT number FROM public.issues WHERE company_id = ?::uuid ORDER BY number")) {
            statement.setString(1, company);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    numbers.add(rows.getLong(1));
                }
            }
        }
        return numbers;
    }
}
