package dev.cpdb;

/**
 * Start-up refusal caused by a setting the operator has to change; the message names the setting and what to do.
 */
public class InvalidConfigurationException extends RuntimeException {

    public InvalidConfigurationException(String message) {
        super(message);
    }

    public InvalidConfigurationException(String message, Throwable cause) {
        super(message, cause);
    }
}
