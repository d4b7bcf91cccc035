package dev.cpdb.backup.retention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.cpdb.backup.retention.RetentionPolicy.Backup;
import dev.cpdb.backup.retention.RetentionPolicy.Decision;

/**
 * The policy's edges worked out by hand from its Javadoc (our design): calendar facts come from the ISO 8601 week
 * rules (2026 starts on a Thursday, so it has a week 53 that runs into 2027; 2024-12-30 is in week 2025-W01).
 */
class RetentionPolicyTest {

    @Test
    void aBackupExactlyTheDayLimitOldIsKeptAndANanosecondOlderIsNot() {
        Instant now = Instant.parse("2026-03-10T12:00:00Z");

        Map<String, String> kept = kept(new RetentionPolicy(7, 0, 0, 0), now,
                backup("newest", "2026-03-10T11:00:00Z"),
                backup("exactly", "2026-03-03T12:00:00Z"),
                backup("older", "2026-03-03T11:59:59.999999999Z"));

        assertEquals(Map.of("newest", "newest backup; within 7 days", "exactly", "within 7 days"), kept);
    }

    @Test
    void anIsoWeekCrossingTheYearEndIsOneWeek() {
        // 2026-12-28 (Monday) to 2027-01-03 (Sunday) is week 2026-W53; the Sunday before belongs to 2026-W52.
        Backup[] backups = {
                backup("w52-last-nanosecond", "2026-12-27T23:59:59.999999999Z"),
                backup("w53-monday-midnight", "2026-12-28T00:00:00Z"),
                backup("w53-new-years-day", "2027-01-01T10:00:00Z"),
                backup("w53-sunday", "2027-01-03T19:00:00Z") };
        Instant sundayEvening = Instant.parse("2027-01-03T20:00:00Z");

        assertEquals(Map.of("w53-sunday", "newest backup; newest of week 2026-W53"),
                kept(new RetentionPolicy(0, 1, 0, 0), sundayEvening, backups));
        assertEquals(Map.of("w53-sunday", "newest backup; newest of week 2026-W53",
                "w52-last-nanosecond", "newest of week 2026-W52"),
                kept(new RetentionPolicy(0, 2, 0, 0), sundayEvening, backups));
        // On Monday 00:00 week 2027-W01 begins: the two-week window is now W01 and W53.
        assertEquals(Map.of("w53-sunday", "newest backup; newest of week 2026-W53"),
                kept(new RetentionPolicy(0, 2, 0, 0), Instant.parse("2027-01-04T00:00:00Z"), backups));
    }

    @Test
    void daysAtTheEndOfDecemberCanBelongToNextYearsFirstWeek() {
        Map<String, String> kept = kept(new RetentionPolicy(0, 2, 0, 0), Instant.parse("2025-01-08T00:00:00Z"),
                backup("w02", "2025-01-07T00:00:00Z"),
                backup("w01-in-2024", "2024-12-31T08:00:00Z"),
                backup("w01-monday", "2024-12-30T00:00:00Z"),
                backup("w52", "2024-12-29T23:00:00Z"));

        assertEquals(Map.of("w02", "newest backup; newest of week 2025-W02", "w01-in-2024", "newest of week 2025-W01"),
                kept);
    }

    @Test
    void monthsEndAtMidnightUtcWhateverTheLocalTimeZone() {
        // 23:30 UTC on January 31 is already February in Berlin; the policy counts it as January.
        Backup[] backups = {
                backup("jan-31-late", "2026-01-31T23:30:00Z"),
                backup("feb-1", "2026-02-01T00:00:00Z"),
                backup("feb-last-nanosecond", "2026-02-28T23:59:59.999999999Z"),
                backup("mar-1", "2026-03-01T00:00:00Z") };
        Instant firstOfMarch = Instant.parse("2026-03-01T00:00:00Z");

        assertEquals(Map.of("mar-1", "newest backup; newest of month 2026-03",
                "feb-last-nanosecond", "newest of month 2026-02"),
                kept(new RetentionPolicy(0, 0, 2, 0), firstOfMarch, backups));
        assertEquals(Map.of("mar-1", "newest backup; newest of month 2026-03",
                "feb-last-nanosecond", "newest of month 2026-02",
                "jan-31-late", "newest of month 2026-01"),
                kept(new RetentionPolicy(0, 0, 3, 0), firstOfMarch, backups));
    }

    @Test
    void theLeapDayIsTheLastDayOfFebruary() {
        Map<String, String> kept = kept(new RetentionPolicy(0, 0, 2, 0), Instant.parse("2024-03-01T00:00:00Z"),
                backup("mar-1", "2024-03-01T00:00:00Z"),
                backup("feb-29", "2024-02-29T23:59:59Z"),
                backup("feb-28", "2024-02-28T23:59:59Z"));

        assertEquals(Map.of("mar-1", "newest backup; newest of month 2024-03", "feb-29", "newest of month 2024-02"),
                kept);
    }

    @Test
    void ofTwoBackupsFinishedAtTheSameInstantTheGreaterIdIsTheNewer() {
        Map<String, String> kept = kept(new RetentionPolicy(0, 2, 0, 0), Instant.parse("2026-03-11T12:00:00Z"),
                backup("20260311T000000Z-000001", "2026-03-11T01:00:00Z"),
                backup("20260305T090000Z-aaaaaa", "2026-03-05T10:00:00Z"),
                backup("20260305T090000Z-bbbbbb", "2026-03-05T10:00:00Z"));

        assertEquals(Map.of("20260311T000000Z-000001", "newest backup; newest of week 2026-W11",
                "20260305T090000Z-bbbbbb", "newest of week 2026-W10"), kept);
    }

    @Test
    void aBackupFromTheFutureIsKeptButTakesNoWeekFromARealOne() {
        Backup[] backups = {
                backup("future", "2026-03-11T13:00:00Z"),
                backup("this-morning", "2026-03-11T08:00:00Z"),
                backup("yesterday", "2026-03-10T08:00:00Z") };
        Instant now = Instant.parse("2026-03-11T12:00:00Z");

        assertEquals(Map.of("future", "newest backup; finished after now: a clock is wrong",
                "this-morning", "newest of week 2026-W11"),
                kept(new RetentionPolicy(0, 1, 0, 0), now, backups));
        assertEquals(Map.of("future", "newest backup; finished after now: a clock is wrong; one of the 2 newest",
                "this-morning", "newest of week 2026-W11; one of the 2 newest"),
                kept(new RetentionPolicy(0, 1, 0, 2), now, backups));
        assertEquals(Map.of("future", "finished after now: a clock is wrong",
                "later-future", "newest backup; finished after now: a clock is wrong"),
                kept(new RetentionPolicy(0, 0, 0, 0), now, backup("future", "2026-03-11T13:00:00Z"),
                        backup("later-future", "2027-01-01T00:00:00Z"), backup("past", "2026-03-11T11:00:00Z")));
    }

    @Test
    void withEveryRuleOffOnlyTheNewestIsKept() {
        Map<String, String> kept = kept(new RetentionPolicy(0, 0, 0, 0), Instant.parse("2026-03-11T12:00:00Z"),
                backup("a", "2026-03-11T11:00:00Z"),
                backup("b", "2026-03-11T10:00:00Z"),
                backup("c", "2020-01-01T00:00:00Z"));

        assertEquals(Map.of("a", "newest backup"), kept);
    }

    @Test
    void theMinimumCountKeepsOldBackupsWhenNothingRecentExists() {
        // Backups stopped two years ago: the windows are empty, the three newest survive anyway.
        Map<String, String> kept = kept(RetentionPolicy.DEFAULT, Instant.parse("2026-03-11T12:00:00Z"),
                backup("e", "2024-03-05T00:00:00Z"),
                backup("d", "2024-03-04T00:00:00Z"),
                backup("c", "2024-03-03T00:00:00Z"),
                backup("b", "2024-03-02T00:00:00Z"),
                backup("a", "2024-03-01T00:00:00Z"));

        assertEquals(Map.of("e", "newest backup; one of the 3 newest", "d", "one of the 3 newest",
                "c", "one of the 3 newest"), kept);
    }

    @Test
    void theDefaultsOnSixtyDaysOfHourlyBackupsKeepAWeekPlusTwoWeeklyBackups() {
        // Wednesday of 2026-W11. 169 backups are at most 7 days old (both ends included); W11 and W10 have their
        // newest inside those 7 days, W09 and W08 add one each; March's newest is the newest.
        Instant now = Instant.parse("2026-03-11T12:00:00Z");
        List<Backup> backups = new ArrayList<>();
        for (int hours = 0; hours <= 60 * 24; hours++) {
            backups.add(new Backup(String.format("b%05d", hours), now.minus(Duration.ofHours(hours))));
        }

        List<Decision> decisions = RetentionPolicy.DEFAULT.apply(backups, now);

        assertEquals(171, decisions.stream().filter(Decision::keep).count());
        Map<String, String> beyondTheDays = new LinkedHashMap<>();
        decisions.stream()
                .filter(d -> d.keep() && d.backup().finishedAt().isBefore(now.minus(Duration.ofDays(7))))
                .forEach(d -> beyondTheDays.put(d.backup().finishedAt().toString(), d.explanation()));
        assertEquals(Map.of("2026-03-01T23:00:00Z", "newest of week 2026-W09",
                "2026-02-22T23:00:00Z", "newest of week 2026-W08"), beyondTheDays);
    }

    @Test
    void noBackupsMeanNoDecisions() {
        assertEquals(List.of(), RetentionPolicy.DEFAULT.apply(List.of(), Instant.EPOCH));
    }

    @Test
    void negativeNumbersAndDuplicateIdsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(-1, 0, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(0, -1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(0, 0, -1, 0));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new RetentionPolicy(0, 0, 0, -3));
        assertTrue(e.getMessage().contains("minCount"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> RetentionPolicy.DEFAULT.apply(
                List.of(backup("a", "2026-01-01T00:00:00Z"), backup("a", "2026-01-02T00:00:00Z")), Instant.EPOCH));
    }

    @Test
    void hugeNumbersKeepEverythingWithoutOverflowing() {
        RetentionPolicy forever = new RetentionPolicy(Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE, 0);

        List<Decision> decisions = forever.apply(List.of(backup("new", "2026-03-11T00:00:00Z"),
                backup("old", "1970-01-01T00:00:00Z")), Instant.parse("2026-03-11T12:00:00Z"));

        assertTrue(decisions.stream().allMatch(Decision::keep), decisions.toString());
    }

    @Test
    void thePolicyDescribesItselfLeavingOutRulesThatAreOff() {
        assertEquals("keep everything within 7 days, the newest of each ISO week for 4 weeks, the newest of each month "
                + "for 1 month, the 3 newest backups and always the newest backup (calendar in UTC)",
                RetentionPolicy.DEFAULT.describe());
        assertEquals("keep always the newest backup (calendar in UTC)", new RetentionPolicy(0, 0, 0, 0).describe());
    }

    private static Backup backup(String id, String finishedAt) {
        return new Backup(id, Instant.parse(finishedAt));
    }

    /** Kept backups' ids with the explanation of each. */
    private static Map<String, String> kept(RetentionPolicy policy, Instant now, Backup... backups) {
        Map<String, String> kept = new LinkedHashMap<>();
        for (Decision decision : policy.apply(List.of(backups), now)) {
            if (decision.keep()) {
                kept.put(decision.backup().id(), decision.explanation());
            }
        }
        return kept;
    }
}
