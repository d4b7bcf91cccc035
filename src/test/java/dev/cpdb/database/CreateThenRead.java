package dev.cpdb.database;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.cpdb.testing.Api;
import dev.cpdb.testing.ApiTestProfiles;
import dev.cpdb.testing.Http;
import io.restassured.path.json.JsonPath;

/**
 * Concurrent clients that create companies and issues and read each back at once, by id and, for issues, by
 * {@code PREFIX-N}: every answer that is not the expected status, and every read that shows another record or other
 * values than the client just wrote, is a failure. A pooler that mixes up statements between clients shows up as
 * either.
 */
final class CreateThenRead {

    private final int clients;
    private final int rounds;

    CreateThenRead(int clients, int rounds) {
        this.clients = clients;
        this.rounds = rounds;
    }

    /** What a run saw. */
    record Result(int requests, List<String> failures) {
    }

    Result run() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicInteger requests = new AtomicInteger();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<Future<?>> running = new ArrayList<>();
        try {
            for (int client = 0; client < clients; client++) {
                int number = client;
                running.add(pool.submit(() -> client(number, requests, failures)));
            }
            for (Future<?> future : running) {
                future.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        return new Result(requests.get(), List.copyOf(failures));
    }

    private void client(int number, AtomicInteger requests, List<String> failures) {
        String token = ApiTestProfiles.ADMIN_TOKEN;
        for (int round = 0; round < rounds; round++) {
            String prefix = Api.newPrefix();
            String name = "Client " + number + " round " + round;
            requests.incrementAndGet();
            Http.Answer created = Http.send("POST", "/api/companies", token,
                    "{\"name\":\"" + name + "\",\"issuePrefix\":\"" + prefix + "\"}");
            if (!expect(201, created, "create company " + prefix, failures)) {
                continue;
            }
            String companyId = JsonPath.from(created.body()).getString("id");
            requests.incrementAndGet();
            Http.Answer company = Http.send("GET", "/api/companies/" + companyId, token, null);
            if (expect(200, company, "read company " + companyId, failures)) {
                same(company, "id", companyId, failures);
                same(company, "name", name, failures);
                same(company, "issuePrefix", prefix, failures);
            }
            for (int issue = 1; issue <= 2; issue++) {
                String title = name + " issue " + issue;
                requests.incrementAndGet();
                Http.Answer createdIssue = Http.send("POST", "/api/companies/" + companyId + "/issues", token,
                        "{\"title\":\"" + title + "\"}");
                if (!expect(201, createdIssue, "create issue in " + prefix, failures)) {
                    continue;
                }
                String issueId = JsonPath.from(createdIssue.body()).getString("id");
                same(createdIssue, "identifier", prefix + "-" + issue, failures);
                for (String key : List.of(issueId, prefix + "-" + issue)) {
                    requests.incrementAndGet();
                    Http.Answer read = Http.send("GET", "/api/issues/" + key, token, null);
                    if (expect(200, read, "read issue " + key, failures)) {
                        same(read, "id", issueId, failures);
                        same(read, "companyId", companyId, failures);
                        same(read, "title", title, failures);
                        same(read, "identifier", prefix + "-" + issue, failures);
                    }
                }
            }
        }
    }

    private static boolean expect(int status, Http.Answer answer, String what, List<String> failures) {
        if (answer.status() == status) {
            return true;
        }
        failures.add(what + ": " + answer.status() + " " + answer.body());
        return false;
    }

    private static void same(Http.Answer answer, String field, String expected, List<String> failures) {
        String actual = JsonPath.from(answer.body()).getString(field);
        if (!expected.equals(actual)) {
            failures.add("wrong row: " + field + " is " + actual + ", expected " + expected + " in " + answer.body());
        }
    }
}
