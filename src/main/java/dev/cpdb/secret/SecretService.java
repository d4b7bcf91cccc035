package dev.cpdb.secret;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.activity.ActivityRepository;
import dev.cpdb.activity.Actor;
import dev.cpdb.api.Access;
import dev.cpdb.api.Ids;
import dev.cpdb.api.Input;
import dev.cpdb.api.Page;
import dev.cpdb.api.PageRequest;
import dev.cpdb.api.field.CheckedPatch;
import dev.cpdb.auth.Caller;
import dev.cpdb.company.CompanyRepository;
import dev.cpdb.database.Database;
import dev.cpdb.problem.EntityNotFoundException;
import dev.cpdb.problem.InvalidInputException;
import dev.cpdb.problem.UnprocessableException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.SqlClient;

/**
 * Rules and transactions for company secrets: values are encrypted before they reach the repository, decrypted only
 * for the value endpoint and for agent environments read by callers allowed to (see {@code SecretGrantService}), and
 * never logged; every version is kept. Only operators write secrets (the resources admit no agent to those
 * endpoints): a secret's value reaches every agent granted it, so no agent may set it.
 */
@ApplicationScoped
public class SecretService {

    private final Database database;
    private final SecretRepository secrets;
    private final CompanyRepository companies;
    private final ActivityRepository activity;
    private final SecretCipher cipher;

    public SecretService(Database database, SecretRepository secrets, CompanyRepository companies,
            ActivityRepository activity, SecretCipher cipher) {
        this.database = database;
        this.secrets = secrets;
        this.companies = companies;
        this.activity = activity;
        this.cipher = cipher;
    }

    public Uni<Secret> create(Caller caller, UUID companyId, SecretCreate body) {
        Access.requireCompany(caller, companyId);
        Input.body(body);
        String name = SecretFields.NAME.created(body.name());
        String description = SecretFields.DESCRIPTION.created(body.description());
        String value = SecretFields.VALUE.created(body.value());
        return database.pool().withTransaction(tx -> create(tx, Actor.of(caller), companyId, name, description, value));
    }

    /** Creates a secret with its first version inside the caller's transaction. */
    public Uni<Secret> create(SqlClient tx, Actor actor, UUID companyId, String name, String description,
            String value) {
        UUID id = Ids.next();
        return companies.requireExists(tx, companyId)
                .chain(ignored -> secrets.insert(tx, id, companyId, name, description))
                .call(secret -> secrets.insertVersion(tx, id, 1, cipher.seal(id, 1, value)))
                .call(secret -> activity.append(tx, actor, companyId, "secret.created", id,
                        JsonObject.of("name", name, "version", 1)));
    }

    public Uni<Page<Secret>> list(Caller caller, UUID companyId, PageRequest page) {
        Access.requireCompany(caller, companyId);
        return companies.rowsOfExisting(database.pool(), companyId, secrets.list(database.pool(), companyId, page))
                .onItem().transform(rows -> Page.of(rows, page, Secret::id));
    }

    public Uni<Secret> get(Caller caller, UUID id) {
        return secrets.find(database.pool(), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", id));
    }

    public Uni<Secret> rotate(Caller caller, UUID id, SecretRotate body) {
        Input.body(body);
        String value = SecretFields.VALUE.created(body.value());
        return database.pool().withTransaction(tx -> secrets.bumpVersion(tx, id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", id))
                .call(secret -> secrets.insertVersion(tx, id, secret.latestVersion(),
                        cipher.seal(id, secret.latestVersion(), value)))
                .call(secret -> activity.append(tx, Actor.of(caller), secret.companyId(), "secret.rotated", id,
                        JsonObject.of("name", secret.name(), "version", secret.latestVersion()))));
    }

    public Uni<Secret> update(Caller caller, UUID id, SecretPatch body) {
        CheckedPatch<Secret> patch = CheckedPatch.of(body, SecretFields.PATCHED);
        return database.pool().withTransaction(tx -> secrets.find(tx, id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", id))
                .chain(secret -> applyPatch(tx, caller, patch.onto(secret))));
    }

    private Uni<Secret> applyPatch(SqlClient tx, Caller caller, CheckedPatch.Merged<Secret> merged) {
        Secret secret = merged.current();
        List<String> changed = merged.changed();
        if (changed.isEmpty()) {
            return Uni.createFrom().item(secret);
        }
        return secrets.describe(tx, secret.id(), merged.value(SecretFields.DESCRIPTION))
                .call(updated -> activity.append(tx, Actor.of(caller), secret.companyId(), "secret.updated",
                        secret.id(), JsonObject.of("name", secret.name(), "changed", changed)));
    }

    /** Decrypts one version (null: the latest); for operators only, enforced by the resource. */
    public Uni<SecretValue> value(Caller caller, UUID id, Integer version) {
        if (version != null && version < 1) {
            throw new InvalidInputException("Query parameter 'version' must be 1 or more");
        }
        return secrets.find(database.pool(), id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", id))
                .chain(secret -> secrets.version(database.pool(), id, version)
                        .onItem().transform(stored -> stored.orElseThrow(() -> new EntityNotFoundException(
                                "Secret " + id + " has no version " + version + "; versions go from 1 to "
                                        + secret.latestVersion())))
                        .onItem().transform(stored -> new SecretValue(id, secret.name(), stored.version(),
                                cipher.open(id, stored.version(), stored.sealed()))));
    }

    public Uni<Void> delete(Caller caller, UUID id) {
        return database.pool().withTransaction(tx -> secrets.find(tx, id, Access.scope(caller))
                .onItem().transform(EntityNotFoundException.orNotFound("secret", id))
                .call(secret -> secrets.delete(tx, id))
                .call(secret -> activity.append(tx, Actor.of(caller), secret.companyId(), "secret.deleted", id,
                        JsonObject.of("name", secret.name())))
                .replaceWithVoid());
    }

    /**
     * Checks that each reference names a secret of the company and, when pinned, an existing version.
     *
     * @throws UnprocessableException naming the first variable whose reference is broken
     */
    public Uni<Void> checkRefs(SqlClient client, UUID companyId, Map<String, SecretRepository.SecretRef> refs) {
        if (refs.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        UUID[] ids = refs.values().stream().map(SecretRepository.SecretRef::secretId).distinct().toArray(UUID[]::new);
        return secrets.latestVersions(client, companyId, ids)
                .invoke(latest -> refs.forEach((variable, ref) -> checkRef(variable, ref, latest)))
                .replaceWithVoid();
    }

    private static void checkRef(String variable, SecretRepository.SecretRef ref, Map<UUID, Integer> latest) {
        Integer newest = latest.get(ref.secretId());
        if (newest == null) {
            throw new UnprocessableException("Environment variable '" + variable + "' refers to secret "
                    + ref.secretId() + ", which does not exist in this company");
        }
        if (ref.version() != null && ref.version() > newest) {
            throw new UnprocessableException("Environment variable '" + variable + "' refers to version "
                    + ref.version() + " of secret " + ref.secretId() + ", whose latest version is " + newest);
        }
    }

    /** Decrypts the values of environment references; the answer maps variable names to values. */
    public Uni<Map<String, String>> resolve(SqlClient client, UUID companyId,
            Map<String, SecretRepository.SecretRef> refs) {
        if (refs.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        List<String> variables = List.copyOf(refs.keySet());
        List<SecretRepository.SecretRef> wanted = variables.stream().map(refs::get).toList();
        return secrets.versions(client, companyId, wanted)
                .onItem().transform(found -> decrypt(variables, found));
    }

    private Map<String, String> decrypt(List<String> variables, List<SecretRepository.ResolvedVersion> found) {
        Map<String, String> values = new HashMap<>();
        for (SecretRepository.ResolvedVersion version : found) {
            values.put(variables.get(version.index()),
                    cipher.open(version.secretId(), version.stored().version(), version.stored().sealed()));
        }
        return values;
    }
}
