package dev.cpdb.database.querylog;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Times every statement cpdb sends on either connection path and, at the level in force, logs it: its template (the
 * statement as the code wrote it, with {@code $n} placeholders, never the text a simple-protocol pool renders), its
 * duration, rows, path and the request it ran for. Values are shown only at {@link Level#WITH_VALUES}, and never for a
 * statement that keeps its values out of its text because they are secret. Every statement's time also goes to the
 * histogram {@code cpdb.db.statement} by statement name and path.
 *
 * <p>
 * The level and threshold can change while the service runs ({@link #configure}); statements read them when they
 * finish.
 */
public final class QueryLog {

    /** The logger category of statement lines. */
    public static final String CATEGORY = "dev.cpdb.query";

    private static final Logger LOG = Logger.getLogger(CATEGORY);

    /** Statement names kept apart in the histogram; later ones share {@code other}, bounding the series. */
    private static final int MAX_NAMES = 500;

    /** Which statements are logged. */
    public enum Level {
        /** None. */
        OFF,
        /** Those that take at least the slow threshold, and failures. */
        SLOW,
        /** Every statement, values redacted. */
        ALL,
        /** Every statement with its values (except values kept secret). */
        WITH_VALUES;

        /** The setting's spelling: {@code off}, {@code slow}, {@code all}, {@code with-values}. */
        public String settingValue() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /** Parses a setting value; {@code source} names the setting in the error. */
        public static Level parse(String value, String source) {
            for (Level level : values()) {
                if (level.settingValue().equals(value.strip().toLowerCase(Locale.ROOT))) {
                    return level;
                }
            }
            throw new IllegalArgumentException(source + " is \"" + value + "\"; use off, slow, all or with-values");
        }
    }

    /** The connection path a statement took. */
    public enum Path {
        RUNTIME,
        DIRECT,
        /** The runtime path's reads served by a streaming replica ({@code DATABASE_READ_URL}). */
        REPLICA;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Map<String, String> names = new ConcurrentHashMap<>();
    /** Histogram timers by statement name (a bounded set), one per path (indexed by the path's ordinal). */
    private final Map<String, Timer[]> timers = new ConcurrentHashMap<>();
    private volatile Level level;
    private volatile Duration slowThreshold;

    /**
     * @param registry where the histogram goes; null for none (one-off commands)
     */
    public QueryLog(Level level, Duration slowThreshold, MeterRegistry registry) {
        this.registry = registry;
        configure(level, slowThreshold);
    }

    /** A log that logs nothing and keeps no histogram. */
    public static QueryLog disabled() {
        return new QueryLog(Level.OFF, Duration.ofSeconds(1), null);
    }

    /** Changes level and threshold for statements that finish from now on. */
    public void configure(Level newLevel, Duration newThreshold) {
        if (newThreshold.isNegative()) {
            throw new IllegalArgumentException("the slow-statement threshold must not be negative");
        }
        this.level = newLevel;
        this.slowThreshold = newThreshold;
    }

    /** The level in force. */
    public Level level() {
        return level;
    }

    /** The slow threshold in force. */
    public Duration slowThreshold() {
        return slowThreshold;
    }

    /** Set while {@link #quietFailures} starts statements on this thread. */
    private static final ThreadLocal<Boolean> FAILURE_REPORTED = ThreadLocal.withInitial(() -> false);

    /**
     * Runs {@code start}, which starts statements, so that their failures are not logged: for a check whose caller
     * already reported the failure it repeats (a replica that stays down fails every poll, and one line when it went
     * down says all). Times still go to the histogram; a success is logged as usual.
     */
    public static <T> T quietFailures(Supplier<T> start) {
        FAILURE_REPORTED.set(true);
        try {
            return start.get();
        } finally {
            FAILURE_REPORTED.set(false);
        }
    }

    /**
     * Starts timing a statement.
     *
     * @param template the statement as the code wrote it
     * @param values its values in order (may be empty), or null when they are not known (the direct path)
     * @param secretValues the values are secret and never shown
     */
    public Timing start(Path path, String template, Object[] values, boolean secretValues) {
        return new Timing(path, template, values, secretValues, RequestIds.current(), System.nanoTime(),
                FAILURE_REPORTED.get());
    }

    /** One running statement. */
    public final class Timing {

        private final Path path;
        private final String template;
        private final Object[] values;
        private final boolean secretValues;
        private final String requestId;
        private final long startNanos;
        private final boolean failureReported;

        private Timing(Path path, String template, Object[] values, boolean secretValues, String requestId,
                long startNanos, boolean failureReported) {
            this.path = path;
            this.template = template;
            this.values = values;
            this.secretValues = secretValues;
            this.requestId = requestId;
            this.startNanos = startNanos;
            this.failureReported = failureReported;
        }

        /**
         * Records the statement's end.
         *
         * @param rows rows returned or affected, negative when not known
         * @param failure why it failed, or null
         */
        public void finish(long rows, Throwable failure) {
            long nanos = System.nanoTime() - startNanos;
            String name = StatementNames.name(template, names, MAX_NAMES);
            if (registry != null) {
                timer(name).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
            }
            Level current = level;
            boolean slow = nanos >= slowThreshold.toNanos();
            if (current == Level.OFF || (current == Level.SLOW && !slow && failure == null)
                    || (failure != null && failureReported)) {
                return;
            }
            LOG.info(line(name, nanos, rows, failure, current == Level.WITH_VALUES, slow && current == Level.SLOW));
        }

        private Timer timer(String name) {
            Timer[] byPath = timers.computeIfAbsent(name, key -> new Timer[Path.values().length]);
            Timer timer = byPath[path.ordinal()];
            if (timer == null) {
                // Registering again returns the meter already registered under the same name and tags.
                timer = Timer.builder("cpdb.db.statement")
                        .description("Time of each statement cpdb sent, by statement name and connection path")
                        .tag("name", name).tag("path", path.label())
                        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(5), Duration.ofMillis(10),
                                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(500),
                                Duration.ofSeconds(1), Duration.ofSeconds(5))
                        .register(registry);
                byPath[path.ordinal()] = timer;
            }
            return timer;
        }

        private String line(String name, long nanos, long rows, Throwable failure, boolean showValues,
                boolean slowMark) {
            StringBuilder line = new StringBuilder(slowMark ? "slow statement " : "statement ").append(name)
                    .append(String.format(Locale.ROOT, " %.3f ms", nanos / 1e6));
            if (failure != null) {
                line.append(", failed: ").append(firstLine(failure));
            } else if (rows >= 0) {
                line.append(", ").append(rows).append(rows == 1 ? " row" : " rows");
            }
            line.append(", ").append(path.label());
            if (requestId != null) {
                line.append(", request ").append(requestId);
            }
            line.append(": ").append(showValues && !secretValues ? template : StatementNames.redactLiterals(template));
            if (values != null && values.length > 0) {
                line.append(" -- values: ");
                if (showValues && !secretValues) {
                    for (int i = 0; i < values.length; i++) {
                        line.append(i == 0 ? "" : ", ").append('$').append(i + 1).append(" = ")
                                .append(StatementNames.show(values[i]));
                    }
                } else {
                    line.append(values.length).append(secretValues ? " secret" : " redacted");
                }
            }
            return line.toString();
        }
    }

    private static String firstLine(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
