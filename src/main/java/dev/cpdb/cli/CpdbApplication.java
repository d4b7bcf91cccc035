package dev.cpdb.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.migration.MigrationService;
import dev.cpdb.migration.MigrationState;
import dev.cpdb.status.StatusService;
import io.quarkus.arc.Arc;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;

/**
 * Runs after start-up: waits for shutdown in server mode, or runs the one-off command and returns its exit status.
 */
public class CpdbApplication implements QuarkusApplication {

    @Override
    public int run(String... args) throws Exception {
        LaunchCommand command = LaunchCommand.current();
        if (command == LaunchCommand.SERVER) {
            Quarkus.waitForExit();
            return 0;
        }
        try {
            return switch (command) {
                case MIGRATE -> migrate();
                case STATUS -> status();
                default -> throw new IllegalStateException("no handler for " + command);
            };
        } catch (RuntimeException e) {
            System.err.println("cpdb " + command.word() + ": " + CpdbMain.reason(e));
            return 1;
        }
    }

    private int migrate() {
        MigrationService migrations = Arc.container().instance(MigrationService.class).get();
        MigrationState before = migrations.state();
        MigrationState after = migrations.migrate();
        System.out.println("core schema at version " + after.currentVersion() + "; applied "
                + (after.applied() - before.applied()) + " migration(s), " + after.pending().size() + " pending");
        return after.upToDate() ? 0 : 1;
    }

    private int status() throws Exception {
        StatusService status = Arc.container().instance(StatusService.class).get();
        ObjectMapper json = Arc.container().instance(ObjectMapper.class).get()
                .copy()
                .enable(SerializationFeature.INDENT_OUTPUT);
        System.out.println(json.writeValueAsString(status.status().await().indefinitely()));
        return 0;
    }
}
