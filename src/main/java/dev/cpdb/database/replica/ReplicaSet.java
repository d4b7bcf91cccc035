package dev.cpdb.database.replica;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The replicas of {@code DATABASE_READ_URL} and the choice of one for each read, taking turns among those that serve. */
final class ReplicaSet {

    private final List<Replica> replicas;
    private final Duration maxStaleness;
    private final AtomicInteger turn = new AtomicInteger();

    ReplicaSet(List<Replica> replicas, Duration maxStaleness) {
        this.replicas = List.copyOf(replicas);
        this.maxStaleness = maxStaleness;
    }

    List<Replica> all() {
        return replicas;
    }

    Duration maxStaleness() {
        return maxStaleness;
    }

    /**
     * A replica that serves a read which must see {@code required} (null: nothing in particular), or null when none
     * does and the read goes to the primary.
     */
    Replica choose(WalPosition required) {
        Instant now = Instant.now();
        int start = Math.floorMod(turn.getAndIncrement(), replicas.size());
        for (int i = 0; i < replicas.size(); i++) {
            Replica candidate = replicas.get((start + i) % replicas.size());
            if (candidate.serves(required, now, maxStaleness)) {
                return candidate;
            }
        }
        return null;
    }
}
