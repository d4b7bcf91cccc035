package dev.cpdb.api;

import jakarta.enterprise.context.RequestScoped;

import dev.cpdb.database.replica.WalPosition;

/** The WAL position the current request asked its reads to see (see {@link ReadPositionFilter}). */
@RequestScoped
public class RequestedWalPosition {

    private WalPosition position;

    /** The position; null when the request named none. */
    WalPosition get() {
        return position;
    }

    void set(WalPosition position) {
        this.position = position;
    }
}
