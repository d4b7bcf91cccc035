package dev.cpdb.company;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import dev.cpdb.api.PageRequest;
import dev.cpdb.api.Rows;
import dev.cpdb.problem.EntityNotFoundException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * SQL of {@code public.companies}.
 */
@ApplicationScoped
public class CompanyRepository {

    public Uni<Company> insert(SqlClient client, UUID id, String name, String issuePrefix) {
        return client.preparedQuery("INSERT INTO public.companies (id, name, issue_prefix) VALUES ($1, $2, $3) "
                + "RETURNING " + Company.COLUMNS)
                .execute(Tuple.of(id, name, issuePrefix))
                .onItem().transform(rows -> Company.from(rows.iterator().next()));
    }

    /** The company, if it exists and {@code scope} (a company id, or null for all) allows it. */
    public Uni<Optional<Company>> find(SqlClient client, UUID id, UUID scope) {
        return client.preparedQuery("SELECT " + Company.COLUMNS + " FROM public.companies "
                + "WHERE id = $1 AND ($2::uuid IS NULL OR id = $2)")
                .execute(Tuple.of(id, scope))
                .onItem().transform(rows -> Rows.first(rows, Company::from));
    }

    /** The company locked against concurrent changes until the transaction ends. */
    public Uni<Optional<Company>> lock(SqlClient client, UUID id) {
        return client
                .preparedQuery("SELECT " + Company.COLUMNS + " FROM public.companies WHERE id = $1 FOR NO KEY UPDATE")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> Rows.first(rows, Company::from));
    }

    /**
     * Succeeds when the company exists.
     *
     * @throws EntityNotFoundException (in the Uni) otherwise
     */
    public Uni<Void> requireExists(SqlClient client, UUID id) {
        return exists(client, id)
                .onItem().transform(found -> {
                    if (!found) {
                        throw new EntityNotFoundException("company", id);
                    }
                    return found;
                })
                .replaceWithVoid();
    }

    /**
     * A page of one company's rows, read before asking whether the company exists: a row found proves it (every
     * company-owned table has a foreign key to it), so only an empty page pays the second statement that tells "none
     * yet" from an unknown company.
     *
     * @throws EntityNotFoundException (in the Uni) when the page is empty and the company does not exist
     */
    public <T> Uni<List<T>> rowsOfExisting(SqlClient client, UUID id, Uni<List<T>> rows) {
        return rows.chain(found -> found.isEmpty()
                ? requireExists(client, id).replaceWith(found)
                : Uni.createFrom().item(found));
    }

    /** Whether the company exists. */
    public Uni<Boolean> exists(SqlClient client, UUID id) {
        return client.preparedQuery("SELECT 1 FROM public.companies WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.size() > 0);
    }

    /** A page of companies, newest first, confined to {@code scope} when it is not null. */
    public Uni<List<Company>> list(SqlClient client, UUID scope, PageRequest page) {
        return client.preparedQuery("SELECT " + Company.COLUMNS + """
                 FROM public.companies
                WHERE ($1::uuid IS NULL OR id = $1)
                  AND ($2::uuid IS NULL OR id < $2)
                ORDER BY id DESC
                LIMIT $3""")
                .execute(Tuple.of(scope, page.before(), page.fetchSize()))
                .onItem().transform(rows -> Rows.list(rows, Company::from));
    }

    public Uni<Company> rename(SqlClient client, UUID id, String name) {
        return client.preparedQuery("UPDATE public.companies SET name = $2 WHERE id = $1 RETURNING " + Company.COLUMNS)
                .execute(Tuple.of(id, name))
                .onItem().transform(rows -> Company.from(rows.iterator().next()));
    }

    /** Deletes the company; fails with a foreign-key violation while other records still belong to it. */
    public Uni<Boolean> delete(SqlClient client, UUID id) {
        return client.preparedQuery("DELETE FROM public.companies WHERE id = $1")
                .execute(Tuple.of(id))
                .onItem().transform(rows -> rows.rowCount() > 0);
    }
}
