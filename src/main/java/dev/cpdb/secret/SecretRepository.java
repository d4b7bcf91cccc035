package dev.cpdb.secret;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import dev.cpdb.database.simple.SecretValues;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.company_secrets} and {@code public.company_secret_versions}. Values arrive here already
 * encrypted and leave encrypted.
 */
@ApplicationScoped
public class SecretRepository {

    public Uni<Secret> insert(SqlClient client, UUID id, UUID companyId, String name, String description) {
        return client.preparedQuery("""
                INSERT INTO public.company_secrets (id, company_id, name, description, latest_version)
                VALUES ($1, $2, $3, $4, 1)
                RETURNING""" + " " + Secret.COLUMNS)
                .execute(Tuple.of(id, companyId, name, description))
                .onItem().transform(rows -> Secret.from(rows.iterator().next()));
    }

    public Uni<Void> insertVersion(SqlClient client, UUID secretId, int version, SecretCipher.Sealed sealed) {
        return client.preparedQuery("""
                INSERT INTO public.company_secret_versions (secret_id, version, nonce, ciphertext, key_fingerprint)
                VALUES ($1, $2, $3, $4, $5)""", SecretValues.KEEP_OUT_OF_TEXT)
                .execute(Tuple.of(secretId, version, Buffer.buffer(sealed.nonce()), Buffer.buffer(sealed.ciphertext()),
                        sealed.keyFingerprint()))
                .replaceWithVoid();
    }

    /** The secret, if it exists and {@code scope} (a company id, or null for all) allows it. */
    public Uni<Optional<Secret>> find(SqlClient client, UUID id, UUID scope) {
        return client.preparedQuery("SELECT " + Secret.COLUMNS + " FROM public.company_secrets "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)")
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Secret::from));
    }

    /** Whether the company has a secret with this name. */
    public Uni<Boolean> nameTaken(SqlClient client, UUID companyId, String name) {
        return client.preparedQuery("SELECT 1 FROM public.company_secrets WHERE company_id = $1 AND name = $2")
                .execute(Tuple.of(companyId, name))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /** A page of a company's secrets (metadata only), newest first. */
    public Uni<List<Secret>> list(SqlClient client, UUID companyId, PageRequest page) {
        return client.preparedQuery("SELECT " + Secret.COLUMNS + """
                 FROM public.company_secrets
                WHERE company_id = $1
                  AND ($2::uuid IS NULL OR id < $2)
                ORDER BY id DESC
                LIMIT $3""")
                .execute(Tuple.of(companyId, page.before(), page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Secret::from));
    }

    /** Latest version of each of the company's secrets among {@code ids}; missing ids are simply absent. */
    public Uni<Map<UUID, Integer>> latestVersions(SqlClient client, UUID companyId, UUID[] ids) {
        return client.preparedQuery("""
                SELECT id, latest_version FROM public.company_secrets
                 WHERE company_id = $1 AND id = ANY($2)""")
                .execute(Tuple.of(companyId, ids))
                .onItem().transform(rows -> Rows.list(rows, row -> row)
                        .stream()
                        .collect(Collectors.toMap(row -> row.getUUID("id"), row -> row.getInteger("latest_version"))));
    }

    /** Allocates the next version number (locking the secret row until the transaction ends) and returns it. */
    public Uni<Optional<Secret>> bumpVersion(SqlClient client, UUID id, UUID scope) {
        return client.preparedQuery("""
                UPDATE public.company_secrets SET latest_version = latest_version + 1
                 WHERE id = $1 AND ($2::uuid IS NULL OR company_id = $2)
                RETURNING""" + " " + Secret.COLUMNS)
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Secret::from));
    }

    public Uni<Secret> describe(SqlClient client, UUID id, String description) {
        return client.preparedQuery("UPDATE public.company_secrets SET description = $2 WHERE id = $1 RETURNING "
                + Secret.COLUMNS)
                .execute(Tuple.of(id, description))
                .onItem().transform(rows -> Secret.from(rows.iterator().next()));
    }

    /** One stored version, encrypted; {@code version} null means the latest. */
    public Uni<Optional<StoredVersion>> version(SqlClient client, UUID secretId, Integer version) {
        return client.preparedQuery("""
                SELECT v.version, v.nonce, v.ciphertext, v.key_fingerprint
                  FROM public.company_secret_versions v
                  JOIN public.company_secrets s ON s.id = v.secret_id
                 WHERE v.secret_id = $1 AND v.version = coalesce($2, s.latest_version)""")
                .execute(Tuple.of(secretId, version))
                .onItem().transform(rows -> Rows.first(rows, StoredVersion::from));
    }

    /** Deletes the secret with all its versions; fails while an agent's environment refers to it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.company_secrets WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }

    /**
     * The versions {@code refs} point at, in one query: each ref is a secret id and a version (null for the latest).
     * Refs to secrets outside the company or to missing versions are absent from the answer.
     */
    public Uni<List<ResolvedVersion>> versions(SqlClient client, UUID companyId, List<SecretRef> refs) {
        UUID[] ids = refs.stream().map(SecretRef::secretId).toArray(UUID[]::new);
        Integer[] versions = refs.stream().map(SecretRef::version).toArray(Integer[]::new);
        return client.preparedQuery("""
                SELECT wanted.position, s.id, s.name, v.version, v.nonce, v.ciphertext, v.key_fingerprint
                  FROM unnest($2::uuid[], $3::integer[]) WITH ORDINALITY AS wanted (secret_id, version, position)
                  JOIN public.company_secrets s ON s.id = wanted.secret_id AND s.company_id = $1
                  JOIN public.company_secret_versions v
                    ON v.secret_id = s.id AND v.version = coalesce(wanted.version, s.latest_version)""")
                .execute(Tuple.of(companyId, ids, versions))
                .onItem().transform(rows -> Rows.list(rows, row -> new ResolvedVersion(
                        row.getLong("position").intValue() - 1, row.getUUID("id"), row.getString("name"),
                        StoredVersion.from(row))));
    }

    /** A pointer at a version of a secret; {@code version} null means the latest. */
    public record SecretRef(UUID secretId, Integer version) {
    }

    /** A stored version found for the {@link SecretRef} at {@code index} of the request. */
    public record ResolvedVersion(int index, UUID secretId, String name, StoredVersion stored) {
    }

    /** An encrypted version as stored. */
    public record StoredVersion(int version, SecretCipher.Sealed sealed) {

        static StoredVersion from(Row row) {
            return new StoredVersion(row.getInteger("version"), new SecretCipher.Sealed(
                    row.getBuffer("nonce").getBytes(),
                    row.getBuffer("ciphertext").getBytes(),
                    row.getString("key_fingerprint")));
        }
    }
}
