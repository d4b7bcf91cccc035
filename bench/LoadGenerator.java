import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small closed-loop HTTP load generator for the runtime API benchmark: a fixed number of workers, each sending GET
 * requests back to back for a fixed time (and at most a fixed number of requests in all), cycling through the paths
 * of a file. Prints one line: requests, errors, requests per second, p50 and p99 latency in milliseconds.
 *
 * <p>
 * Run with the JDK's single-file launcher:
 * {@code java LoadGenerator.java BASE_URL TOKEN PATHS_FILE WORKERS SECONDS MAX_REQUESTS}.
 */
public class LoadGenerator {

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: java LoadGenerator.java BASE_URL TOKEN PATHS_FILE WORKERS SECONDS MAX_REQUESTS");
            System.exit(2);
        }
        String base = args[0];
        String token = args[1];
        List<String> paths = Files.readAllLines(Path.of(args[2])).stream().filter(line -> !line.isBlank()).toList();
        int workers = Integer.parseInt(args[3]);
        long deadline = System.nanoTime() + Duration.ofSeconds(Long.parseLong(args[4])).toNanos();
        long maxRequests = Long.parseLong(args[5]);

        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
        AtomicLong issued = new AtomicLong();
        AtomicLong errors = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int w = 0; w < workers; w++) {
            long[] own = new long[(int) Math.min(maxRequests, 4_000_000L) / workers + 1];
            latencies.add(own);
            int offset = w;
            Thread thread = new Thread(() -> work(client, base, token, paths, offset, deadline, maxRequests, issued,
                    errors, own));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).filter(nanos -> nanos > 0).sorted().toArray();
        System.out.printf("requests=%d errors=%d rps=%.0f p50_ms=%.2f p99_ms=%.2f%n", all.length, errors.get(),
                all.length / seconds, percentile(all, 0.50), percentile(all, 0.99));
    }

    private static void work(HttpClient client, String base, String token, List<String> paths, int offset,
            long deadline, long maxRequests, AtomicLong issued, AtomicLong errors, long[] latencies) {
        int count = 0;
        int next = offset;
        while (System.nanoTime() < deadline && count < latencies.length && issued.incrementAndGet() <= maxRequests) {
            HttpRequest request = HttpRequest.newBuilder(URI.create(base + paths.get(next % paths.size())))
                    .header("Authorization", "Bearer " + token)
                    .timeout(Duration.ofSeconds(30))
                    .GET()
                    .build();
            next += 7919;
            long begin = System.nanoTime();
            try {
                HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (response.statusCode() != 200) {
                    errors.incrementAndGet();
                }
            } catch (Exception e) {
                errors.incrementAndGet();
            }
            latencies[count++] = System.nanoTime() - begin;
        }
    }

    private static double percentile(long[] sorted, double quantile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
