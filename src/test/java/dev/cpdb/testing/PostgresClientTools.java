package dev.cpdb.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import dev.cpdb.database.DatabaseUrl;

/**
 * Debian's PostgreSQL 15 client programs ({@code pg_dump}, {@code psql}) and {@code zstd}, used as oracles that do
 * not share code with cpdb: {@code pg_dump} describes a schema independently of cpdb's catalog reader, and
 * {@code psql} restores scripts exactly as an operator without cpdb would.
 */
public final class PostgresClientTools {

    private static final List<String> FOLDERS = List.of("/usr/lib/postgresql/15/bin", "/usr/bin", "/usr/local/bin");

    private PostgresClientTools() {
    }

    /** Path of a program, when installed. */
    public static Optional<Path> find(String program) {
        for (String folder : FOLDERS) {
            Path candidate = Path.of(folder, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The message for a missing program. */
    public static String missingMessage() {
        return "pg_dump 15, psql or zstd not found; install the Debian packages postgresql-client-15 and zstd";
    }

    /** Whether all tools are installed. */
    public static boolean available() {
        return find("pg_dump").isPresent() && find("psql").isPresent() && find("zstd").isPresent();
    }

    /** {@code pg_dump --schema-only} of a database, without owners and privileges, as text. */
    public static String schemaOnlyDump(DatabaseUrl url) {
        return schemaOnlyDump(url, false);
    }

    /**
     * {@code pg_dump --schema-only} of a database as text; with {@code ownersAndPrivileges} it includes owners,
     * privileges and default privileges (pg_dump's default), otherwise it is run with {@code --no-owner
     * --no-privileges}.
     */
    public static String schemaOnlyDump(DatabaseUrl url, boolean ownersAndPrivileges) {
        List<String> command = new ArrayList<>(List.of(require("pg_dump").toString(), "--schema-only"));
        if (!ownersAndPrivileges) {
            command.addAll(List.of("--no-owner", "--no-privileges"));
        }
        command.addAll(List.of("--host", url.host(), "--port", Integer.toString(url.port()), "--username",
                url.user(), "--dbname", url.database()));
        return run(command, url, null);
    }

    /** A whole database as pg_dump's plain script (definitions, data and large objects) written to {@code file}. */
    public static void dumpToFile(DatabaseUrl url, Path file) {
        run(List.of(require("pg_dump").toString(), "--file", file.toString(), "--host", url.host(), "--port",
                Integer.toString(url.port()), "--username", url.user(), "--dbname", url.database()), url, null);
    }

    /**
     * {@code pg_dump} of a whole database with its large objects ({@code --blobs}) but without table rows, as text;
     * with {@code ownersAndPrivileges} it includes owners and privileges, otherwise it is run with {@code --no-owner
     * --no-privileges}.
     */
    public static String largeObjectsDump(DatabaseUrl url, boolean ownersAndPrivileges) {
        List<String> command = new ArrayList<>(List.of(require("pg_dump").toString(), "--blobs",
                "--exclude-table-data=*"));
        if (!ownersAndPrivileges) {
            command.addAll(List.of("--no-owner", "--no-privileges"));
        }
        command.addAll(List.of("--host", url.host(), "--port", Integer.toString(url.port()), "--username",
                url.user(), "--dbname", url.database()));
        return run(command, url, null);
    }

    /** Runs a script file with {@code psql -v ON_ERROR_STOP=1 --single-transaction}. */
    public static String psqlFile(DatabaseUrl url, Path script) {
        return run(List.of(require("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction",
                "--host", url.host(), "--port", Integer.toString(url.port()), "--username", url.user(),
                "--dbname", url.database(), "-f", script.toString()), url, null);
    }

    /** Decompresses a zstd file with the {@code zstd} program into {@code target}. */
    public static void zstdDecompress(Path source, Path target) {
        run(List.of(require("zstd").toString(), "-q", "-d", "-f", source.toString(), "-o", target.toString()), null,
                null);
    }

    private static Path require(String program) {
        return find(program).orElseThrow(() -> new IllegalStateException(missingMessage()));
    }

    private static String run(List<String> command, DatabaseUrl url, Path input) {
        try {
            ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true);
            if (url != null) {
                builder.environment().put("PGPASSWORD", url.password());
                builder.environment().put("PGSSLMODE", "disable");
            }
            if (input != null) {
                builder.redirectInput(input.toFile());
            }
            Process process = builder.start();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish");
            }
            String text = new String(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException(command.get(0) + " failed with exit " + process.exitValue() + ": "
                        + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
