package dev.cpdb.health;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Startup;

import dev.cpdb.lifecycle.ServiceLifecycle;

/**
 * Start-up probe: up once the database paths are prepared and the core migration policy has run.
 */
@Startup
public class StartedCheck implements HealthCheck {

    private final ServiceLifecycle lifecycle;

    public StartedCheck(ServiceLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("startup").status(lifecycle.started()).build();
    }
}
