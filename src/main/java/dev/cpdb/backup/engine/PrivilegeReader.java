package dev.cpdb.backup.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the access privileges of the dumped objects, and the default privileges of the dumped schemas and of the
 * whole database, into {@code GRANT}, {@code REVOKE} and {@code ALTER DEFAULT PRIVILEGES} statements.
 *
 * <p>
 * Follows pg_dump's reasoning: an object whose ACL is NULL has its built-in defaults and needs no statement.
 * Otherwise its ACL is compared, privilege by privilege ({@code aclexplode}), with what the object starts with on
 * the target: its initial privileges ({@code pg_init_privs}, e.g. the {@code public} schema's) or the built-in
 * defaults for its owner ({@code acldefault}). What the ACL lacks is revoked, then what it adds is granted in the
 * ACL's order, so that a role's grant option is restored before the grants it made with it; grants made by a role
 * other than the owner are replayed under {@code SET SESSION AUTHORIZATION} of that role. Column privileges start
 * from none. Default privileges for a single schema only ever add to the defaults; database-wide ones replace them.
 * Expects to run inside the backup's snapshot transaction. Blocking (JDBC).
 */
public final class PrivilegeReader {

    /** The catalogs whose objects carry an ACL, in the order their statements are written. */
    public enum Catalog {
        SCHEMA("pg_namespace", "nspowner", "nspacl", "pg_catalog.acldefault('n', o.nspowner)"),
        TYPE("pg_type", "typowner", "typacl", "pg_catalog.acldefault('T', o.typowner)"),
        FUNCTION("pg_proc", "proowner", "proacl", "pg_catalog.acldefault('f', o.proowner)"),
        RELATION("pg_class", "relowner", "relacl", "pg_catalog.acldefault(CASE WHEN o.relkind = 'S' THEN 's' "
                + "ELSE 'r' END::\"char\", o.relowner)"),
        // Foreign-data wrappers, servers and procedural languages
        FOREIGN_DATA_WRAPPER("pg_foreign_data_wrapper", "fdwowner", "fdwacl",
                "pg_catalog.acldefault('F', o.fdwowner)"),
        FOREIGN_SERVER("pg_foreign_server", "srvowner", "srvacl", "pg_catalog.acldefault('S', o.srvowner)"),
        LANGUAGE("pg_language", "lanowner", "lanacl", "pg_catalog.acldefault('l', o.lanowner)"),
        LARGE_OBJECT("pg_largeobject_metadata", "lomowner", "lomacl", "pg_catalog.acldefault('L', o.lomowner)");

        final String table;
        final String owner;
        final String acl;
        final String defaults;

        Catalog(String table, String owner, String acl, String defaults) {
            this.table = table;
            this.owner = owner;
            this.acl = acl;
            this.defaults = defaults;
        }
    }

    /**
     * One dumped object that may carry privileges.
     *
     * @param kind the word {@code GRANT ... ON} takes for it: {@code SCHEMA}, {@code TYPE}, {@code DOMAIN},
     *        {@code FUNCTION}, {@code PROCEDURE}, {@code SEQUENCE}, {@code TABLE} (also for views and foreign
     *        tables), {@code FOREIGN DATA WRAPPER}, {@code FOREIGN SERVER} or {@code LANGUAGE}
     * @param name its quoted, schema-qualified name; functions with their argument types
     * @param columns whether its columns may carry privileges of their own (tables and views)
     */
    public record Target(Catalog catalog, long oid, String kind, String name, boolean columns) {
    }

    /** One exploded ACL entry; a null grantee is PUBLIC. */
    private record Privilege(String grantor, String grantee, String privilege, boolean grantable) {
    }

    /** Privileges that one {@code GRANT} statement gives: same grantor, grantee and grant option. */
    private record GrantGroup(String grantor, String grantee, boolean grantable) {
    }

    /** The ACL of one object (or column), and what the object starts with on the target. */
    private static final class Acl {
        final String owner;
        final List<Privilege> current = new ArrayList<>();
        final List<Privilege> baseline = new ArrayList<>();

        Acl(String owner) {
            this.owner = owner;
        }
    }

    /**
     * Before PostgreSQL 15 the {@code public} schema's initial privileges were not recorded; like pg_dump, start from
     * what PostgreSQL 15 gives it (USAGE for PUBLIC), so that a CREATE privilege for PUBLIC is carried over.
     */
    private static final String PUBLIC_SCHEMA_DEFAULTS = "CASE WHEN o.nspname = 'public' THEN "
            + "pg_catalog.array_append(pg_catalog.acldefault('n', o.nspowner), "
            + "pg_catalog.makeaclitem(0, o.nspowner, 'USAGE', false)) ELSE pg_catalog.acldefault('n', o.nspowner) END";

    /**
     * One row per privilege of the objects' ACLs (baseline false) and of what they start with (baseline true): oid,
     * column name, owner, baseline, grantor, grantee (null for PUBLIC), privilege, grant option. Filled in with the
     * column name, owner column, catalog, ACL, starting ACL and the sort key within an object.
     */
    private static final String EXPLODED = "SELECT o.oid, %1$s, pg_catalog.pg_get_userbyid(o.%2$s), x.baseline, "
            + "pg_catalog.pg_get_userbyid(x.grantor), CASE WHEN x.grantee = 0 THEN NULL "
            + "ELSE pg_catalog.pg_get_userbyid(x.grantee) END, x.privilege_type, x.is_grantable "
            + "FROM %3$s CROSS JOIN LATERAL ("
            + "SELECT false AS baseline, a.* FROM pg_catalog.aclexplode(%4$s) WITH ORDINALITY a "
            + "UNION ALL SELECT true, b.* FROM pg_catalog.aclexplode(%5$s) WITH ORDINALITY b) x "
            + "WHERE %4$s IS NOT NULL AND o.oid = ANY (?) ORDER BY o.oid, %6$s, x.baseline, x.ordinality";

    /** The column name under which {@link #read} keeps an object's own privileges. */
    private static final String OWN = "";

    private final Connection connection;

    private PrivilegeReader(Connection connection) {
        this.connection = connection;
    }

    /**
     * The statements that give {@code targets} their privileges, in the order of {@code targets} within each
     * {@link Catalog}, followed by the default privileges of {@code schemas} and of the whole database.
     *
     * @param targets the dumped objects; their owners are set by the script before these statements run
     */
    public static List<String> statements(Connection connection, List<Target> targets, List<String> schemas)
            throws SQLException {
        PrivilegeReader reader = new PrivilegeReader(connection);
        List<String> statements = new ArrayList<>();
        for (Catalog catalog : Catalog.values()) {
            List<Target> ofCatalog = targets.stream().filter(target -> target.catalog() == catalog).toList();
            if (ofCatalog.isEmpty()) {
                continue;
            }
            Map<Long, Map<String, Acl>> objects = reader.objectAcls(catalog, ofCatalog);
            Map<Long, Map<String, Acl>> columns = catalog == Catalog.RELATION
                    ? reader.columnAcls(ofCatalog)
                    : Map.of();
            for (Target target : ofCatalog) {
                Acl acl = objects.getOrDefault(target.oid(), Map.of()).get(OWN);
                if (acl != null) {
                    statements.addAll(objectStatements(target, null, acl));
                }
                for (Map.Entry<String, Acl> column : columns.getOrDefault(target.oid(), Map.of()).entrySet()) {
                    statements.addAll(objectStatements(target, column.getKey(), column.getValue()));
                }
            }
        }
        statements.addAll(reader.defaultPrivileges(schemas));
        return statements;
    }

    /**
     * The statements that give each of {@code targets} (all of one {@code catalog} without column privileges) its own
     * privileges, by object oid; objects that need none are left out. No default privileges.
     */
    static Map<Long, List<String>> byObject(Connection connection, Catalog catalog, List<Target> targets)
            throws SQLException {
        Map<Long, List<String>> statements = new LinkedHashMap<>();
        if (targets.isEmpty()) {
            return statements;
        }
        Map<Long, Map<String, Acl>> objects = new PrivilegeReader(connection).objectAcls(catalog, targets);
        for (Target target : targets) {
            Acl acl = objects.getOrDefault(target.oid(), Map.of()).get(OWN);
            if (acl != null) {
                statements.put(target.oid(), objectStatements(target, null, acl));
            }
        }
        return statements;
    }

    /** The objects' own privileges, under {@link #OWN}. */
    private Map<Long, Map<String, Acl>> objectAcls(Catalog catalog, List<Target> targets) throws SQLException {
        String from = "pg_catalog." + catalog.table + " o LEFT JOIN pg_catalog.pg_init_privs ip ON ip.classoid = "
                + "'pg_catalog." + catalog.table + "'::pg_catalog.regclass AND ip.objoid = o.oid AND ip.objsubid = 0";
        String defaults = catalog == Catalog.SCHEMA ? PUBLIC_SCHEMA_DEFAULTS : catalog.defaults;
        String sql = String.format(EXPLODED, "''::text", catalog.owner, from, "o." + catalog.acl,
                "COALESCE(ip.initprivs, " + defaults + ")", "o.oid");
        return read(sql, targets);
    }

    /** Column privileges of tables and views, by relation and then column in column order. */
    private Map<Long, Map<String, Acl>> columnAcls(List<Target> targets) throws SQLException {
        List<Target> withColumns = targets.stream().filter(Target::columns).toList();
        if (withColumns.isEmpty()) {
            return Map.of();
        }
        String from = "pg_catalog.pg_attribute c JOIN pg_catalog.pg_class o ON o.oid = c.attrelid "
                + "AND c.attnum > 0 AND NOT c.attisdropped";
        String sql = String.format(EXPLODED, "c.attname", "relowner", from, "c.attacl",
                "pg_catalog.acldefault('c', o.relowner)", "c.attnum");
        return read(sql, withColumns);
    }

    /** Runs one {@link #EXPLODED} query: ACLs by object oid, then by column name, in the query's order. */
    private Map<Long, Map<String, Acl>> read(String sql, List<Target> targets) throws SQLException {
        Map<Long, Map<String, Acl>> acls = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("oid",
                    targets.stream().map(target -> (Object) target.oid()).toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    Map<String, Acl> ofObject = acls.computeIfAbsent(rs.getLong(1), oid -> new LinkedHashMap<>());
                    Acl acl = ofObject.get(rs.getString(2));
                    if (acl == null) {
                        acl = new Acl(rs.getString(3));
                        ofObject.put(rs.getString(2), acl);
                    }
                    Privilege privilege = new Privilege(rs.getString(5), rs.getString(6), rs.getString(7),
                            rs.getBoolean(8));
                    (rs.getBoolean(4) ? acl.baseline : acl.current).add(privilege);
                }
            }
        }
        return acls;
    }

    private static List<String> objectStatements(Target target, String column, Acl acl) {
        String on = target.kind() + " " + target.name();
        List<String> statements = new ArrayList<>();
        for (Map.Entry<String, List<String>> revoke : revokes(acl).entrySet()) {
            statements.add("REVOKE " + privileges(revoke.getValue(), column) + " ON " + on + " FROM "
                    + revoke.getKey() + ";");
        }
        for (Map.Entry<GrantGroup, List<String>> grant : grants(acl).entrySet()) {
            GrantGroup group = grant.getKey();
            String statement = "GRANT " + privileges(grant.getValue(), column) + " ON " + on + " TO "
                    + grantee(group.grantee()) + (group.grantable() ? " WITH GRANT OPTION" : "") + ";";
            if (group.grantor().equals(acl.owner)) {
                statements.add(statement);
            } else {
                // The grantor is recorded as whoever runs the GRANT (a superuser counts as the owner).
                statements.add("SET SESSION AUTHORIZATION " + Sql.ident(group.grantor()) + ";");
                statements.add(statement);
                statements.add("RESET SESSION AUTHORIZATION;");
            }
        }
        return statements;
    }

    /** Privileges the object starts with but no longer has, by quoted grantee in order of first appearance. */
    private static Map<String, List<String>> revokes(Acl acl) {
        Map<String, List<String>> revokes = new LinkedHashMap<>();
        for (Privilege privilege : acl.baseline) {
            if (!acl.current.contains(privilege)) {
                List<String> names = revokes.computeIfAbsent(grantee(privilege.grantee()), key -> new ArrayList<>());
                if (!names.contains(privilege.privilege())) {
                    names.add(privilege.privilege());
                }
            }
        }
        return revokes;
    }

    /** Privileges the object has beyond what it starts with, grouped into statements, in the ACL's order. */
    private static Map<GrantGroup, List<String>> grants(Acl acl) {
        Map<GrantGroup, List<String>> grants = new LinkedHashMap<>();
        for (Privilege privilege : acl.current) {
            if (!acl.baseline.contains(privilege)) {
                GrantGroup group = new GrantGroup(privilege.grantor(), privilege.grantee(), privilege.grantable());
                grants.computeIfAbsent(group, key -> new ArrayList<>()).add(privilege.privilege());
            }
        }
        return grants;
    }

    private static String privileges(List<String> names, String column) {
        if (column == null) {
            return String.join(", ", names);
        }
        return String.join(", ", names.stream().map(name -> name + " (" + Sql.ident(column) + ")").toList());
    }

    private static String grantee(String role) {
        return role == null ? "PUBLIC" : Sql.ident(role);
    }

    /**
     * {@code ALTER DEFAULT PRIVILEGES} for the entries of {@code pg_default_acl} that concern the dumped schemas, and
     * those for the whole database of roles the backing-up user is a member of (all of them for a superuser): on a
     * hosted database the platform's roles keep their own defaults, which its users could not set anyway. Ordered by
     * role, schema and object type.
     */
    private List<String> defaultPrivileges(List<String> schemas) throws SQLException {
        // Columns have no built-in privileges: acldefault('c', ...) is the empty ACL that aclexplode accepts.
        String sql = "SELECT d.oid, pg_catalog.pg_get_userbyid(d.defaclrole), n.nspname, d.defaclobjtype, x.baseline, "
                + "CASE WHEN x.grantee = 0 THEN NULL ELSE pg_catalog.pg_get_userbyid(x.grantee) END, "
                + "x.privilege_type, x.is_grantable "
                + "FROM pg_catalog.pg_default_acl d LEFT JOIN pg_catalog.pg_namespace n ON n.oid = d.defaclnamespace "
                + "CROSS JOIN LATERAL (SELECT false AS baseline, a.* FROM pg_catalog.aclexplode(d.defaclacl) "
                + "WITH ORDINALITY a UNION ALL SELECT true, b.* FROM pg_catalog.aclexplode(CASE "
                + "WHEN d.defaclnamespace = 0 THEN pg_catalog.acldefault(CASE WHEN d.defaclobjtype = 'S' THEN 's' "
                + "ELSE d.defaclobjtype END::\"char\", d.defaclrole) "
                + "ELSE pg_catalog.acldefault('c', d.defaclrole) END) WITH ORDINALITY b) x "
                + "WHERE ((d.defaclnamespace = 0 AND pg_catalog.pg_has_role(d.defaclrole, 'MEMBER')) "
                + "OR n.nspname = ANY (?)) "
                + "AND d.defaclobjtype IN ('r', 'S', 'f', 'T', 'n', 'L') "
                + "ORDER BY 2, n.nspname NULLS FIRST, d.defaclobjtype, d.oid, x.baseline, x.ordinality";
        Map<Long, String> prefixes = new LinkedHashMap<>();
        Map<Long, String> objectTypes = new LinkedHashMap<>();
        Map<Long, Acl> acls = new LinkedHashMap<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    long oid = rs.getLong(1);
                    String role = rs.getString(2);
                    String schema = rs.getString(3);
                    Acl acl = acls.get(oid);
                    if (acl == null) {
                        acl = new Acl(role);
                        acls.put(oid, acl);
                        prefixes.put(oid, "ALTER DEFAULT PRIVILEGES FOR ROLE " + Sql.ident(role)
                                + (schema == null ? "" : " IN SCHEMA " + Sql.ident(schema)) + " ");
                        objectTypes.put(oid, objectTypes(rs.getString(4)));
                    }
                    // Default privileges are always granted by the role they belong to.
                    Privilege privilege = new Privilege(role, rs.getString(6), rs.getString(7), rs.getBoolean(8));
                    (rs.getBoolean(5) ? acl.baseline : acl.current).add(privilege);
                }
            }
        }
        List<String> statements = new ArrayList<>();
        for (Map.Entry<Long, Acl> entry : acls.entrySet()) {
            String prefix = prefixes.get(entry.getKey());
            String objects = objectTypes.get(entry.getKey());
            for (Map.Entry<String, List<String>> revoke : revokes(entry.getValue()).entrySet()) {
                statements.add(prefix + "REVOKE " + String.join(", ", revoke.getValue()) + " ON " + objects + " FROM "
                        + revoke.getKey() + ";");
            }
            for (Map.Entry<GrantGroup, List<String>> grant : grants(entry.getValue()).entrySet()) {
                statements.add(prefix + "GRANT " + String.join(", ", grant.getValue()) + " ON " + objects + " TO "
                        + grantee(grant.getKey().grantee()) + (grant.getKey().grantable() ? " WITH GRANT OPTION" : "")
                        + ";");
            }
        }
        return statements;
    }

    /** The words {@code ALTER DEFAULT PRIVILEGES} uses for a {@code pg_default_acl.defaclobjtype}. */
    private static String objectTypes(String code) {
        return switch (code) {
            case "r" -> "TABLES";
            case "S" -> "SEQUENCES";
            case "f" -> "FUNCTIONS";
            case "T" -> "TYPES";
            case "n" -> "SCHEMAS";
            case "L" -> "LARGE OBJECTS";
            default -> throw new IllegalArgumentException("unexpected default privilege object type " + code);
        };
    }
}
