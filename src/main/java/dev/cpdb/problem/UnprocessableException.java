package dev.cpdb.problem;

/**
 * The request is well-formed but breaks a rule of the data (it names a project of another company, makes a goal its
 * own ancestor, stores a sensitive value inline in strict mode): answered 422 with the message as detail.
 */
public class UnprocessableException extends RuntimeException {

    public UnprocessableException(String message) {
        super(message, null, false, false);
    }
}
