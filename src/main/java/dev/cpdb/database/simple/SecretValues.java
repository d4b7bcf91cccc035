package dev.cpdb.database.simple;

import io.vertx.sqlclient.PrepareOptions;

/**
 * Marks a statement whose values are secret material (agent env values, sealed secret versions, API key digests):
 * pass {@link #KEEP_OUT_OF_TEXT} to {@code preparedQuery(sql, options)} and the runtime pool binds its values as
 * parameters even in the simple statement protocol, so they never become part of a statement's text. Statement text is
 * what PostgreSQL writes to its log for a failing statement and shows in {@code pg_stat_activity}.
 *
 * <p>
 * Such a statement goes out in the extended protocol as an unnamed statement; behind a transaction pooler the pool is
 * in layer-7-proxy mode, which keeps parse, bind and execute together on one server connection. It costs the second
 * round trip the simple protocol saves, which is why only statements that carry secrets use it.
 */
public final class SecretValues extends PrepareOptions {

    /** The options that keep a statement's values out of its text. */
    public static final PrepareOptions KEEP_OUT_OF_TEXT = new SecretValues();

    private SecretValues() {
    }
}
