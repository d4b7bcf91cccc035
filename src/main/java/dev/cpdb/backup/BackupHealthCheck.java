package dev.cpdb.backup;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

import dev.cpdb.SharedProbe;
import dev.cpdb.database.Database;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.health.api.HealthGroup;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;

/**
 * {@code /q/health/group/backups}: down when the newest successful backup is older than the threshold
 * ({@code CPDB_BACKUP_MAX_AGE}, default twice the schedule's period), or when the target folder is detectably not
 * persistent or not shared by the replicas ({@link BackupTargetGuard}). Its data (last success and its age, last
 * failure, last drill) come from the run table, so every replica answers the same. It belongs to its own group only,
 * so it never fails liveness or readiness: stale backups should page someone, not restart pods.
 */
@HealthGroup("backups")
public class BackupHealthCheck implements AsyncHealthCheck {

    private final Database database;
    private final BackupConfig config;
    private final BackupScheduler scheduler;
    private final BackupTargetGuard target;
    // The group is anonymous: concurrent calls share one check (one direct connection) and reuse it briefly.
    private final SharedProbe<HealthCheckResponse> shared;

    public BackupHealthCheck(Database database, BackupConfig config, BackupScheduler scheduler,
            BackupTargetGuard target) {
        this.database = database;
        this.config = config;
        this.scheduler = scheduler;
        this.target = target;
        this.shared = new SharedProbe<>(Duration.ofSeconds(2), () -> Uni.createFrom().item(this::check)
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return shared.get();
    }

    private HealthCheckResponse check() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("backups");
        Instant now = Instant.now();
        Optional<Duration> threshold = config.maxAge()
                .or(() -> scheduler.backupSchedule().map(schedule -> schedule.period(now).multipliedBy(2)));
        if (!database.started()) {
            return response.down().withData("reason", "starting").build();
        }
        try (Connection connection = database.direct().open()) {
            Optional<BackupRun> success = BackupRunRepository.latest(connection, "backup", "succeeded");
            Optional<BackupRun> failure = BackupRunRepository.latest(connection, "backup", "failed");
            Optional<BackupRun> verify = BackupRunRepository.latestFinished(connection, "verify");
            success.ifPresent(run -> response.withData("lastSuccess", run.finishedAt().toString())
                    .withData("lastSuccessId", run.id())
                    .withData("age", Duration.between(run.finishedAt(), now).toSeconds() + "s"));
            failure.ifPresent(run -> response.withData("lastFailure", run.finishedAt().toString())
                    .withData("lastFailureError", String.valueOf(run.error())));
            verify.ifPresent(run -> response.withData("lastVerify", run.status() + " " + run.backupId())
                    .withData("lastVerifyAt", run.finishedAt().toString()));
            Optional<String> targetProblem = target.problem(connection);
            response.withData("target", targetProblem.orElse("UP"));
            if (threshold.isEmpty()) {
                return response.status(targetProblem.isEmpty()).withData("schedule", "off").build();
            }
            response.withData("maxAge", threshold.get().toString());
            boolean fresh = success.map(run -> Duration.between(run.finishedAt(), now).compareTo(threshold.get()) <= 0)
                    .orElse(false);
            boolean verifyFailed = verify.map(run -> "failed".equals(run.status())).orElse(false);
            return response.status(fresh && !verifyFailed && targetProblem.isEmpty()).build();
        } catch (SQLException e) {
            return response.down().withData("error", e.getMessage()).build();
        }
    }
}
