package dev.cpdb.database.replica;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.DatabaseConfig;
import dev.cpdb.database.DatabaseUrl;

/**
 * The read path's settings, checked once at start-up; every refusal names the setting and what it accepts.
 *
 * @param replicas the replicas of {@code DATABASE_READ_URL}; empty means no read path at all
 * @param directUrls the replicas' direct addresses of {@code DATABASE_READ_DIRECT_URL}, one per replica in the same
 *        order; empty when not set
 */
record ReadSettings(List<DatabaseUrl> replicas, List<DatabaseUrl> directUrls, Duration maxStaleness,
        Duration pollInterval, Duration timeout) {

    /**
     * Resolves {@code read}; without {@code DATABASE_READ_URL} nothing else is looked at.
     *
     * @param embedded whether cpdb runs on its embedded server, which has no replicas
     */
    static ReadSettings resolve(DatabaseConfig.Read read, boolean embedded) {
        Optional<String> text = read.url().filter(value -> !value.isBlank());
        Optional<String> directText = read.directUrl().filter(value -> !value.isBlank());
        if (text.isEmpty()) {
            if (directText.isPresent()) {
                throw new InvalidConfigurationException("DATABASE_READ_DIRECT_URL is set without DATABASE_READ_URL; "
                        + "name the replicas in DATABASE_READ_URL too, or remove DATABASE_READ_DIRECT_URL");
            }
            return new ReadSettings(List.of(), List.of(), read.maxStaleness(), read.pollInterval(), read.timeout());
        }
        if (embedded) {
            throw new InvalidConfigurationException("DATABASE_READ_URL needs DATABASE_URL: replicas follow an "
                    + "external primary, and the embedded server has none; give DATABASE_URL the primary's address, or "
                    + "remove DATABASE_READ_URL");
        }
        List<DatabaseUrl> urls = urls("DATABASE_READ_URL", text.get());
        List<DatabaseUrl> directUrls = directText.map(value -> urls("DATABASE_READ_DIRECT_URL", value))
                .orElse(List.of());
        if (!directUrls.isEmpty() && directUrls.size() != urls.size()) {
            throw new InvalidConfigurationException("DATABASE_READ_DIRECT_URL names " + directUrls.size()
                    + " servers and DATABASE_READ_URL " + urls.size() + "; give one direct URL per replica, in the "
                    + "order of DATABASE_READ_URL");
        }
        requirePositive("DATABASE_READ_POLL_INTERVAL (database.read.poll-interval)", read.pollInterval());
        requirePositive("DATABASE_READ_TIMEOUT (database.read.timeout)", read.timeout());
        if (read.maxStaleness().compareTo(read.pollInterval()) <= 0) {
            throw new InvalidConfigurationException("DATABASE_READ_MAX_STALENESS (database.read.max-staleness) is "
                    + read.maxStaleness().toMillis() + " ms; it must be longer than DATABASE_READ_POLL_INTERVAL "
                    + "(database.read.poll-interval, " + read.pollInterval().toMillis() + " ms), or no replica would "
                    + "ever be fresh enough to serve");
        }
        return new ReadSettings(urls, directUrls, read.maxStaleness(), read.pollInterval(), read.timeout());
    }

    /** The comma-separated URLs of {@code setting}. */
    private static List<DatabaseUrl> urls(String setting, String text) {
        List<DatabaseUrl> urls = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            if (part.isBlank()) {
                throw new InvalidConfigurationException(setting + " has an empty entry; separate replica URLs "
                        + "with single commas and percent-encode a comma in a password as %2C");
            }
            urls.add(DatabaseUrl.parse(setting, part.strip()));
        }
        return List.copyOf(urls);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isZero() || value.isNegative()) {
            throw new InvalidConfigurationException(name + " must be a positive duration such as 1s");
        }
    }
}
