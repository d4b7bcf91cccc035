package dev.cpdb.secret;

import java.util.Locale;

/**
 * Which environment variable names look like they hold credentials: {@code *_KEY}, {@code *TOKEN*},
 * {@code *SECRET*}, {@code *PASSWORD*}, in any letter case. Strict mode refuses inline values under such names, and
 * {@code secrets migrate-inline-env} moves them into secrets.
 */
public final class SensitiveNames {

    private SensitiveNames() {
    }

    public static boolean looksSensitive(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.endsWith("_KEY") || upper.contains("TOKEN") || upper.contains("SECRET")
                || upper.contains("PASSWORD");
    }
}
