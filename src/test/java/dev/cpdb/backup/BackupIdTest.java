package dev.cpdb.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** Backup ids carry their start time in UTC to the second (our format); retention reads it back. */
class BackupIdTest {

    @Test
    void theStartTimeComesBackFromTheIdToTheSecond() {
        Instant started = Instant.parse("2026-11-25T10:15:00.987Z");

        assertEquals(Optional.of(Instant.parse("2026-11-25T10:15:00Z")), BackupId.startedAt(BackupId.next(started)));
        assertEquals(Optional.of(Instant.parse("2024-02-29T23:59:59Z")),
                BackupId.startedAt("20240229T235959Z-3f9a1c"));
    }

    @Test
    void idsOfTheRightShapeButNoRealTimeHaveNoStartTime() {
        assertEquals(Optional.empty(), BackupId.startedAt("20261399T000000Z-3f9a1c"));
        assertEquals(Optional.empty(), BackupId.startedAt("20260230T000000Z-3f9a1c"));
        assertEquals(Optional.empty(), BackupId.startedAt("20260101T246000Z-3f9a1c"));
        assertEquals(Optional.empty(), BackupId.startedAt("not-an-id"));
        assertEquals(Optional.empty(), BackupId.startedAt(null));
    }
}
