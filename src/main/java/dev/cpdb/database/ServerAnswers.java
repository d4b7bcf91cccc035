package dev.cpdb.database;

import java.util.List;

/**
 * What PostgreSQL said about the runtime connections at start-up (see {@link PoolerProbe}), or why it could not be
 * asked.
 *
 * @param backends the answers in the order they were asked; empty when {@code failure} is set
 * @param failure a one-line description of why the server could not be asked, or null
 */
public record ServerAnswers(List<Backend> backends, String failure) {

    public ServerAnswers {
        backends = List.copyOf(backends);
    }

    /** The server could not be asked. */
    public static ServerAnswers failed(String failure) {
        return new ServerAnswers(List.of(), failure);
    }

    /**
     * One answer: which backend served a transaction on one of the probe's client connections, and where that
     * backend says its client reached it.
     *
     * @param connection which of the probe's client connections asked (0 or 1)
     * @param pid {@code pg_backend_pid()}
     * @param serverAddress {@code inet_server_addr()} as text; null for a Unix-socket connection
     * @param serverPort {@code inet_server_port()}; null for a Unix-socket connection
     * @param portSetting the server's {@code port} setting
     */
    public record Backend(int connection, int pid, String serverAddress, Integer serverPort, int portSetting) {
    }
}
