package dev.cpdb.secret;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Company secrets: where the master key comes from, and whether sensitive-looking agent environment values must be
 * secrets.
 */
@ConfigMapping(prefix = "cpdb.secrets")
public interface SecretsConfig {

    /**
     * The master key ({@code CPDB_SECRETS_MASTER_KEY}): 32 bytes as base64, as 64 hex digits, or a raw 32-character
     * string. Takes precedence over {@link #masterKeyFile()}.
     */
    @WithName("master-key")
    Optional<String> masterKey();

    /**
     * A file holding the master key in one of the forms of {@link #masterKey()} ({@code CPDB_SECRETS_MASTER_KEY_FILE}).
     * Without either setting, {@code secrets-master.key} in the instance folder is used, created (mode 0600) when
     * missing.
     */
    @WithName("master-key-file")
    Optional<String> masterKeyFile();

    /**
     * Refuse new inline agent environment values under sensitive-looking names ({@code *_KEY}, {@code *TOKEN*},
     * {@code *SECRET*}, {@code *PASSWORD*}) with 422 ({@code CPDB_SECRETS_STRICT_MODE}).
     */
    @WithName("strict-mode")
    @WithDefault("false")
    boolean strictMode();

    /** Key of the instance setting that changes {@link #strictMode()} while the service runs. */
    String STRICT_MODE_SETTING = "secrets.strict-mode";
}
