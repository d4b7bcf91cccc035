package dev.cpdb.settings;

/** A setting change that is refused, with the HTTP status that says why and what to fix. */
public class SettingRefusedException extends RuntimeException {

    private final int status;

    public SettingRefusedException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** 400 (value out of range), 404 (no such setting) or 409 (set by the environment). */
    public int status() {
        return status;
    }
}
