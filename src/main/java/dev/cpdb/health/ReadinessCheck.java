package dev.cpdb.health;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * Readiness: the runtime pool answers (through the pooler when there is one), the direct path answers, the core
 * schema is migrated, the secrets master key matches the database's, and, only with {@code CPDB_PLUGINS_REQUIRED=true},
 * every plugin is active (see {@link ServiceReadiness}). The paths are probed by the shared {@link DatabaseProbe}, so
 * probes never open connections of their own.
 */
@Readiness
public class ReadinessCheck implements AsyncHealthCheck {

    private final ServiceReadiness readiness;

    public ReadinessCheck(ServiceReadiness readiness) {
        this.readiness = readiness;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return readiness.verdict()
                .onItem().transform(ReadinessCheck::response);
    }

    private static HealthCheckResponse response(ServiceReadiness.Verdict verdict) {
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("database").status(verdict.ready());
        verdict.data().forEach(builder::withData);
        return builder.build();
    }
}
