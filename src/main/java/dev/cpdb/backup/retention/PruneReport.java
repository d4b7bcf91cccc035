package dev.cpdb.backup.retention;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonFormat;

/**
 * What one prune of a backup store did, or would do in a dry run: the decision for every committed backup, the
 * uncommitted leftovers it found, what it left alone and why, and the errors it met.
 *
 * @param location the store
 * @param now the time the policy was applied at
 * @param policy the policy applied
 * @param leftoverAge uncommitted objects older than this were removed
 * @param backups every committed backup, newest first
 * @param leftovers uncommitted objects of backups that did not finish, removed or kept because they are young
 * @param leftAlone objects in backup folders that prune could not prove are its own, so it did not touch them
 * @param foreignObjects number of objects outside backup folders, never touched
 * @param errors one line per object that could not be deleted
 */
public record PruneReport(String location, Instant now, boolean dryRun, RetentionPolicy policy,
        @JsonFormat(shape = JsonFormat.Shape.STRING) Duration leftoverAge, List<BackupOutcome> backups,
        List<Leftover> leftovers, List<LeftAlone> leftAlone, int foreignObjects, List<String> errors) {

    /** What happened to a backup or leftover. */
    public enum Action {
        /** Kept: a rule keeps the backup, or the leftover is too young to be abandoned. */
        KEPT,
        /** Deleted. */
        DELETED,
        /** Would be deleted; a dry run deletes nothing. */
        WOULD_DELETE,
        /** Should have been deleted but deleting failed; see the errors. */
        FAILED
    }

    /**
     * A committed backup.
     *
     * @param reasons the rules that keep it; empty when it is deleted
     */
    public record BackupOutcome(String id, Instant finishedAt, Action action, List<RetentionPolicy.Reason> reasons) {

        /** The reasons as one line, or why it goes. */
        public String explanation() {
            return reasons.isEmpty() ? "kept by no rule"
                    : String.join("; ", reasons.stream().map(RetentionPolicy.Reason::detail).toList());
        }
    }

    /**
     * An uncommitted object left by a backup that did not finish.
     *
     * @param key the object key, or for an unfinished upload the key it would have committed to
     * @param kind {@code data object without manifest} or {@code unfinished upload}
     * @param since the time its age counts from: the backup's start, or the later of that and the upload's last
     *        activity
     */
    public record Leftover(String key, String kind, Instant since, Action action) {
    }

    /** An object prune did not touch because it cannot prove the object belongs to a backup it may delete. */
    public record LeftAlone(String key, String reason) {
    }

    /** Ids of the backups kept. */
    public List<String> kept() {
        return backups.stream().filter(backup -> backup.action() == Action.KEPT).map(BackupOutcome::id).toList();
    }

    /** Ids of the backups deleted, or in a dry run the ones that would be. */
    public List<String> deleted() {
        return backups.stream()
                .filter(backup -> backup.action() == Action.DELETED || backup.action() == Action.WOULD_DELETE)
                .map(BackupOutcome::id)
                .toList();
    }

    /** Keys of the leftovers removed, or in a dry run the ones that would be. */
    public List<String> leftoversRemoved() {
        return leftovers.stream()
                .filter(leftover -> leftover.action() == Action.DELETED || leftover.action() == Action.WOULD_DELETE)
                .map(Leftover::key)
                .toList();
    }
}
