package dev.cpdb;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import io.smallrye.mutiny.Uni;

/**
 * One probe shared by everyone who asks: callers that arrive while it runs wait for the same run, and its result
 * answers for {@code reuse} after it finished. However many requests or health checks arrive at once, at most one
 * probe runs, so a flood of anonymous calls cannot turn into a flood of database connections.
 *
 * @param <T> what the probe finds; a failed probe is not reused
 */
public final class SharedProbe<T> {

    private final Duration reuse;
    private final Supplier<Uni<T>> probe;
    private T last;
    private long lastFinishedNanos;
    private CompletableFuture<T> inFlight;

    public SharedProbe(Duration reuse, Supplier<Uni<T>> probe) {
        this.reuse = reuse;
        this.probe = probe;
    }

    /** The fresh last result, else the running probe's, else a new probe's. */
    public Uni<T> get() {
        // Each caller gets its own copy: a caller that gives up (a timed-out health check) cancels its copy, never
        // the run the others wait for.
        return Uni.createFrom().completionStage(() -> shared().copy());
    }

    /** The last finished result however old, without starting a probe; null before the first one finished. */
    public synchronized T last() {
        return last;
    }

    private synchronized CompletableFuture<T> shared() {
        if (last != null && System.nanoTime() - lastFinishedNanos < reuse.toNanos()) {
            return CompletableFuture.completedFuture(last);
        }
        if (inFlight != null) {
            return inFlight;
        }
        CompletableFuture<T> run = probe.get().subscribeAsCompletionStage();
        inFlight = run;
        // May run at once when the probe finished synchronously; it then clears inFlight again, which is right.
        run.whenComplete((result, failure) -> finished(result));
        return run;
    }

    private synchronized void finished(T result) {
        if (result != null) {
            last = result;
            lastFinishedNanos = System.nanoTime();
        }
        inFlight = null;
    }
}
