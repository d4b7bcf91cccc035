package dev.cpdb.status;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.cpdb.cli.CliCommand;
import dev.cpdb.cli.UsageException;
import dev.cpdb.database.replica.ReadPath;

/**
 * {@code status}: prints the same JSON as {@code GET /api/db/status} (read replicas after their first check) and
 * exits; never migrates.
 */
@ApplicationScoped
public class StatusCommand implements CliCommand {

    private final StatusService status;
    private final ReadPath readPath;
    private final ObjectMapper json;

    public StatusCommand(StatusService status, ReadPath readPath, ObjectMapper json) {
        this.status = status;
        this.readPath = readPath;
        this.json = json.copy().enable(SerializationFeature.INDENT_OUTPUT);
    }

    @Override
    public String name() {
        return "status";
    }

    @Override
    public String usage() {
        return "print the database status as JSON, then exit";
    }

    @Override
    public int run(List<String> args) throws Exception {
        if (!args.isEmpty()) {
            throw new UsageException("status takes no arguments");
        }
        readPath.startAndAwaitFirstCheck(ReadPath.FIRST_CHECK);
        System.out.println(json.writeValueAsString(status.commandStatus().await().indefinitely()));
        return 0;
    }
}
