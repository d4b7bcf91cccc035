package dev.cpdb.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits in tests for what another process does in its own time. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 250 ms until it holds; fails the test when it does not within {@code timeout}. */
    public static void until(Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("condition not reached within " + timeout);
    }
}
