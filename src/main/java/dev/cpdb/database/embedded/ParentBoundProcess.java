package dev.cpdb.database.embedded;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child process started from a dedicated thread that stays alive exactly as long as the child. Combined with
 * {@code setpriv --pdeathsig} (see {@link ServerUser#command}), the kernel signals the child when that thread ends,
 * which happens when the JVM dies, even by SIGKILL; the signal is tied to the starting thread, not to the JVM, so a
 * short-lived thread must not start such a child.
 */
public final class ParentBoundProcess {

    private final Process process;
    private final Thread thread;

    private ParentBoundProcess(Process process, Thread thread) {
        this.process = process;
        this.thread = thread;
    }

    /**
     * Starts {@code command} with its output appended to {@code logFile}.
     *
     * @param threadName name of the guarding thread
     * @throws IOException when the program cannot be started within {@code timeout}
     */
    public static ParentBoundProcess start(String threadName, List<String> command, Path logFile, Duration timeout)
            throws IOException {
        CompletableFuture<Process> started = new CompletableFuture<>();
        Thread thread = new Thread(() -> launchAndWait(command, logFile, started), threadName);
        thread.setDaemon(true);
        thread.start();
        try {
            return new ParentBoundProcess(started.get(timeout.toMillis(), TimeUnit.MILLISECONDS), thread);
        } catch (ExecutionException e) {
            throw new IOException("cannot start " + command.get(0) + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + command.get(0), e);
        } catch (TimeoutException e) {
            throw new IOException(command.get(0) + " was not started within " + timeout.toSeconds() + " s", e);
        }
    }

    public Process process() {
        return process;
    }

    /** Waits up to {@code timeout} for the guarding thread to end after the process ended. */
    public void awaitThread(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    private static void launchAndWait(List<String> command, Path logFile, CompletableFuture<Process> started) {
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                    .start();
        } catch (IOException | RuntimeException e) {
            started.completeExceptionally(e);
            return;
        }
        started.complete(process);
        while (process.isAlive()) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                // Keep waiting: this thread must outlive the child for the parent-death signal to stay armed.
            }
        }
    }
}
