package dev.cpdb;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating-system account this JVM runs as, as far as the instance's folders care: root gets other defaults,
 * because the unprivileged account that runs the embedded server cannot enter root's home.
 */
public final class ProcessOwner {

    private ProcessOwner() {
    }

    /** Whether this JVM runs with user id 0. */
    public static boolean isRoot() {
        try {
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            return Integer.valueOf(0).equals(uid);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }
}
