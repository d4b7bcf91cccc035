package dev.cpdb.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.temporal.IsoFields;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides which committed backups to keep: a pure function of the backups' finish times, the current time and four
 * numbers, where every decision names the rules behind it.
 *
 * <h2>Order</h2>
 * Backups are ordered by finish time; of two backups that finished at the same instant, the one with the greater id
 * is the newer. Ids are unique, so the order is total and every decision is deterministic.
 *
 * <h2>Rules</h2>
 * A backup is kept when at least one rule keeps it and deleted otherwise. Calendar arithmetic is in UTC whatever the
 * machine's time zone. A number set to 0 turns its rule off; {@link Rule#NEWEST} and {@link Rule#FUTURE} cannot be
 * turned off.
 * <ul>
 * <li>{@link Rule#NEWEST}: the newest backup is always kept.</li>
 * <li>{@link Rule#FUTURE}: a backup that finished after {@code now} is always kept. Its time says a clock is wrong
 * (this machine's or the one that wrote it), so its age is unknown; an operator deletes it by hand if it has to
 * go.</li>
 * <li>{@link Rule#DAYS} ({@code days > 0}): every backup that finished in the closed interval
 * {@code [now - days × 24 h, now]}. A backup exactly {@code days} days old is kept, one a nanosecond older is
 * not.</li>
 * <li>{@link Rule#WEEKLY} ({@code weeks > 0}): ISO weeks run from Monday 00:00 UTC to the next Monday 00:00
 * (exclusive) and belong to their week-based year, so 2026-12-29 and 2027-01-02 are both in week 2026-W53. The
 * window is the week that contains {@code now} and the {@code weeks - 1} weeks before it. In each week of the window
 * the newest backup that finished in that week, and not after {@code now}, is kept.</li>
 * <li>{@link Rule#MONTHLY} ({@code months > 0}): the same with calendar months in UTC: the month that contains
 * {@code now} and the {@code months - 1} months before it, the newest backup of each. So the default of 1 keeps only
 * the newest backup of the current month; 12 keeps one backup for each of the last twelve months.</li>
 * <li>{@link Rule#MIN_COUNT} ({@code minCount > 0}): the {@code minCount} newest backups, however old.</li>
 * </ul>
 * Backups that finished after {@code now} are the newest ones, so they count for {@link Rule#NEWEST} and
 * {@link Rule#MIN_COUNT} like any other; the time-window rules ({@code DAYS}, {@code WEEKLY}, {@code MONTHLY}) only
 * look at backups that finished at or before {@code now}, so a backup with a wrong time never takes a week's or a
 * month's place from a real one.
 *
 * <p>
 * Applying the policy again, at the same {@code now}, to exactly the backups it kept keeps all of them: pruning twice
 * deletes nothing more.
 *
 * @param days keep every backup that finished within this many days (24-hour periods)
 * @param weeks keep the newest backup of each of this many ISO weeks, counting the current one
 * @param months keep the newest backup of each of this many calendar months, counting the current one
 * @param minCount keep at least this many of the newest backups
 */
public record RetentionPolicy(int days, int weeks, int months, int minCount) {

    /** 7 days, 4 weeks, 1 month, at least 3 backups. */
    public static final RetentionPolicy DEFAULT = new RetentionPolicy(7, 4, 1, 3);

    /** Newest first: later finish time first, then greater id first. */
    public static final Comparator<Backup> NEWEST_FIRST = Comparator.comparing(Backup::finishedAt)
            .thenComparing(Backup::id)
            .reversed();

    public RetentionPolicy {
        requireNotNegative("days", days);
        requireNotNegative("weeks", weeks);
        requireNotNegative("months", months);
        requireNotNegative("minCount", minCount);
    }

    /** A committed backup as the policy sees it: its id and when it finished. */
    public record Backup(String id, Instant finishedAt) {

        public Backup {
            if (id == null || finishedAt == null) {
                throw new IllegalArgumentException("a backup needs an id and a finish time");
            }
        }
    }

    /** The rules that can keep a backup. */
    public enum Rule {
        NEWEST,
        FUTURE,
        DAYS,
        WEEKLY,
        MONTHLY,
        MIN_COUNT
    }

    /**
     * One rule that keeps a backup.
     *
     * @param detail the rule applied to this backup, e.g. {@code newest of week 2026-W47}
     */
    public record Reason(Rule rule, String detail) {
    }

    /**
     * The decision for one backup.
     *
     * @param reasons the rules that keep it, in {@link Rule} order; empty means it is deleted
     */
    public record Decision(Backup backup, List<Reason> reasons) {

        public boolean keep() {
            return !reasons.isEmpty();
        }

        /** The reasons as one line, or why it goes. */
        public String explanation() {
            if (reasons.isEmpty()) {
                return "kept by no rule";
            }
            return String.join("; ", reasons.stream().map(Reason::detail).toList());
        }
    }

    /**
     * Decides for each backup whether it is kept.
     *
     * @param backups committed backups with distinct ids, in any order
     * @param now the current time
     * @return one decision per backup, newest first
     * @throws IllegalArgumentException when two backups share an id
     */
    public List<Decision> apply(Collection<Backup> backups, Instant now) {
        List<Backup> ordered = new ArrayList<>(backups);
        ordered.sort(NEWEST_FIRST);
        Set<String> ids = new HashSet<>();
        for (Backup backup : ordered) {
            if (!ids.add(backup.id())) {
                throw new IllegalArgumentException("backup " + backup.id() + " appears twice");
            }
        }
        Instant oldestWithinDays = days > 0 ? now.minus(Duration.ofDays(days)) : null;
        long currentWeek = weekNumber(now);
        long currentMonth = monthNumber(now);
        Set<Long> weeksTaken = new HashSet<>();
        Set<Long> monthsTaken = new HashSet<>();
        List<Decision> decisions = new ArrayList<>(ordered.size());
        for (int i = 0; i < ordered.size(); i++) {
            Backup backup = ordered.get(i);
            Instant time = backup.finishedAt();
            List<Reason> reasons = new ArrayList<>();
            if (i == 0) {
                reasons.add(new Reason(Rule.NEWEST, "newest backup"));
            }
            if (time.isAfter(now)) {
                reasons.add(new Reason(Rule.FUTURE, "finished after now: a clock is wrong"));
            } else {
                if (oldestWithinDays != null && !time.isBefore(oldestWithinDays)) {
                    reasons.add(new Reason(Rule.DAYS, "within " + plural(days, "day")));
                }
                // Newest first, so the first backup met in a week or month is that week's or month's newest.
                long week = weekNumber(time);
                if (currentWeek - week < weeks && weeksTaken.add(week)) {
                    reasons.add(new Reason(Rule.WEEKLY, "newest of week " + weekLabel(time)));
                }
                long month = monthNumber(time);
                if (currentMonth - month < months && monthsTaken.add(month)) {
                    reasons.add(new Reason(Rule.MONTHLY, "newest of month " + YearMonth.from(utcDate(time))));
                }
            }
            if (i < minCount) {
                reasons.add(new Reason(Rule.MIN_COUNT, "one of the " + minCount + " newest"));
            }
            decisions.add(new Decision(backup, List.copyOf(reasons)));
        }
        return decisions;
    }

    /** The policy in words, for reports. */
    public String describe() {
        List<String> rules = new ArrayList<>();
        if (days > 0) {
            rules.add("everything within " + plural(days, "day"));
        }
        if (weeks > 0) {
            rules.add("the newest of each ISO week for " + plural(weeks, "week"));
        }
        if (months > 0) {
            rules.add("the newest of each month for " + plural(months, "month"));
        }
        if (minCount > 0) {
            rules.add("the " + plural(minCount, "newest backup"));
        }
        return "keep " + String.join(", ", rules) + (rules.isEmpty() ? "" : " and ")
                + "always the newest backup (calendar in UTC)";
    }

    private static LocalDate utcDate(Instant time) {
        return LocalDate.ofEpochDay(Math.floorDiv(time.getEpochSecond(), 86_400));
    }

    /** Weeks since the Monday before 1970-01-01 (a Thursday): equal numbers mean the same ISO week. */
    private static long weekNumber(Instant time) {
        return Math.floorDiv(utcDate(time).toEpochDay() + 3, 7);
    }

    private static long monthNumber(Instant time) {
        LocalDate date = utcDate(time);
        return date.getYear() * 12L + date.getMonthValue() - 1;
    }

    private static String weekLabel(Instant time) {
        LocalDate date = utcDate(time);
        return String.format("%d-W%02d", date.get(IsoFields.WEEK_BASED_YEAR),
                date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
    }

    private static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    private static void requireNotNegative(String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " is " + value + "; it must be 0 or more");
        }
    }
}
