package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.cpdb.InvalidConfigurationException;

/** Schedule slots are wall-clock aligned, so every replica computes the same slot for the same moment. */
class BackupScheduleTest {

    @Test
    void anHourlyIntervalHasOneSlotPerClockHour() {
        BackupSchedule hourly = BackupSchedule.parse("S", "1h").orElseThrow();

        assertEquals(Instant.parse("2026-11-25T10:00:00Z"), hourly.slotAt(Instant.parse("2026-11-25T10:59:59Z")));
        assertEquals(Instant.parse("2026-11-25T11:00:00Z"), hourly.slotAt(Instant.parse("2026-11-25T11:00:00Z")));
        assertEquals(Instant.parse("2026-11-25T12:00:00Z"), hourly.nextSlot(Instant.parse("2026-11-25T11:30:00Z")));
        assertEquals(Duration.ofHours(1), hourly.period(Instant.now()));
    }

    @Test
    void intervalsAcceptShortFormsAndIsoDurations() {
        assertEquals(Duration.ofMinutes(30), BackupSchedule.parse("S", "30m").orElseThrow().period(Instant.now()));
        assertEquals(Duration.ofMinutes(15), BackupSchedule.parse("S", "PT15M").orElseThrow().period(Instant.now()));
        assertEquals(Duration.ofDays(7), BackupSchedule.parse("S", "7d").orElseThrow().period(Instant.now()));
    }

    @Test
    void aCronExpressionStartsASlotAtEachFireTime() {
        BackupSchedule nightly = BackupSchedule.parse("S", "0 30 2 * * ?").orElseThrow();

        assertEquals(Instant.parse("2026-11-25T02:30:00Z"), nightly.slotAt(Instant.parse("2026-11-25T09:00:00Z")));
        assertEquals(Instant.parse("2026-11-24T02:30:00Z"), nightly.slotAt(Instant.parse("2026-11-25T02:29:59Z")));
        assertEquals(Instant.parse("2026-11-25T02:30:00Z"), nightly.slotAt(Instant.parse("2026-11-25T02:30:00Z")));
        assertEquals(Duration.ofDays(1), nightly.period(Instant.parse("2026-11-25T09:00:00Z")));
    }

    @Test
    void offDisablesTheSchedule() {
        assertTrue(BackupSchedule.parse("S", "off").isEmpty());
    }

    @Test
    void nonsenseAndTooShortIntervalsAreRefusedWithTheSettingName() {
        InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                () -> BackupSchedule.parse("CPDB_BACKUP_SCHEDULE", "every hour"));
        assertTrue(bad.getMessage().startsWith("CPDB_BACKUP_SCHEDULE"), bad.getMessage());
        InvalidConfigurationException tiny = assertThrows(InvalidConfigurationException.class,
                () -> BackupSchedule.parse("CPDB_BACKUP_SCHEDULE", "2s"));
        assertTrue(tiny.getMessage().contains("10s"), tiny.getMessage());
    }
}
