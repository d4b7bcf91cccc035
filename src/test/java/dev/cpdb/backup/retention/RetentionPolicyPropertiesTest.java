package dev.cpdb.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.cpdb.backup.retention.RetentionPolicy.Backup;
import dev.cpdb.backup.retention.RetentionPolicy.Decision;
import dev.cpdb.backup.retention.RetentionPolicy.Rule;

/**
 * {@link RetentionPolicy} over many random backup histories, compared with a deliberately plain reference written
 * here from the policy's Javadoc: it walks every week and month of the window one by one and scans all backups for
 * each, where the policy makes one pass over backups sorted newest first. Both must agree on every backup and every
 * rule that keeps it; invariants that follow from the design (the newest survives, the minimum count holds, a second
 * pass deletes nothing, nothing inside the day window goes) are checked on their own as well.
 *
 * <p>
 * Each run draws a new master seed and prints it on failure; {@code -Dcpdb.retention.seed=N} replays a run.
 */
class RetentionPolicyPropertiesTest {

    private static final int HISTORIES = 500;
    private static final Instant EARLIEST_NOW = Instant.parse("2001-01-01T00:00:00Z");
    private static final Instant LATEST_NOW = Instant.parse("2039-12-31T00:00:00Z");
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    @Test
    void randomHistoriesKeepExactlyWhatTheReferenceKeeps() {
        long masterSeed = Long.getLong("cpdb.retention.seed", new Random().nextLong());
        Random master = new Random(masterSeed);
        for (int i = 0; i < HISTORIES; i++) {
            int index = i;
            History history = History.random(new Random(master.nextLong()));
            Supplier<String> where = () -> "master seed " + masterSeed + " (rerun with -Dcpdb.retention.seed="
                    + masterSeed + "), history " + index + ": " + history;
            check(history, where);
        }
    }

    private static void check(History history, Supplier<String> where) {
        RetentionPolicy policy = history.policy();
        List<Decision> decisions = policy.apply(history.backups(), history.now());
        Map<String, Set<Rule>> actual = rules(decisions);
        Map<String, Set<Rule>> expected = Reference.rules(history.backups(), history.now(), policy);

        assertEquals(expected, actual, where);

        List<Backup> newestFirst = Reference.newestFirst(history.backups());
        assertEquals(newestFirst, decisions.stream().map(Decision::backup).toList(),
                () -> "decisions come newest first; " + where.get());
        for (Decision decision : decisions) {
            assertEquals(decision.keep(), !decision.reasons().isEmpty(), where);
        }
        if (!newestFirst.isEmpty()) {
            assertTrue(decisions.get(0).keep(), () -> "the newest backup is always kept; " + where.get());
        }
        int guaranteed = Math.min(policy.minCount(), newestFirst.size());
        for (int i = 0; i < guaranteed; i++) {
            assertTrue(decisions.get(i).keep(), () -> "the min-count newest backups are kept; " + where.get());
        }
        for (Decision decision : decisions) {
            Instant time = decision.backup().finishedAt();
            boolean withinDays = policy.days() > 0 && !time.isAfter(history.now())
                    && Duration.between(time, history.now()).compareTo(Duration.ofDays(policy.days())) <= 0;
            if (withinDays || time.isAfter(history.now())) {
                assertTrue(decision.keep(), () -> "a backup within the day window or in the future is kept: "
                        + decision + "; " + where.get());
            }
        }

        List<Backup> kept = decisions.stream().filter(Decision::keep).map(Decision::backup).toList();
        List<Decision> again = policy.apply(kept, history.now());
        assertTrue(again.stream().allMatch(Decision::keep), () -> "a second pass deletes nothing; " + where.get());
        assertEquals(rules(decisions.stream().filter(Decision::keep).toList()), rules(again),
                () -> "a second pass keeps each backup for the same reasons; " + where.get());

        List<Backup> shuffled = new ArrayList<>(history.backups());
        Collections.shuffle(shuffled, new Random(history.backups().size()));
        assertEquals(decisions, policy.apply(shuffled, history.now()),
                () -> "the input order does not matter; " + where.get());
    }

    private static Map<String, Set<Rule>> rules(List<Decision> decisions) {
        Map<String, Set<Rule>> rules = new LinkedHashMap<>();
        for (Decision decision : decisions) {
            Set<Rule> set = EnumSet.noneOf(Rule.class);
            decision.reasons().forEach(reason -> set.add(reason.rule()));
            rules.put(decision.backup().id(), set);
        }
        return rules;
    }

    /**
     * The reference: each rule on its own, by brute force. For a window rule it lists the window's weeks (or months)
     * one by one from the calendar and asks, for each, which backup is the newest in it.
     */
    static final class Reference {

        static Map<String, Set<Rule>> rules(List<Backup> backups, Instant now, RetentionPolicy policy) {
            Map<String, Set<Rule>> rules = new LinkedHashMap<>();
            for (Backup backup : newestFirst(backups)) {
                rules.put(backup.id(), EnumSet.noneOf(Rule.class));
            }
            for (Backup backup : backups) {
                Set<Rule> set = rules.get(backup.id());
                long newer = backups.stream().filter(other -> isNewer(other, backup)).count();
                if (newer == 0) {
                    set.add(Rule.NEWEST);
                }
                if (newer < policy.minCount()) {
                    set.add(Rule.MIN_COUNT);
                }
                if (backup.finishedAt().isAfter(now)) {
                    set.add(Rule.FUTURE);
                } else if (policy.days() > 0
                        && Duration.between(backup.finishedAt(), now).compareTo(Duration.ofDays(policy.days())) <= 0) {
                    set.add(Rule.DAYS);
                }
            }
            LocalDate today = date(now);
            for (int k = 0; k < policy.weeks(); k++) {
                LocalDate day = today.minusWeeks(k);
                int year = day.get(IsoFields.WEEK_BASED_YEAR);
                int week = day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
                newestWhere(backups, now, b -> date(b.finishedAt()).get(IsoFields.WEEK_BASED_YEAR) == year
                        && date(b.finishedAt()).get(IsoFields.WEEK_OF_WEEK_BASED_YEAR) == week)
                        .ifPresent(b -> rules.get(b.id()).add(Rule.WEEKLY));
            }
            for (int k = 0; k < policy.months(); k++) {
                YearMonth month = YearMonth.from(today).minusMonths(k);
                newestWhere(backups, now, b -> YearMonth.from(date(b.finishedAt())).equals(month))
                        .ifPresent(b -> rules.get(b.id()).add(Rule.MONTHLY));
            }
            return rules;
        }

        /** The newest backup, not after {@code now}, that matches; ties broken by the greater id. */
        static Optional<Backup> newestWhere(List<Backup> backups, Instant now, Predicate<Backup> in) {
            Backup newest = null;
            for (Backup backup : backups) {
                if (!backup.finishedAt().isAfter(now) && in.test(backup)
                        && (newest == null || isNewer(backup, newest))) {
                    newest = backup;
                }
            }
            return Optional.ofNullable(newest);
        }

        static boolean isNewer(Backup a, Backup b) {
            int byTime = a.finishedAt().compareTo(b.finishedAt());
            return byTime > 0 || byTime == 0 && a.id().compareTo(b.id()) > 0;
        }

        static List<Backup> newestFirst(List<Backup> backups) {
            List<Backup> sorted = new ArrayList<>();
            for (Backup backup : backups) {
                int at = 0;
                while (at < sorted.size() && isNewer(sorted.get(at), backup)) {
                    at++;
                }
                sorted.add(at, backup);
            }
            return sorted;
        }

        static LocalDate date(Instant time) {
            return LocalDate.ofInstant(time, ZoneOffset.UTC);
        }
    }

    /** One random history: backups, the time the policy runs at, and the policy. */
    record History(List<Backup> backups, Instant now, RetentionPolicy policy) {

        static History random(Random random) {
            Instant now = randomNow(random);
            RetentionPolicy policy = random.nextInt(8) == 0 ? RetentionPolicy.DEFAULT
                    : new RetentionPolicy(random.nextInt(15), random.nextInt(11), random.nextInt(16),
                            random.nextInt(7));
            int count = switch (random.nextInt(10)) {
                case 0 -> 0;
                case 1 -> 1 + random.nextInt(3);
                case 2 -> 100 + random.nextInt(300);
                default -> 5 + random.nextInt(60);
            };
            List<Instant> times = new ArrayList<>();
            boolean schedule = random.nextBoolean();
            Duration interval = Duration.ofMinutes(30 + random.nextInt(60 * 36));
            Instant scheduled = now.minus(Duration.ofDays(1 + random.nextInt(400)));
            while (times.size() < count) {
                Instant time;
                int kind = random.nextInt(20);
                if (kind == 0 && !times.isEmpty()) {
                    time = times.get(random.nextInt(times.size()));
                } else if (kind == 1) {
                    time = now.plusSeconds(1 + random.nextInt(3 * 86_400));
                } else if (kind == 2) {
                    time = boundary(random, now, policy);
                } else if (schedule) {
                    scheduled = scheduled.plus(interval).plusMillis(random.nextInt(600_000) - 300_000);
                    time = scheduled;
                } else {
                    time = now.minusMillis((long) (random.nextDouble() * 370 * 86_400_000L));
                }
                times.add(time);
            }
            Set<String> ids = new HashSet<>();
            List<Backup> backups = new ArrayList<>();
            for (Instant time : times) {
                String id;
                do {
                    id = idFor(time.minusSeconds(random.nextInt(3_600)), random);
                } while (!ids.add(id));
                backups.add(new Backup(id, time));
            }
            return new History(backups, now, policy);
        }

        /** Either any instant, or one next to a week's or a year's start, where calendar mistakes show. */
        static Instant randomNow(Random random) {
            long span = LATEST_NOW.getEpochSecond() - EARLIEST_NOW.getEpochSecond();
            Instant any = EARLIEST_NOW.plusSeconds((long) (random.nextDouble() * span))
                    .plusNanos(random.nextInt(1_000_000_000));
            return switch (random.nextInt(4)) {
                case 0 -> {
                    LocalDate newYear = LocalDate.of(2001 + random.nextInt(38), 1, 1);
                    yield newYear.minusDays(10).atStartOfDay(ZoneOffset.UTC).toInstant()
                            .plusSeconds(random.nextInt(20 * 86_400));
                }
                case 1 -> Reference.date(any).with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(random.nextInt(3) - 1);
                default -> any;
            };
        }

        /** An instant exactly on, or a nanosecond either side of, an edge of one of the policy's windows. */
        static Instant boundary(Random random, Instant now, RetentionPolicy policy) {
            LocalDate today = Reference.date(now);
            Instant edge = switch (random.nextInt(3)) {
                case 0 -> now.minus(Duration.ofDays(policy.days()));
                case 1 -> today.minusWeeks(random.nextInt(policy.weeks() + 2))
                        .with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                        .atStartOfDay(ZoneOffset.UTC).toInstant();
                default -> YearMonth.from(today).minusMonths(random.nextInt(policy.months() + 2)).atDay(1)
                        .atStartOfDay(ZoneOffset.UTC).toInstant();
            };
            return edge.plusNanos(random.nextInt(3) - 1);
        }

        static String idFor(Instant started, Random random) {
            return String.format("%s-%06x", ID_TIME.format(started), random.nextInt(1 << 24));
        }

        @Override
        public String toString() {
            return "now " + now + ", " + policy + ", " + backups.size() + " backups: "
                    + backups.stream().map(b -> b.id() + "@" + b.finishedAt()).collect(Collectors.joining(", "));
        }
    }

    @Test
    void theReferenceAgreesWithAHandWorkedExample() {
        // 2026-03-11 is a Wednesday in ISO week 2026-W11.
        Instant now = Instant.parse("2026-03-11T12:00:00Z");
        List<Backup> backups = List.of(
                new Backup("a", Instant.parse("2026-03-11T00:00:00Z")),
                new Backup("b", Instant.parse("2026-03-01T23:00:00Z")),
                new Backup("c", Instant.parse("2026-03-01T22:00:00Z")),
                new Backup("d", Instant.parse("2026-02-20T08:00:00Z")));
        Map<String, Set<Rule>> rules = Reference.rules(backups, now, new RetentionPolicy(1, 2, 2, 0));

        assertEquals(EnumSet.of(Rule.NEWEST, Rule.DAYS, Rule.WEEKLY, Rule.MONTHLY), rules.get("a"));
        assertEquals(EnumSet.noneOf(Rule.class), rules.get("b"), "W09 is outside two weeks; March's newest is a");
        assertEquals(EnumSet.noneOf(Rule.class), rules.get("c"));
        assertEquals(EnumSet.of(Rule.MONTHLY), rules.get("d"));
        assertFalse(Reference.isNewer(backups.get(1), backups.get(0)));
    }
}
