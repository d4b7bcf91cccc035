package dev.cpdb.backup;

import java.util.List;
import java.util.function.UnaryOperator;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.backup.retention.BackupRetention;
import dev.cpdb.backup.retention.RetentionConfig;
import dev.cpdb.backup.retention.RetentionPolicy;
import dev.cpdb.settings.InstanceSettings;
import dev.cpdb.settings.SettingDefinition;
import dev.cpdb.settings.SettingsChanged;
import dev.cpdb.settings.SettingsDeclaration;

/**
 * The backup settings an operator can change while the service runs: whether scheduled backups run, the backup and
 * drill schedules, and the retention tiers. Changes reach the running scheduler and retention on every replica.
 */
@ApplicationScoped
public class BackupSettings implements SettingsDeclaration {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(BackupSettings.class);

    static final String ENABLED = "backup.enabled";
    static final String SCHEDULE = "backup.schedule";
    static final String VERIFY_SCHEDULE = "backup.verify-schedule";
    static final String RETENTION_ENABLED = "backup.retention.enabled";
    static final String DAYS = "backup.retention.days";
    static final String WEEKS = "backup.retention.weeks";
    static final String MONTHS = "backup.retention.months";
    static final String MIN_COUNT = "backup.retention.min-count";
    static final String COMPRESSION = "backup.compression";
    static final String COMPRESSION_LEVEL = "backup.compression-level";
    static final String JOBS = "backup.jobs";
    static final String OWNERS_AND_PRIVILEGES = "backup.owners-and-privileges";
    static final String SOURCE = "backup.source";

    private static final List<String> SCHEDULE_KEYS = List.of(ENABLED, SCHEDULE, VERIFY_SCHEDULE);
    private static final List<String> RETENTION_KEYS = List.of(RETENTION_ENABLED, DAYS, WEEKS, MONTHS, MIN_COUNT);

    private final InstanceSettings settings;
    private final BackupScheduler scheduler;
    private final BackupRetention retention;
    private final BackupTargetGuard target;

    public BackupSettings(InstanceSettings settings, BackupScheduler scheduler, BackupRetention retention,
            BackupTargetGuard target) {
        this.settings = settings;
        this.scheduler = scheduler;
        this.retention = retention;
        this.target = target;
    }

    /** Scheduled backups may be turned on (or re-scheduled) only where the start-up rule allows them. */
    @Override
    public void vet(String key, String value, UnaryOperator<String> effective) {
        if (!key.equals(ENABLED) && !key.equals(SCHEDULE)) {
            return;
        }
        boolean enabled = Boolean.parseBoolean(key.equals(ENABLED) ? value : effective.apply(ENABLED));
        try {
            target.requireExplicitTarget(enabled, key.equals(SCHEDULE) ? value : effective.apply(SCHEDULE));
        } catch (InvalidConfigurationException e) {
            throw new dev.cpdb.settings.SettingRefusedException(409, e.getMessage());
        }
    }

    @Override
    public List<SettingDefinition> settings() {
        return List.of(
                SettingDefinition.bool(ENABLED, "backups", "Whether the service takes scheduled backups", true),
                SettingDefinition.text(SCHEDULE, "backups", "When scheduled backups run: an interval (1h, 30m, "
                        + "PT15M, at least 10s), a Quartz cron expression, or off", BackupConfig.DEFAULT_SCHEDULE,
                        false, schedule(SCHEDULE)),
                SettingDefinition.text(VERIFY_SCHEDULE, "backups", "When the newest backup is restored into a scratch "
                        + "database as a drill: an interval, a Quartz cron expression, or off",
                        BackupConfig.DEFAULT_VERIFY_SCHEDULE, false, schedule(VERIFY_SCHEDULE)),
                SettingDefinition.bool(RETENTION_ENABLED, "backups", "Whether retention prunes after each backup",
                        true),
                SettingDefinition.integer(DAYS, "backups", "Keep every backup that finished within this many "
                        + "days (0 turns the rule off)",
                        Long.parseLong(RetentionConfig.DEFAULT_DAYS), 0, 3650),
                SettingDefinition.integer(WEEKS, "backups", "Keep the newest backup of each ISO week (UTC) for "
                        + "this many weeks",
                        Long.parseLong(RetentionConfig.DEFAULT_WEEKS), 0, 520),
                SettingDefinition.integer(MONTHS, "backups", "Keep the newest backup of each calendar month (UTC) "
                        + "for this many months", Long.parseLong(RetentionConfig.DEFAULT_MONTHS), 0, 1200),
                SettingDefinition.choice(COMPRESSION, "backups", "How backups are compressed",
                        BackupConfig.DEFAULT_COMPRESSION, List.of("zstd", "gzip", "none")),
                SettingDefinition.text(COMPRESSION_LEVEL, "backups", "Compression level (zstd 1-22, gzip 1-9); empty "
                        + "for the compression's default", "", false, BackupSettings::level),
                SettingDefinition.integer(JOBS, "backups", "Connections that copy rows at once during a backup",
                        Long.parseLong(BackupConfig.DEFAULT_JOBS), 1, dev.cpdb.backup.engine.BackupEngine.MAX_JOBS),
                SettingDefinition.bool(OWNERS_AND_PRIVILEGES, "backups", "Whether backups also carry owners, "
                        + "privileges and default privileges", false),
                SettingDefinition.choice(SOURCE, "backups", "Where backups read their data: the primary, or a "
                        + "healthy streaming replica (the primary when none is)", BackupConfig.DEFAULT_SOURCE,
                        BackupOptions.SOURCES),
                SettingDefinition.integer(MIN_COUNT, "backups",
                        "Keep at least this many of the newest backups, however "
                                + "old",
                        Long.parseLong(RetentionConfig.DEFAULT_MIN_COUNT), 0, 10_000));
    }

    private static String level(String value) {
        String text = value.strip();
        if (text.isEmpty()) {
            return text;
        }
        try {
            int level = Integer.parseInt(text);
            if (level >= 1 && level <= 22) {
                return Integer.toString(level);
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException(COMPRESSION_LEVEL + " is \"" + value + "\"; use a level from 1 to 22 "
                + "(gzip: 1 to 9), or nothing for the compression's default");
    }

    private static UnaryOperator<String> schedule(String key) {
        return value -> {
            try {
                BackupSchedule.parse(key, value.strip());
                return value.strip();
            } catch (InvalidConfigurationException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
            }
        };
    }

    void apply(@Observes SettingsChanged changed) {
        // A one-off command (a backup reading the live settings) runs no schedule; retention it does apply.
        if (SCHEDULE_KEYS.stream().anyMatch(changed::touches) && !dev.cpdb.cli.CommandLine.commandMode()) {
            boolean enabled = Boolean.parseBoolean(settings.value(ENABLED));
            try {
                // A value stored behind the API's back (another version, an edit of the table) meets the same rule.
                target.requireExplicitTarget(enabled, settings.value(SCHEDULE));
            } catch (InvalidConfigurationException e) {
                LOG.errorf("stored backup settings ignored, scheduled backups stay off: %s", e.getMessage());
                enabled = false;
            }
            scheduler.reschedule(enabled,
                    BackupSchedule.parse(SCHEDULE, settings.value(SCHEDULE)),
                    BackupSchedule.parse(VERIFY_SCHEDULE, settings.value(VERIFY_SCHEDULE)));
        }
        if (RETENTION_KEYS.stream().anyMatch(changed::touches)) {
            retention.update(new RetentionPolicy(number(DAYS), number(WEEKS), number(MONTHS), number(MIN_COUNT)),
                    Boolean.parseBoolean(settings.value(RETENTION_ENABLED)));
        }
    }

    private int number(String key) {
        return Integer.parseInt(settings.value(key));
    }
}
