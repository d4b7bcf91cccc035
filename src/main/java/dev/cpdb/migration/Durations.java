package dev.cpdb.migration;

import java.time.Duration;

/** Durations as operators write them in settings ({@code 3s}, {@code 5m}, {@code 1500ms}), for messages. */
final class Durations {

    private Durations() {
    }

    static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1000 == 0) {
            return millis / 1000 + "s";
        }
        return millis + "ms";
    }
}
