package dev.cpdb.backup.engine.catalog;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cpdb.backup.engine.PrivilegeReader;
import dev.cpdb.backup.engine.Sql;
import dev.cpdb.backup.engine.TableData;

/**
 * What the object readers of one backup share: the snapshot connection, the schemas the backup covers, whether it
 * carries owners and privileges, the dependency graph of the definitions and the statements after the data.
 * Blocking (JDBC).
 */
final class CatalogContext {

    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
            + "WHERE e.classid = %s AND e.objid = %s AND e.deptype = 'e')";

    final Connection connection;
    final List<String> schemas;
    final boolean ownersAndPrivileges;
    final DependencyGraph graph = new DependencyGraph();
    /** The relations of the selected schemas, by oid, with their columns and constraints. */
    final Map<Long, Relation> relations = new LinkedHashMap<>();
    /** Statements at the end of the definitions, after every object (e.g. {@code ALTER SEQUENCE ... OWNED BY}). */
    final List<String> endOfPreData = new ArrayList<>();
    /** Statements after the data, in the order the post-data readers write them. */
    final List<String> postData = new ArrayList<>();
    /** Extensions' configuration tables whose rows the backup carries, filtered as their extension asks. */
    final List<TableData> configurationTables = new ArrayList<>();
    private final Array schemaArray;
    private int serverVersion;
    private final List<PrivilegeReader.Target> privilegeTargets = new ArrayList<>();

    CatalogContext(Connection connection, List<String> schemas, boolean ownersAndPrivileges) throws SQLException {
        this.connection = connection;
        this.schemas = schemas;
        this.schemaArray = connection.createArrayOf("text", schemas.toArray());
        this.ownersAndPrivileges = ownersAndPrivileges;
    }

    /** The server's version number, e.g. 150004. */
    int serverVersion() throws SQLException {
        if (serverVersion == 0) {
            try (PreparedStatement statement = connection.prepareStatement("SELECT pg_catalog.current_setting("
                    + "'server_version_num')::integer"); java.sql.ResultSet rs = statement.executeQuery()) {
                rs.next();
                serverVersion = rs.getInt(1);
            }
        }
        return serverVersion;
    }

    /** A condition that the object {@code objectId} of catalog {@code classId} is not a member of an extension. */
    static String notExtensionMember(String classId, String objectId) {
        return String.format(NOT_EXTENSION_MEMBER, classId, objectId);
    }

    /** {@link #notExtensionMember(String, String)} for a catalog named without schema, e.g. {@code pg_proc}. */
    static String notMember(String catalog, String objectId) {
        return notExtensionMember("'pg_catalog." + catalog + "'::pg_catalog.regclass", objectId);
    }

    /** Prepares {@code sql}, binding the schemas' names to each of its parameters. */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        int parameters = (int) sql.chars().filter(c -> c == '?').count();
        for (int i = 1; i <= parameters; i++) {
            statement.setArray(i, schemaArray);
        }
        return statement;
    }

    /** Prepares {@code sql}, binding the oids of the read relations to its one parameter. */
    PreparedStatement prepareForRelations(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setArray(1, connection.createArrayOf("oid",
                relations.keySet().stream().map(oid -> (Object) oid).toArray()));
        return statement;
    }

    /**
     * When the backup carries owners and privileges, adds {@code ALTER alterKind name OWNER TO owner} to an object
     * (unless {@code owner} is null) and remembers the object for its privileges.
     *
     * @param grantKind the word {@code GRANT ... ON} takes for the object
     */
    void owned(DumpObject object, String alterKind, String name, String owner, PrivilegeReader.Catalog catalog,
            long oid, String grantKind) {
        if (!ownersAndPrivileges) {
            return;
        }
        owner(object, alterKind, name, owner);
        privilegeTargets.add(new PrivilegeReader.Target(catalog, oid, grantKind, name, grantKind.equals("TABLE")));
    }

    /** When the backup carries owners, adds {@code ALTER alterKind name OWNER TO owner} (a kind without an ACL). */
    void owner(DumpObject object, String alterKind, String name, String owner) {
        if (ownersAndPrivileges && owner != null) {
            object.add("ALTER " + alterKind + " " + name + " OWNER TO " + Sql.ident(owner) + ";");
        }
    }

    /** Remembers an object whose owner follows another's but whose privileges are its own. */
    void privileges(PrivilegeReader.Target target) {
        if (ownersAndPrivileges) {
            privilegeTargets.add(target);
        }
    }

    /** Objects whose privileges the backup carries, by catalog and then name, so scripts are deterministic. */
    List<PrivilegeReader.Target> sortedPrivilegeTargets() {
        return privilegeTargets.stream()
                .sorted(Comparator.comparing(PrivilegeReader.Target::catalog)
                        .thenComparing(PrivilegeReader.Target::name)
                        .thenComparingLong(PrivilegeReader.Target::oid))
                .toList();
    }

    /** The relations in creation order of their hierarchy (parents first), then by name. */
    List<Relation> sortedRelations() {
        return relations.values().stream()
                .sorted(Comparator.<Relation>comparingInt(r -> r.depth).thenComparing(r -> r.schema)
                        .thenComparing(r -> r.name))
                .toList();
    }

    /** A comment statement when {@code comment} is not null. */
    static void comment(DumpObject object, String kind, String name, String comment) {
        if (comment != null) {
            object.add("COMMENT ON " + kind + " " + name + " IS " + Sql.literal(comment) + ";");
        }
    }
}
