package dev.cpdb.backup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.cpdb.InstanceDirectory;
import dev.cpdb.InvalidConfigurationException;
import dev.cpdb.database.Database;

/**
 * Signs backup manifests and checks their signatures: an HMAC-SHA256 over the manifest's content (which holds the
 * data object's size and SHA-256), under keys the backup store never holds. Whoever can write to the store can then
 * no longer make a restore run a script of their own.
 *
 * <p>
 * The keys come from {@code CPDB_BACKUP_SIGNING_KEY} (several, comma-separated) and {@code CPDB_BACKUP_SIGNING_KEY_FILE}
 * (one per line); the first one signs new backups, every one verifies, so a rotated key still verifies older backups.
 * With neither, on the embedded default a key is generated once into {@code backup-signing-key} in the instance
 * folder (mode 0600), like the operator token; elsewhere backups are unsigned and restores cannot tell who wrote them.
 */
@ApplicationScoped
public class BackupSigning {

    /** The only algorithm, named in each signature so that another can be added later. */
    static final String ALGORITHM = "HMAC-SHA256";
    static final String FILE_NAME = "backup-signing-key";
    /** Shortest accepted key, in characters. */
    static final int MIN_LENGTH = 32;

    private static final Logger LOG = Logger.getLogger(BackupSigning.class);

    /** One key: its id (what a signature names) and its secret. */
    record Key(String id, byte[] secret) {
    }

    private final BackupConfig config;
    private final InstanceDirectory instance;
    private final Database database;
    private volatile List<Key> keys;
    private volatile String source = "none";
    private final AtomicBoolean warnedWithoutKey = new AtomicBoolean();

    public BackupSigning(BackupConfig config, InstanceDirectory instance, Database database) {
        this.config = config;
        this.instance = instance;
        this.database = database;
    }

    /**
     * The keys, the signing one first; resolved once (which on the embedded default may generate the key file).
     *
     * @throws InvalidConfigurationException naming the setting when a key is too short or the file is unreadable
     */
    List<Key> keys() {
        List<Key> resolved = keys;
        if (resolved == null) {
            synchronized (this) {
                if (keys != null) {
                    return keys;
                }
                resolved = resolve();
                // Before the database has started, whether this is the embedded default is not known yet: decide
                // again later rather than settle on "no key".
                if (!resolved.isEmpty() || database == null || database.started()) {
                    keys = resolved;
                }
            }
        }
        return resolved;
    }

    /** Checks the configured keys without generating one; for start-up, before the database is up. */
    public void validateSettings() {
        config.signingKey().ifPresent(text -> {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    checked(part.strip(), "CPDB_BACKUP_SIGNING_KEY (cpdb.backup.signing-key)");
                }
            }
        });
        config.signingKeyFile().filter(text -> !text.isBlank()).ifPresent(file -> readKeyFile(Path.of(file.strip()),
                "CPDB_BACKUP_SIGNING_KEY_FILE (cpdb.backup.signing-key-file)"));
    }

    /** Whether restores require signatures. */
    public boolean enabled() {
        return !keys().isEmpty();
    }

    /** Where the keys come from, for messages and status. */
    public String source() {
        keys();
        return source;
    }

    private List<Key> resolve() {
        List<String> secrets = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        config.signingKey().ifPresent(text -> {
            for (String part : text.split(",")) {
                if (!part.isBlank()) {
                    secrets.add(checked(part.strip(), "CPDB_BACKUP_SIGNING_KEY (cpdb.backup.signing-key)"));
                }
            }
        });
        if (!secrets.isEmpty()) {
            sources.add("CPDB_BACKUP_SIGNING_KEY");
        }
        Optional<String> file = config.signingKeyFile().filter(text -> !text.isBlank());
        if (file.isPresent()) {
            secrets.addAll(readKeyFile(Path.of(file.get().strip()),
                    "CPDB_BACKUP_SIGNING_KEY_FILE (cpdb.backup.signing-key-file)"));
            sources.add("CPDB_BACKUP_SIGNING_KEY_FILE");
        }
        if (secrets.isEmpty() && instance != null) {
            // The instance's own key: generated on the embedded default, and used by commands of that instance
            // (such as a restore into another database) whether or not they start the embedded server.
            Path generated = instance.path().resolve(FILE_NAME);
            boolean embedded = database != null && database.started() && database.embedded();
            if (Files.exists(generated) || embedded) {
                secrets.add(readOrGenerate(generated));
                sources.add("the instance file " + generated);
            }
        }
        source = sources.isEmpty() ? "none" : String.join(" and ", sources);
        List<Key> result = new ArrayList<>();
        for (String secret : secrets) {
            byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
            result.add(new Key(keyId(bytes), bytes));
        }
        return List.copyOf(result);
    }

    private static String checked(String key, String setting) {
        if (key.length() < MIN_LENGTH) {
            throw new InvalidConfigurationException(setting + " holds a key shorter than " + MIN_LENGTH
                    + " characters; use a long random value, e.g. `openssl rand -base64 32`");
        }
        return key;
    }

    private static List<String> readKeyFile(Path file, String setting) {
        try {
            List<String> secrets = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String key = line.strip();
                if (!key.isEmpty() && !key.startsWith("#")) {
                    secrets.add(checked(key, setting + " (" + file + ")"));
                }
            }
            if (secrets.isEmpty()) {
                throw new InvalidConfigurationException(setting + ": " + file + " holds no key (one per line)");
            }
            return secrets;
        } catch (IOException e) {
            throw new InvalidConfigurationException(setting + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private static String readOrGenerate(Path file) {
        if (Files.exists(file)) {
            return readKeyFile(file, "the backup signing key file").get(0);
        }
        try {
            byte[] random = new byte[32];
            new SecureRandom().nextBytes(random);
            String key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Files.createDirectories(file.getParent());
            Path staging = Files.createTempFile(file.getParent(), FILE_NAME, ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staging, key + "\n", StandardCharsets.US_ASCII);
            Files.move(staging, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            LOG.infof("generated the backup signing key into %s (mode 0600); keep a copy with the secrets master key: "
                    + "other instances restore these backups only with it (or with --allow-unsigned)", file);
            return key;
        } catch (IOException e) {
            throw new InvalidConfigurationException("cannot read or create the backup signing key file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    /** The manifest with a signature by the first key, or as it is when no key is configured. */
    BackupManifest sign(BackupManifest manifest, ObjectMapper json) {
        List<Key> all = keys();
        if (all.isEmpty()) {
            warnWithoutKey();
            return manifest;
        }
        Key key = all.get(0);
        return manifest.withSignature(new BackupManifest.Signature(ALGORITHM, key.id(),
                mac(key, canonical(manifest, json))));
    }

    /**
     * Checks a manifest's signature before anything of its backup is used.
     *
     * @param allowUnsigned accept a backup without signature, or signed with a key that is not configured (an old
     *        or foreign backup, on purpose); a signature by a configured key that does not match is refused anyway
     * @throws BackupFailedException naming the reason
     */
    void check(String id, BackupManifest manifest, ObjectMapper json, boolean allowUnsigned) {
        List<Key> all = keys();
        if (all.isEmpty()) {
            return;
        }
        checkWith(all, id, manifest, json, allowUnsigned);
    }

    /** {@link #check} before a restore, which also says (once per process) when no key can tell who wrote it. */
    void checkBeforeRestore(String id, BackupManifest manifest, ObjectMapper json, boolean allowUnsigned) {
        warnIfUnsigned();
        check(id, manifest, json, allowUnsigned);
    }

    /** Says (once per process) that backups go unsigned when no key is configured. */
    void warnIfUnsigned() {
        if (keys().isEmpty()) {
            warnWithoutKey();
        }
    }

    // Said where it matters, when a backup is written or restored; listing and showing backups stay quiet.
    private void warnWithoutKey() {
        if (warnedWithoutKey.compareAndSet(false, true)) {
            LOG.warn("no backup signing key (CPDB_BACKUP_SIGNING_KEY): backups are not signed, and a restore cannot "
                    + "tell a backup this service wrote from one written by anyone else who can write to the store");
        }
    }

    private void checkWith(List<Key> all, String id, BackupManifest manifest, ObjectMapper json,
            boolean allowUnsigned) {
        BackupManifest.Signature signature = manifest.signature();
        if (signature == null) {
            if (allowUnsigned) {
                LOG.warnf("backup %s is not signed; used anyway (--allow-unsigned)", id);
                return;
            }
            throw new BackupFailedException("backup " + id + " is not signed, but a signing key is configured ("
                    + source + "): it was written before signing was set up, by another instance, or by someone who "
                    + "can write to the store without holding the key; if you know where it comes from, use "
                    + "--allow-unsigned (allowUnsigned=true for the API); the target was not changed");
        }
        if (!ALGORITHM.equals(signature.algorithm())) {
            throw new BackupFailedException("backup " + id + " is signed with '" + signature.algorithm()
                    + "', which this cpdb does not know (it signs with " + ALGORITHM + "); the target was not changed");
        }
        Optional<Key> key = all.stream().filter(candidate -> candidate.id().equals(signature.keyId())).findFirst();
        if (key.isEmpty()) {
            if (allowUnsigned) {
                LOG.warnf("backup %s is signed with key %s, which is not configured; used anyway (--allow-unsigned)",
                        id, signature.keyId());
                return;
            }
            throw new BackupFailedException("backup " + id + " is signed with key " + signature.keyId() + ", which is "
                    + "not one of the configured keys (" + source + "); add it (CPDB_BACKUP_SIGNING_KEY takes several, "
                    + "comma-separated, the first one signs) or use --allow-unsigned; the target was not changed");
        }
        byte[] expected = HexFormat.of().parseHex(mac(key.get(), canonical(manifest, json)));
        byte[] actual;
        try {
            actual = HexFormat.of().parseHex(signature.value() == null ? "" : signature.value());
        } catch (IllegalArgumentException e) {
            actual = new byte[0];
        }
        if (!MessageDigest.isEqual(expected, actual)) {
            throw new BackupFailedException("the signature of backup " + id + " does not match its manifest (key "
                    + signature.keyId() + "): the manifest, or the checksum of its data it holds, was changed after it "
                    + "was signed; the target was not changed");
        }
    }

    /**
     * The signed bytes: the manifest without its signature as compact JSON with object fields in name order, so that
     * the order fields are written in does not matter, only their values.
     */
    static byte[] canonical(BackupManifest manifest, ObjectMapper json) {
        try {
            JsonNode tree = json.valueToTree(manifest.withSignature(null));
            return json.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(sorted(tree));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a manifest as JSON", e);
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> field = it.next();
                fields.put(field.getKey(), sorted(field.getValue()));
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            fields.forEach(result::set);
            return result;
        }
        if (node.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            node.forEach(element -> result.add(sorted(element)));
            return result;
        }
        return node;
    }

    private static String mac(Key key, byte[] content) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.secret(), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A key's id: the start of the SHA-256 of the key, which names it without revealing it. */
    private static String keyId(byte[] secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret)).substring(0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
