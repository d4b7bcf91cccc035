package dev.cpdb.database.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code postmaster.pid} file PostgreSQL keeps in its data folder while it runs: process id on line 1, port on
 * line 4 and, since PostgreSQL 10, a status word ({@code starting}, {@code ready}, {@code stopping}) on line 8.
 */
record PostmasterPid(long pid, int port, String status) {

    static final String FILE_NAME = "postmaster.pid";

    /** Reads the file; empty when it is absent or not (yet) complete. */
    static Optional<PostmasterPid> read(Path dataDir) {
        List<String> lines;
        try {
            lines = Files.readAllLines(dataDir.resolve(FILE_NAME), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(lines.get(0).strip());
            int port = lines.size() > 3 ? Integer.parseInt(lines.get(3).strip()) : -1;
            String status = lines.size() > 7 ? lines.get(7).strip() : "";
            return Optional.of(new PostmasterPid(pid, port, status));
        } catch (NumberFormatException e) {
            return Optional.of(new PostmasterPid(-1, -1, ""));
        }
    }

    boolean isReady() {
        return "ready".equals(status);
    }

    /**
     * Whether the recorded process is alive and is a PostgreSQL server (not an unrelated program that reused the
     * process id).
     */
    boolean isLivePostgres() {
        if (pid <= 0) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            String first = new String(cmdline, StandardCharsets.UTF_8).split("\0", 2)[0];
            return first.endsWith("postgres") || first.startsWith("postgres:");
        } catch (IOException e) {
            // A live process we cannot inspect is treated as a server: never delete the pid file of a live one.
            return true;
        }
    }
}
