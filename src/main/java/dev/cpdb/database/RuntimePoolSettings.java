package dev.cpdb.database;

import java.time.Duration;

/**
 * Resolved options of the runtime (reactive) pool, including the pooler-safety switches.
 *
 * @param cachePreparedStatements keep named server-side prepared statements per connection; unsafe behind a
 *        transaction pooler because the next transaction may run on another server connection
 * @param layer7Proxy send every statement as an unnamed parse/bind/execute in one round trip set, which a
 *        transaction pooler can route; required behind one (see the deployment notes)
 * @param simpleProtocol send parameterized statements in the simple query protocol with their values written as
 *        literals: one message and one round trip per statement, nothing prepared on the server
 * @param maxLifetime how long a connection is used at all; a draining pooler sees cpdb's connections leave within it
 */
public record RuntimePoolSettings(int maxSize, Duration idleTimeout, Duration acquireTimeout, Duration connectTimeout,
        String applicationName, boolean cachePreparedStatements, boolean layer7Proxy, boolean simpleProtocol,
        Duration maxLifetime) {

    /** Whether these settings are safe behind a transaction pooler. */
    public boolean transactionPoolerSafe() {
        return !cachePreparedStatements && layer7Proxy;
    }
}
