package dev.cpdb.migration;

/**
 * A migration run gave up after its total wait because other sessions held the locks it needs (or a backup ran);
 * the message names them. Nothing of the blocked migration was applied.
 */
public class MigrationBlockedException extends RuntimeException {

    public MigrationBlockedException(String message) {
        super(message);
    }
}
