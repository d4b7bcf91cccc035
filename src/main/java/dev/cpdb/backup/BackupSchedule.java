package dev.cpdb.backup;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;

import dev.cpdb.InvalidConfigurationException;

/**
 * When scheduled work is due, as slots of wall-clock time shared by every replica: an interval splits time into
 * aligned slots (an hourly schedule has one slot per clock hour, UTC), a Quartz cron expression starts a slot at each
 * fire time. A slot is claimed by exactly one run across all replicas, and a replica that starts mid-slot runs the
 * current slot's work right away instead of waiting for the next one.
 */
public final class BackupSchedule {

    private final String setting;
    private final Duration interval;
    private final ExecutionTime cron;

    private BackupSchedule(String setting, Duration interval, ExecutionTime cron) {
        this.setting = setting;
        this.interval = interval;
        this.cron = cron;
    }

    /**
     * Parses {@code off}, an interval ({@code 1h}, {@code 30m}, {@code 90s}, {@code 7d}, {@code PT15M}) or a Quartz
     * cron expression ({@code 0 0 * * * ?}).
     *
     * @param variable the setting's name for error messages
     * @return empty for {@code off}
     */
    public static Optional<BackupSchedule> parse(String variable, String value) {
        String text = value == null ? "" : value.strip();
        if (text.equalsIgnoreCase("off") || text.equalsIgnoreCase("false") || text.equalsIgnoreCase("none")) {
            return Optional.empty();
        }
        Optional<Duration> interval = interval(text);
        if (interval.isPresent()) {
            if (interval.get().compareTo(Duration.ofSeconds(10)) < 0) {
                throw new InvalidConfigurationException(variable + " is " + value + "; the shortest interval is 10s");
            }
            return Optional.of(new BackupSchedule(text, interval.get(), null));
        }
        try {
            Cron cron = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.QUARTZ)).parse(text);
            return Optional.of(new BackupSchedule(text, null, ExecutionTime.forCron(cron)));
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(variable + " is '" + value + "'; use an interval such as 1h, 30m "
                    + "or PT15M, a Quartz cron expression such as '0 0 * * * ?', or off");
        }
    }

    private static Optional<Duration> interval(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("pt") || lower.startsWith("p")) {
                return Optional.of(Duration.parse(text.toUpperCase(Locale.ROOT)));
            }
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
        if (!lower.matches("\\d+[smhd]")) {
            return Optional.empty();
        }
        long amount = Long.parseLong(lower.substring(0, lower.length() - 1));
        return Optional.of(switch (lower.charAt(lower.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        });
    }

    /** Start of the slot that contains {@code now}. */
    public Instant slotAt(Instant now) {
        if (interval != null) {
            long size = interval.getSeconds();
            return Instant.ofEpochSecond(Math.floorDiv(now.getEpochSecond(), size) * size);
        }
        ZonedDateTime at = now.atZone(ZoneOffset.UTC);
        return cron.lastExecution(at.plusNanos(1)).map(ZonedDateTime::toInstant)
                .orElse(Instant.EPOCH);
    }

    /** Start of the slot after the one containing {@code now}. */
    public Instant nextSlot(Instant now) {
        if (interval != null) {
            return slotAt(now).plus(interval);
        }
        return cron.nextExecution(now.atZone(ZoneOffset.UTC)).map(ZonedDateTime::toInstant)
                .orElse(Instant.MAX);
    }

    /** Typical time between slots: the interval, or the gap after the current cron slot. */
    public Duration period(Instant now) {
        if (interval != null) {
            return interval;
        }
        Instant slot = slotAt(now);
        return Duration.between(slot, nextSlot(slot));
    }

    @Override
    public String toString() {
        return setting;
    }
}
