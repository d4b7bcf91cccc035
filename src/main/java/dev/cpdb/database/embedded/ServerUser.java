package dev.cpdb.database.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.cpdb.ProcessOwner;

/**
 * The operating-system account the embedded server runs as.
 *
 * <p>
 * PostgreSQL refuses to run as root. When cpdb runs as root, the server and its tools run as an unprivileged
 * account (created when missing) through {@code setpriv}, as container images do; user namespaces are not needed.
 * When cpdb runs as a normal user, the server runs as that same user.
 */
public final class ServerUser {

    private final String name;
    private final boolean switchUser;

    private ServerUser(String name, boolean switchUser) {
        this.name = name;
        this.switchUser = switchUser;
    }

    /**
     * Decides the account: {@code unprivilegedName} when this process is root (creating it if missing), otherwise the
     * current user.
     */
    public static ServerUser forCurrentProcess(String unprivilegedName) {
        if (!ProcessOwner.isRoot()) {
            return new ServerUser(System.getProperty("user.name"), false);
        }
        if (!unprivilegedName.matches("[a-z_][a-z0-9_-]{0,31}") || unprivilegedName.equals("root")) {
            throw new EmbeddedPostgresException("CPDB_EMBEDDED_OS_USER '" + unprivilegedName
                    + "' is not a valid unprivileged user name (lowercase letters, digits, '_' or '-')");
        }
        if (run(List.of("id", "-u", unprivilegedName)) != 0) {
            int status = run(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                    "/nonexistent", "--shell", "/usr/sbin/nologin", unprivilegedName));
            if (status != 0 && run(List.of("id", "-u", unprivilegedName)) != 0) {
                throw new EmbeddedPostgresException("running as root, cpdb needs the unprivileged OS user '"
                        + unprivilegedName + "' for the embedded PostgreSQL, and creating it with useradd failed; "
                        + "create it yourself or run cpdb as a normal user");
            }
        }
        return new ServerUser(unprivilegedName, true);
    }

    public String name() {
        return name;
    }

    /** Whether commands are run under another account than this process. */
    public boolean switchesUser() {
        return switchUser;
    }

    /**
     * The command line that runs {@code command} as this account. {@code dieWithParent} asks the kernel to send
     * SIGINT (PostgreSQL's fast shutdown) to the program when the thread that started it dies, so a killed JVM does
     * not leave a server behind.
     */
    public List<String> command(List<String> command, boolean dieWithParent) {
        List<String> full = new ArrayList<>();
        if (switchUser || dieWithParent) {
            full.add("setpriv");
            if (switchUser) {
                full.addAll(List.of("--reuid=" + name, "--regid=" + name, "--init-groups", "--reset-env"));
            }
            if (dieWithParent) {
                full.add("--pdeathsig=INT");
            }
            full.add("--");
        }
        full.addAll(command);
        return full;
    }

    /** Gives this account ownership of {@code path} and everything below it. */
    public void takeOwnership(Path path) throws IOException {
        if (!switchUser) {
            return;
        }
        UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(name);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(name);
        try (var paths = Files.walk(path)) {
            for (Path each : paths.toList()) {
                PosixFileAttributeView view = Files.getFileAttributeView(each, PosixFileAttributeView.class,
                        java.nio.file.LinkOption.NOFOLLOW_LINKS);
                view.setOwner(user);
                view.setGroup(group);
            }
        }
    }

    /**
     * Checks that this account can reach {@code folder} (every folder above it must be enterable), since a data
     * directory below, say, {@code /root} cannot be used by an unprivileged server.
     */
    public void requireAccess(Path folder) {
        if (!switchUser) {
            return;
        }
        int status = run(command(List.of("test", "-x", folder.toString()), false));
        if (status != 0) {
            throw new EmbeddedPostgresException("the embedded PostgreSQL runs as the unprivileged user '" + name
                    + "', which cannot enter " + folder + "; set CPDB_HOME to a folder every user can enter "
                    + "(for example /var/lib/cpdb)");
        }
    }

    private static int run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new EmbeddedPostgresException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedPostgresException("interrupted while running " + command.get(0), e);
        }
    }
}
