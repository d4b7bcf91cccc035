package dev.cpdb.problem;

/**
 * A request failed because of this instance's own setup or stored data, not because of the request: the message is
 * logged (it must never hold a secret value), and the client gets a 503 with {@code Retry-After} when another replica
 * can answer ({@link #otherReplicaCanAnswer()}), else a 500 that points at the service log.
 */
public class ServerFaultException extends RuntimeException {

    private final boolean otherReplicaCanAnswer;

    public ServerFaultException(String message, boolean otherReplicaCanAnswer) {
        super(message);
        this.otherReplicaCanAnswer = otherReplicaCanAnswer;
    }

    /** Whether the fault is this instance's alone (e.g. its configuration), so that a retry may reach a sound one. */
    public boolean otherReplicaCanAnswer() {
        return otherReplicaCanAnswer;
    }
}
