package dev.cpdb.migration;

/**
 * A cpdb backup that holds the backup lease of this database, as the lease and run tables record it.
 *
 * @param id the run (and backup) id
 * @param phase its latest recorded phase, e.g. {@code copying public.agents}, or null before the first
 * @param holder the replica running it
 * @param seconds how long it has held the lease
 */
public record RunningBackup(String id, String phase, String holder, long seconds) {

    /** One line for logs and readiness. */
    public String describe() {
        return "cpdb backup " + id + " (phase: " + (phase == null ? "starting" : phase) + ", running for " + seconds
                + " s on " + holder + ")";
    }
}
