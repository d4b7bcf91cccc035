package dev.cpdb.database.replica;

import java.util.Locale;

/** What a replica is to the read path, as status and metrics show it. */
public enum ReplicaState {
    /** Not asked yet. */
    UNCHECKED,
    /** In recovery and at most the maximum staleness behind: serves reads. */
    STREAMING,
    /** In recovery but further behind than the maximum staleness (or by an unmeasured amount): skipped. */
    LAGGING,
    /** Did not answer, or failed a read: skipped until it answers again. */
    DOWN,
    /** Answers but is not in recovery (promoted, or not a standby at all): skipped, it may diverge. */
    NOT_IN_RECOVERY;

    /** The spelling in status: {@code streaming}, {@code not-in-recovery}, ... */
    public String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
