package dev.cpdb.cli;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.embedded.EmbeddedPostgresException;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.quarkus.smallrye.openapi.runtime.OpenApiConstants;

/**
 * Entry point of the jar: no arguments runs the service; otherwise the arguments name a {@link CliCommand} that runs
 * and exits with its status.
 */
@QuarkusMain
public class CpdbMain {

    public static void main(String... args) {
        if (args.length > 0) {
            // One-off commands open no HTTP port and keep stdout for their own output.
            System.setProperty(CommandLine.ARGUMENTS_PROPERTY, CommandLine.encode(args));
            System.setProperty("quarkus.http.host-enabled", "false");
            System.setProperty("quarkus.banner.enabled", "false");
            System.setProperty("quarkus.log.console.stderr", "true");
            // Nor do they serve /q/openapi: the extension reads the generated document through this loader at
            // start-up and renders it as JSON and YAML (a fifth of a command's start-up); one that sees no
            // application resources finds no document and skips that work.
            OpenApiConstants.classLoader = new ClassLoader(null) {
            };
            if (System.getProperty("quarkus.log.level") == null && System.getenv("QUARKUS_LOG_LEVEL") == null) {
                System.setProperty("quarkus.log.level", "WARN");
                // The service logs each migration it applies; the migrate commands print their own summary.
                System.setProperty("quarkus.log.category.\"org.flywaydb.core.internal.command.DbMigrate\".level",
                        "WARN");
            }
        }
        Quarkus.run(CpdbApplication.class, CpdbMain::exit, args);
    }

    private static void exit(int status, Throwable failure) {
        if (failure != null) {
            System.err.println("cpdb: " + reason(failure));
            System.exit(status == 0 ? 1 : status);
        }
        System.exit(status);
    }

    /** The one-line reason for a failure: the operator-facing message when there is one. */
    public static String reason(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof InvalidConfigurationException || cause instanceof EmbeddedPostgresException
                    || cause instanceof CommandFailedException) {
                return cause.getMessage();
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
