package dev.cpdb.backup.engine;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the definitions of every non-system schema from the PostgreSQL catalogs and turns them into the statements
 * of a backup script, ordered so that each object comes after what it depends on.
 *
 * <p>
 * Expects to run inside the backup's snapshot transaction with {@code search_path} set to empty, so that every name
 * the server's deparse functions ({@code pg_get_*def}, {@code format_type}) print is schema-qualified. Objects that
 * belong to an extension are left to {@code CREATE EXTENSION}. Blocking (JDBC).
 */
final class CatalogReader {

    /** Ranks break ties between independent objects so scripts are deterministic. */
    private static final int SCHEMA = 0;
    private static final int EXTENSION = 1;
    private static final int TYPE = 2;
    private static final int FUNCTION = 3;
    private static final int SEQUENCE = 4;
    private static final int TABLE = 5;
    private static final int VIEW = 6;

    private static final String NOT_EXTENSION_MEMBER = "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
            + "WHERE e.classid = %s AND e.objid = %s AND e.deptype = 'e')";

    private final Connection connection;
    private final List<String> schemas;
    private final Array schemaArray;
    private final boolean ownersAndPrivileges;

    private final Map<String, Item> items = new LinkedHashMap<>();
    private final Map<String, String> aliases = new HashMap<>();
    private final Map<Long, Relation> relations = new LinkedHashMap<>();
    private final List<String> endOfPreData = new ArrayList<>();
    private final List<PrivilegeReader.Target> privilegeTargets = new ArrayList<>();

    private CatalogReader(Connection connection, List<String> schemas, boolean ownersAndPrivileges)
            throws SQLException {
        this.connection = connection;
        this.schemas = schemas;
        this.schemaArray = connection.createArrayOf("text", schemas.toArray());
        this.ownersAndPrivileges = ownersAndPrivileges;
    }

    /**
     * Names of the schemas a backup covers: everything except {@code pg_catalog}, {@code information_schema},
     * {@code pg_toast*}, other {@code pg_*} schemas and schemas created by extensions.
     */
    static List<String> userSchemas(Connection connection) throws SQLException {
        String sql = "SELECT n.nspname FROM pg_catalog.pg_namespace n "
                + "WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND "
                + notExtensionMember("'pg_catalog.pg_namespace'::pg_catalog.regclass", "n.oid")
                + " ORDER BY n.nspname";
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql);
                ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                result.add(rs.getString(1));
            }
        }
        return result;
    }

    /** Relations to lock before reading definitions: tables and partitioned tables (PostgreSQL cannot lock materialized views). */
    static List<String> lockTargets(Connection connection, List<String> schemas) throws SQLException {
        String sql = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p') AND "
                + notExtensionMember("'pg_catalog.pg_class'::pg_catalog.regclass", "c.oid")
                + " ORDER BY n.nspname, c.relname";
        List<String> result = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    result.add(Sql.qualified(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return result;
    }

    /**
     * Reads the whole plan.
     *
     * @param ownersAndPrivileges also write each object's owner (right after it is created) and its privileges and
     *        the default privileges (after everything else but before materialized views are refreshed, because a
     *        refresh runs with the view owner's privileges)
     * @throws BackupException when the database holds objects this format cannot carry yet (they are named), so a
     *         backup never silently leaves something out
     */
    static DumpPlan read(Connection connection, List<String> schemas, List<String> lockTargets,
            boolean ownersAndPrivileges) throws SQLException {
        CatalogReader reader = new CatalogReader(connection, schemas, ownersAndPrivileges);
        reader.refuseUnsupportedObjects();
        reader.readSchemas();
        reader.readExtensions();
        reader.readTypes();
        reader.readFunctions();
        reader.readRelations();
        reader.readColumns();
        reader.readTableConstraints();
        reader.readInheritance();
        reader.readSequences();
        reader.readAliases();
        reader.readDependencies();
        List<String> preData = reader.orderedPreData();
        List<String> postData = new ArrayList<>();
        reader.writeSequenceValues(postData);
        reader.writeKeysAndIndexes(postData);
        reader.writeForeignKeys(postData);
        reader.writeTriggers(postData);
        reader.writePolicies(postData);
        reader.writeStatistics(postData);
        if (ownersAndPrivileges) {
            postData.addAll(PrivilegeReader.statements(connection, reader.sortedPrivilegeTargets(), schemas));
        }
        reader.writeMaterializedViewRefreshes(postData, preData);
        return new DumpPlan(schemas, preData, reader.tableData(), postData, lockTargets);
    }

    // ---------------------------------------------------------------- model

    /** One object created before the data, with the statements that create it and what it depends on. */
    private static final class Item {
        final String key;
        final int rank;
        final String sortName;
        final List<String> statements = new ArrayList<>();
        final Set<String> dependsOn = new LinkedHashSet<>();

        Item(String key, int rank, String sortName) {
            this.key = key;
            this.rank = rank;
            this.sortName = sortName;
        }
    }

    private static final class Column {
        int number;
        String name;
        String type;
        boolean notNull;
        String identity;
        String generated;
        boolean local;
        int inheritCount;
        String defaultExpression;
        String collation;
        String comment;
    }

    private static final class Relation {
        long oid;
        String schema;
        String name;
        char kind;
        char persistence;
        boolean partition;
        String partitionKey;
        String partitionBound;
        String comment;
        String options;
        boolean rowSecurity;
        boolean forceRowSecurity;
        boolean populated;
        char replicaIdentity;
        String viewDefinition;
        String owner;
        final List<Column> columns = new ArrayList<>();
        final List<String> checks = new ArrayList<>();
        final List<String> lateChecks = new ArrayList<>();
        final List<String> constraintComments = new ArrayList<>();
        final List<Long> parents = new ArrayList<>();
        int depth;

        String qualified() {
            return Sql.qualified(schema, name);
        }
    }

    private static String notExtensionMember(String classId, String objectId) {
        return String.format(NOT_EXTENSION_MEMBER, classId, objectId);
    }

    /**
     * When the backup carries owners and privileges, adds {@code ALTER alterKind name OWNER TO owner} to an object's
     * statements (unless {@code owner} is null) and remembers the object for its privileges.
     *
     * @param grantKind the word {@code GRANT ... ON} takes for the object
     */
    private void owned(List<String> statements, String alterKind, String name, String owner,
            PrivilegeReader.Catalog catalog, long oid, String grantKind) {
        if (!ownersAndPrivileges) {
            return;
        }
        if (owner != null) {
            statements.add("ALTER " + alterKind + " " + name + " OWNER TO " + Sql.ident(owner) + ";");
        }
        privilegeTargets.add(new PrivilegeReader.Target(catalog, oid, grantKind, name, grantKind.equals("TABLE")));
    }

    /** Objects whose privileges the backup carries, by catalog and then name, so scripts are deterministic. */
    private List<PrivilegeReader.Target> sortedPrivilegeTargets() {
        return privilegeTargets.stream()
                .sorted(Comparator.comparing(PrivilegeReader.Target::catalog)
                        .thenComparing(PrivilegeReader.Target::name)
                        .thenComparingLong(PrivilegeReader.Target::oid))
                .toList();
    }

    private Item item(String key, int rank, String sortName) {
        Item item = new Item(key, rank, sortName);
        items.put(key, item);
        return item;
    }

    private PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        if (sql.contains("?")) {
            statement.setArray(1, schemaArray);
        }
        return statement;
    }

    // ---------------------------------------------------------------- unsupported objects

    private void refuseUnsupportedObjects() throws SQLException {
        String inSchemas = " = ANY (?)";
        String sql = "SELECT 'aggregate ' || p.oid::pg_catalog.regprocedure::text FROM pg_catalog.pg_proc p "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind = 'a' AND n.nspname"
                + inSchemas + " AND " + notExtensionMember("'pg_catalog.pg_proc'::pg_catalog.regclass", "p.oid")
                + " UNION ALL SELECT 'foreign table ' || c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' AND n.nspname = ANY ($1) "
                + " UNION ALL SELECT 'typed table ' || c.oid::pg_catalog.regclass::text FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.reloftype <> 0 AND n.nspname = ANY ($1)"
                + " UNION ALL SELECT 'operator ' || o.oid::pg_catalog.regoperator::text FROM pg_catalog.pg_operator o "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace WHERE n.nspname = ANY ($1) AND "
                + notExtensionMember("'pg_catalog.pg_operator'::pg_catalog.regclass", "o.oid")
                + " UNION ALL SELECT 'collation ' || c.collname FROM pg_catalog.pg_collation c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.collnamespace WHERE n.nspname = ANY ($1) AND "
                + notExtensionMember("'pg_catalog.pg_collation'::pg_catalog.regclass", "c.oid")
                + " UNION ALL SELECT 'rule ' || r.rulename || ' on ' || r.ev_class::pg_catalog.regclass::text "
                + "FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE r.rulename <> '_RETURN' AND n.nspname = ANY ($1) AND "
                + notExtensionMember("'pg_catalog.pg_class'::pg_catalog.regclass", "c.oid")
                + " UNION ALL SELECT 'text search configuration ' || t.cfgname FROM pg_catalog.pg_ts_config t "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = t.cfgnamespace WHERE n.nspname = ANY ($1) AND "
                + notExtensionMember("'pg_catalog.pg_ts_config'::pg_catalog.regclass", "t.oid")
                + " UNION ALL SELECT 'operator class ' || o.opcname FROM pg_catalog.pg_opclass o "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace WHERE n.nspname = ANY ($1) AND "
                + notExtensionMember("'pg_catalog.pg_opclass'::pg_catalog.regclass", "o.oid");
        // JDBC numbers parameters by position; rewrite the shared $1 references into one parameter each.
        int count = sql.split("ANY \\(\\$1\\)", -1).length - 1;
        String jdbcSql = sql.replace("ANY ($1)", "ANY (?)");
        List<String> unsupported = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(jdbcSql)) {
            for (int i = 1; i <= count + 1; i++) {
                statement.setArray(i, schemaArray);
            }
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    unsupported.add(rs.getString(1));
                }
            }
        }
        if (!unsupported.isEmpty()) {
            throw new BackupException("reading the schema", "the database holds objects that cpdb backups cannot "
                    + "carry yet, so no backup is taken rather than an incomplete one: "
                    + String.join(", ", unsupported), false);
        }
    }

    // ---------------------------------------------------------------- schemas, extensions, types, functions

    private void readSchemas() throws SQLException {
        // A fresh database's public schema belongs to pg_database_owner (before PostgreSQL 15: the bootstrap
        // superuser); only another owner is written, as pg_dump does.
        String sql = "SELECT n.oid, n.nspname, pg_catalog.obj_description(n.oid, 'pg_namespace'), "
                + "pg_catalog.pg_get_userbyid(n.nspowner), n.nspowner = COALESCE((SELECT r.oid FROM "
                + "pg_catalog.pg_roles r WHERE r.rolname = 'pg_database_owner'), 10) "
                + "FROM pg_catalog.pg_namespace n WHERE n.nspname = ANY (?) ORDER BY n.nspname";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(2);
                Item item = item("namespace:" + rs.getLong(1), SCHEMA, name);
                String comment = rs.getString(3);
                if (!name.equals("public")) {
                    item.statements.add("CREATE SCHEMA " + Sql.ident(name) + ";");
                }
                // A fresh database's public schema already carries this comment.
                if (comment != null && !(name.equals("public") && comment.equals("standard public schema"))) {
                    item.statements.add("COMMENT ON SCHEMA " + Sql.ident(name) + " IS " + Sql.literal(comment) + ";");
                }
                boolean usualOwner = name.equals("public") && rs.getBoolean(5);
                owned(item.statements, "SCHEMA", Sql.ident(name), usualOwner ? null : rs.getString(4),
                        PrivilegeReader.Catalog.SCHEMA, rs.getLong(1), "SCHEMA");
            }
        }
    }

    private void readExtensions() throws SQLException {
        String sql = "SELECT e.oid, e.extname, n.nspname, pg_catalog.obj_description(e.oid, 'pg_extension') "
                + "FROM pg_catalog.pg_extension e JOIN pg_catalog.pg_namespace n ON n.oid = e.extnamespace "
                + "WHERE e.extname <> 'plpgsql' ORDER BY e.extname";
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String schema = rs.getString(3);
                Item item = item("extension:" + rs.getLong(1), EXTENSION, rs.getString(2));
                item.statements.add("CREATE EXTENSION IF NOT EXISTS " + Sql.ident(rs.getString(2)) + " WITH SCHEMA "
                        + Sql.ident(schema) + ";");
                if (rs.getString(4) != null) {
                    item.statements.add("COMMENT ON EXTENSION " + Sql.ident(rs.getString(2)) + " IS "
                            + Sql.literal(rs.getString(4)) + ";");
                }
            }
        }
    }

    private void readTypes() throws SQLException {
        String sql = "SELECT t.oid, n.nspname, t.typname, t.typtype, pg_catalog.format_type(t.oid, NULL), "
                + "pg_catalog.obj_description(t.oid, 'pg_type'), t.typrelid, "
                + "pg_catalog.format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault, "
                + "CASE WHEN t.typcollation <> 0 AND t.typcollation <> bt.typcollation THEN "
                + "(SELECT pg_catalog.quote_ident(cn.nspname) || '.' || pg_catalog.quote_ident(co.collname) "
                + "FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn ON cn.oid = co.collnamespace "
                + "WHERE co.oid = t.typcollation) END, pg_catalog.pg_get_userbyid(t.typowner) "
                + "FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace "
                + "LEFT JOIN pg_catalog.pg_type bt ON bt.oid = t.typbasetype "
                + "LEFT JOIN pg_catalog.pg_class c ON c.oid = t.typrelid "
                + "WHERE n.nspname = ANY (?) AND t.typtype IN ('e', 'd', 'c', 'r') "
                + "AND (t.typtype <> 'c' OR c.relkind = 'c') AND "
                + notExtensionMember("'pg_catalog.pg_type'::pg_catalog.regclass", "t.oid")
                + " ORDER BY n.nspname, t.typname";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                long oid = rs.getLong(1);
                String qualified = rs.getString(5);
                Item item = item("type:" + oid, TYPE, rs.getString(2) + "." + rs.getString(3));
                char kind = rs.getString(4).charAt(0);
                switch (kind) {
                    case 'e' -> item.statements.add("CREATE TYPE " + qualified + " AS ENUM (" + enumLabels(oid) + ");");
                    case 'd' -> item.statements.add(domain(oid, qualified, rs.getString(8), rs.getBoolean(9),
                            rs.getString(10), rs.getString(11)));
                    case 'c' -> {
                        aliases.put("class:" + rs.getLong(7), item.key);
                        item.statements.add("CREATE TYPE " + qualified + " AS (" + compositeAttributes(rs.getLong(7))
                                + ");");
                    }
                    default -> item.statements.add(range(oid, qualified));
                }
                String comment = rs.getString(6);
                if (comment != null) {
                    item.statements.add("COMMENT ON " + (kind == 'd' ? "DOMAIN " : "TYPE ") + qualified + " IS "
                            + Sql.literal(comment) + ";");
                }
                // A range's multirange type and a composite type's relation follow the type's owner.
                String word = kind == 'd' ? "DOMAIN" : "TYPE";
                owned(item.statements, word, qualified, rs.getString(12), PrivilegeReader.Catalog.TYPE, oid, word);
            }
        }
    }

    private String enumLabels(long typeOid) throws SQLException {
        List<String> labels = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = ? ORDER BY enumsortorder")) {
            statement.setLong(1, typeOid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    labels.add(Sql.literal(rs.getString(1)));
                }
            }
        }
        return String.join(", ", labels);
    }

    private String domain(long oid, String qualified, String baseType, boolean notNull, String defaultExpression,
            String collation) throws SQLException {
        StringBuilder ddl = new StringBuilder("CREATE DOMAIN ").append(qualified).append(" AS ").append(baseType);
        if (collation != null) {
            ddl.append(" COLLATE ").append(collation);
        }
        if (defaultExpression != null) {
            ddl.append(" DEFAULT ").append(defaultExpression);
        }
        if (notNull) {
            ddl.append(" NOT NULL");
        }
        List<String> late = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT conname, "
                + "pg_catalog.pg_get_constraintdef(oid), convalidated, pg_catalog.obj_description(oid, 'pg_constraint') "
                + "FROM pg_catalog.pg_constraint WHERE contypid = ? AND contype = 'c' ORDER BY conname")) {
            statement.setLong(1, oid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    String constraint = "CONSTRAINT " + Sql.ident(rs.getString(1)) + " " + rs.getString(2);
                    if (rs.getBoolean(3)) {
                        ddl.append(" ").append(constraint);
                    } else {
                        late.add("ALTER DOMAIN " + qualified + " ADD " + constraint + ";");
                    }
                    if (rs.getString(4) != null) {
                        late.add("COMMENT ON CONSTRAINT " + Sql.ident(rs.getString(1)) + " ON DOMAIN " + qualified
                                + " IS " + Sql.literal(rs.getString(4)) + ";");
                    }
                }
            }
        }
        ddl.append(";");
        late.forEach(statement -> ddl.append("\n").append(statement));
        return ddl.toString();
    }

    private String compositeAttributes(long relationOid) throws SQLException {
        List<String> attributes = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT a.attname, "
                + "pg_catalog.format_type(a.atttypid, a.atttypmod), "
                + "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
            statement.setLong(1, relationOid);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    attributes.add(Sql.ident(rs.getString(1)) + " " + rs.getString(2)
                            + (rs.getString(3) == null ? "" : " COLLATE " + rs.getString(3)));
                }
            }
        }
        return String.join(", ", attributes);
    }

    private String range(long oid, String qualified) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT "
                + "pg_catalog.format_type(r.rngsubtype, NULL), "
                + "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(o.opcname) "
                + "FROM pg_catalog.pg_opclass o JOIN pg_catalog.pg_namespace n ON n.oid = o.opcnamespace "
                + "WHERE o.oid = r.rngsubopc), "
                + "CASE WHEN r.rngcollation <> 0 THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' || "
                + "pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) END, "
                + "CASE WHEN r.rngsubdiff <> 0 THEN r.rngsubdiff::pg_catalog.regproc::text END, "
                + "CASE WHEN r.rngcanonical <> 0 THEN r.rngcanonical::pg_catalog.regproc::text END, "
                + "pg_catalog.format_type(r.rngmultitypid, NULL), r.rngmultitypid "
                + "FROM pg_catalog.pg_range r WHERE r.rngtypid = ?")) {
            statement.setLong(1, oid);
            try (ResultSet rs = statement.executeQuery()) {
                rs.next();
                StringBuilder ddl = new StringBuilder("CREATE TYPE ").append(qualified).append(" AS RANGE (subtype = ")
                        .append(rs.getString(1)).append(", subtype_opclass = ").append(rs.getString(2));
                if (rs.getString(3) != null) {
                    ddl.append(", collation = ").append(rs.getString(3));
                }
                if (rs.getString(4) != null) {
                    ddl.append(", subtype_diff = ").append(rs.getString(4));
                }
                if (rs.getString(5) != null) {
                    ddl.append(", canonical = ").append(rs.getString(5));
                }
                ddl.append(", multirange_type_name = ").append(rs.getString(6)).append(");");
                aliases.put("type:" + rs.getLong(7), "type:" + oid);
                return ddl.toString();
            }
        }
    }

    private void readFunctions() throws SQLException {
        String sql = "SELECT p.oid, n.nspname, p.proname, pg_catalog.pg_get_functiondef(p.oid), "
                + "pg_catalog.obj_description(p.oid, 'pg_proc'), p.prokind, "
                + "pg_catalog.pg_get_function_identity_arguments(p.oid), pg_catalog.pg_get_userbyid(p.proowner) "
                + "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
                + "WHERE n.nspname = ANY (?) AND p.prokind IN ('f', 'p', 'w') AND "
                + notExtensionMember("'pg_catalog.pg_proc'::pg_catalog.regclass", "p.oid")
                // Range constructors and similar functions are created with their type.
                + " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                + "'pg_catalog.pg_proc'::pg_catalog.regclass AND i.objid = p.oid AND i.deptype = 'i')"
                + " ORDER BY n.nspname, p.proname, p.oid";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String signature = Sql.qualified(rs.getString(2), rs.getString(3)) + "(" + rs.getString(7) + ")";
                Item item = item("proc:" + rs.getLong(1), FUNCTION, signature);
                item.statements.add(rs.getString(4).stripTrailing() + ";");
                String word = rs.getString(6).equals("p") ? "PROCEDURE" : "FUNCTION";
                if (rs.getString(5) != null) {
                    item.statements.add("COMMENT ON " + word + " " + signature + " IS " + Sql.literal(rs.getString(5))
                            + ";");
                }
                owned(item.statements, word, signature, rs.getString(8), PrivilegeReader.Catalog.FUNCTION,
                        rs.getLong(1), word);
            }
        }
    }

    // ---------------------------------------------------------------- relations

    private void readRelations() throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition, "
                + "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
                + "CASE WHEN c.relispartition THEN pg_catalog.pg_get_expr(c.relpartbound, c.oid) END, "
                + "pg_catalog.obj_description(c.oid, 'pg_class'), pg_catalog.array_to_string(c.reloptions, ', '), "
                + "c.relrowsecurity, c.relforcerowsecurity, c.relispopulated, c.relreplident, "
                + "CASE WHEN c.relkind IN ('v', 'm') THEN pg_catalog.pg_get_viewdef(c.oid) END, "
                + "pg_catalog.pg_get_userbyid(c.relowner) "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = ANY (?) AND c.relkind IN ('r', 'p', 'v', 'm', 'S') AND "
                + notExtensionMember("'pg_catalog.pg_class'::pg_catalog.regclass", "c.oid")
                // Identity sequences are created by their column's GENERATED ... AS IDENTITY.
                + " AND NOT (c.relkind = 'S' AND EXISTS (SELECT 1 FROM pg_catalog.pg_depend i WHERE i.classid = "
                + "'pg_catalog.pg_class'::pg_catalog.regclass AND i.objid = c.oid AND i.deptype = 'i'))"
                + " ORDER BY n.nspname, c.relname";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = new Relation();
                relation.oid = rs.getLong(1);
                relation.schema = rs.getString(2);
                relation.name = rs.getString(3);
                relation.kind = rs.getString(4).charAt(0);
                relation.persistence = rs.getString(5).charAt(0);
                relation.partition = rs.getBoolean(6);
                relation.partitionKey = rs.getString(7);
                relation.partitionBound = rs.getString(8);
                relation.comment = rs.getString(9);
                relation.options = rs.getString(10);
                relation.rowSecurity = rs.getBoolean(11);
                relation.forceRowSecurity = rs.getBoolean(12);
                relation.populated = rs.getBoolean(13);
                relation.replicaIdentity = rs.getString(14).charAt(0);
                relation.viewDefinition = rs.getString(15);
                relation.owner = rs.getString(16);
                relations.put(relation.oid, relation);
            }
        }
    }

    private PreparedStatement prepareForRelations(String sql) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        statement.setArray(1, connection.createArrayOf("oid",
                relations.keySet().stream().map(oid -> (Object) oid).toArray()));
        return statement;
    }

    private void readColumns() throws SQLException {
        String sql = "SELECT a.attrelid, a.attnum, a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), "
                + "a.attnotnull, a.attidentity, a.attgenerated, a.attislocal, a.attinhcount, "
                + "pg_catalog.pg_get_expr(d.adbin, d.adrelid), "
                + "CASE WHEN a.attcollation <> t.typcollation THEN (SELECT pg_catalog.quote_ident(cn.nspname) || '.' "
                + "|| pg_catalog.quote_ident(co.collname) FROM pg_catalog.pg_collation co JOIN pg_catalog.pg_namespace cn "
                + "ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END, "
                + "pg_catalog.col_description(a.attrelid, a.attnum) "
                + "FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
                + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                + "WHERE a.attrelid = ANY (?) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attrelid, a.attnum";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Column column = new Column();
                column.number = rs.getInt(2);
                column.name = rs.getString(3);
                column.type = rs.getString(4);
                column.notNull = rs.getBoolean(5);
                column.identity = rs.getString(6);
                column.generated = rs.getString(7);
                column.local = rs.getBoolean(8);
                column.inheritCount = rs.getInt(9);
                column.defaultExpression = rs.getString(10);
                column.collation = rs.getString(11);
                column.comment = rs.getString(12);
                relations.get(rs.getLong(1)).columns.add(column);
            }
        }
    }

    private void readTableConstraints() throws SQLException {
        String sql = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), c.convalidated, "
                + "c.conislocal, pg_catalog.obj_description(c.oid, 'pg_constraint') "
                + "FROM pg_catalog.pg_constraint c WHERE c.conrelid = ANY (?) AND c.contype = 'c' "
                + "ORDER BY c.conrelid, c.conname";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation relation = relations.get(rs.getLong(1));
                String name = rs.getString(2);
                if (rs.getString(6) != null) {
                    relation.constraintComments.add("COMMENT ON CONSTRAINT " + Sql.ident(name) + " ON "
                            + relation.qualified() + " IS " + Sql.literal(rs.getString(6)) + ";");
                }
                if (!rs.getBoolean(5)) {
                    continue; // inherited from a parent, which creates it
                }
                String constraint = "CONSTRAINT " + Sql.ident(name) + " " + rs.getString(3);
                if (rs.getBoolean(4)) {
                    relation.checks.add(constraint);
                } else {
                    relation.lateChecks.add("ALTER TABLE " + relation.qualified() + " ADD " + constraint + ";");
                }
            }
        }
    }

    private void readInheritance() throws SQLException {
        String sql = "SELECT i.inhrelid, i.inhparent FROM pg_catalog.pg_inherits i "
                + "WHERE i.inhrelid = ANY (?) ORDER BY i.inhrelid, i.inhseqno";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation child = relations.get(rs.getLong(1));
                if (relations.containsKey(rs.getLong(2))) {
                    child.parents.add(rs.getLong(2));
                }
            }
        }
        for (Relation relation : relations.values()) {
            relation.depth = depth(relation);
        }
    }

    private int depth(Relation relation) {
        int depth = 0;
        for (Long parent : relation.parents) {
            depth = Math.max(depth, 1 + depth(relations.get(parent)));
        }
        return depth;
    }

    private void readSequences() throws SQLException {
        Map<Long, String> identityOptions = new HashMap<>();
        Map<Long, String> owners = new HashMap<>();
        String sql = "SELECT s.seqrelid, pg_catalog.format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, "
                + "s.seqmin, s.seqmax, s.seqcache, s.seqcycle, d.deptype, d.refobjid, a.attname, sc.relname, "
                + "sn.nspname, sc.relpersistence "
                + "FROM pg_catalog.pg_sequence s JOIN pg_catalog.pg_class sc ON sc.oid = s.seqrelid "
                + "JOIN pg_catalog.pg_namespace sn ON sn.oid = sc.relnamespace "
                + "LEFT JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND d.objid = s.seqrelid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "
                + "AND d.deptype IN ('a', 'i') "
                + "LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid "
                + "WHERE sn.nspname = ANY (?)";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String options = "START WITH " + rs.getLong(3) + " INCREMENT BY " + rs.getLong(4) + " MINVALUE "
                        + rs.getLong(5) + " MAXVALUE " + rs.getLong(6) + " CACHE " + rs.getLong(7)
                        + (rs.getBoolean(8) ? " CYCLE" : " NO CYCLE");
                String qualified = Sql.qualified(rs.getString(13), rs.getString(12));
                String dependency = rs.getString(9);
                if ("i".equals(dependency)) {
                    identityOptions.put(rs.getLong(10) * 100_000L + columnNumber(rs.getLong(10), rs.getString(11)),
                            "SEQUENCE NAME " + qualified + " " + options);
                    if (ownersAndPrivileges && relations.containsKey(rs.getLong(10))) {
                        // Its owner follows the table's; its privileges are its own.
                        privilegeTargets.add(new PrivilegeReader.Target(PrivilegeReader.Catalog.RELATION,
                                rs.getLong(1), "SEQUENCE", qualified, false));
                    }
                    continue;
                }
                Relation sequence = relations.get(rs.getLong(1));
                if (sequence == null) {
                    continue;
                }
                sequence.viewDefinition = null;
                sequence.options = "AS " + rs.getString(2) + " " + options;
                if ("a".equals(dependency) && relations.containsKey(rs.getLong(10))) {
                    owners.put(rs.getLong(1),
                            relations.get(rs.getLong(10)).qualified() + "." + Sql.ident(rs.getString(11)));
                }
            }
        }
        for (Relation relation : relations.values()) {
            switch (relation.kind) {
                case 'S' -> sequenceItem(relation, owners.get(relation.oid));
                case 'r', 'p' -> tableItem(relation, identityOptions);
                case 'v', 'm' -> viewItem(relation);
                default -> throw new IllegalStateException("unexpected relation kind " + relation.kind);
            }
        }
    }

    private int columnNumber(long relationOid, String columnName) {
        Relation relation = relations.get(relationOid);
        if (relation == null) {
            return -1;
        }
        return relation.columns.stream().filter(c -> c.name.equals(columnName)).mapToInt(c -> c.number).findFirst()
                .orElse(-1);
    }

    private void sequenceItem(Relation sequence, String owner) {
        Item item = item("class:" + sequence.oid, SEQUENCE, sequence.schema + "." + sequence.name);
        item.statements.add("CREATE " + (sequence.persistence == 'u' ? "UNLOGGED " : "") + "SEQUENCE "
                + sequence.qualified() + " " + sequence.options + ";");
        if (sequence.comment != null) {
            item.statements.add("COMMENT ON SEQUENCE " + sequence.qualified() + " IS " + Sql.literal(sequence.comment)
                    + ";");
        }
        // Before OWNED BY (at the end of the definitions), which needs the table and the sequence to share an owner.
        owned(item.statements, "SEQUENCE", sequence.qualified(), sequence.owner, PrivilegeReader.Catalog.RELATION,
                sequence.oid, "SEQUENCE");
        if (owner != null) {
            endOfPreData.add("ALTER SEQUENCE " + sequence.qualified() + " OWNED BY " + owner + ";");
        }
    }

    private void tableItem(Relation table, Map<Long, String> identityOptions) {
        Item item = item("class:" + table.oid, TABLE, table.schema + "." + table.name);
        StringBuilder ddl = new StringBuilder("CREATE ");
        if (table.persistence == 'u') {
            ddl.append("UNLOGGED ");
        }
        ddl.append("TABLE ").append(table.qualified());
        List<String> alterations = new ArrayList<>();
        if (table.partition) {
            Relation parent = relations.get(table.parents.get(0));
            ddl.append(" PARTITION OF ").append(parent.qualified());
            if (!table.checks.isEmpty()) {
                ddl.append(" (\n    ").append(String.join(",\n    ", table.checks)).append("\n)");
            }
            ddl.append(" ").append(table.partitionBound);
            for (Column column : table.columns) {
                Column inherited = parent.columns.stream().filter(c -> c.name.equals(column.name)).findFirst()
                        .orElse(null);
                partitionColumnDifferences(table, column, inherited, alterations);
            }
        } else {
            List<String> lines = new ArrayList<>();
            for (Column column : table.columns) {
                if (!column.local) {
                    inheritedColumnDifferences(table, column, alterations);
                    continue;
                }
                lines.add(columnDefinition(table, column, identityOptions));
            }
            lines.addAll(table.checks);
            ddl.append(" (");
            if (!lines.isEmpty()) {
                ddl.append("\n    ").append(String.join(",\n    ", lines)).append("\n");
            }
            ddl.append(")");
            if (!table.parents.isEmpty()) {
                ddl.append(" INHERITS (").append(table.parents.stream().map(relations::get)
                        .map(Relation::qualified).collect(Collectors.joining(", "))).append(")");
            }
        }
        if (table.partitionKey != null) {
            ddl.append(" PARTITION BY ").append(table.partitionKey);
        }
        if (table.options != null && !table.options.isEmpty()) {
            ddl.append(" WITH (").append(table.options).append(")");
        }
        item.statements.add(ddl.append(";").toString());
        item.statements.addAll(alterations);
        for (Long parent : table.parents) {
            item.dependsOn.add("class:" + parent);
        }
        commentsOf(table, "TABLE", item.statements);
        owned(item.statements, "TABLE", table.qualified(), table.owner, PrivilegeReader.Catalog.RELATION, table.oid,
                "TABLE");
    }

    private String columnDefinition(Relation table, Column column, Map<Long, String> identityOptions) {
        StringBuilder line = new StringBuilder(Sql.ident(column.name)).append(" ").append(column.type);
        if (column.collation != null) {
            line.append(" COLLATE ").append(column.collation);
        }
        if ("s".equals(column.generated) || "v".equals(column.generated)) {
            line.append(" GENERATED ALWAYS AS (").append(column.defaultExpression).append(")")
                    .append("s".equals(column.generated) ? " STORED" : " VIRTUAL");
        } else if (column.defaultExpression != null) {
            line.append(" DEFAULT ").append(column.defaultExpression);
        }
        if ("a".equals(column.identity) || "d".equals(column.identity)) {
            line.append(" GENERATED ").append("a".equals(column.identity) ? "ALWAYS" : "BY DEFAULT")
                    .append(" AS IDENTITY");
            String options = identityOptions.get(table.oid * 100_000L + column.number);
            if (options != null) {
                line.append(" (").append(options).append(")");
            }
        }
        if (column.notNull) {
            line.append(" NOT NULL");
        }
        return line.toString();
    }

    private void inheritedColumnDifferences(Relation table, Column column, List<String> alterations) {
        Column parentColumn = table.parents.stream().map(relations::get)
                .flatMap(parent -> parent.columns.stream())
                .filter(c -> c.name.equals(column.name))
                .findFirst().orElse(null);
        partitionColumnDifferences(table, column, parentColumn, alterations);
    }

    private static void partitionColumnDifferences(Relation table, Column column, Column inherited,
            List<String> alterations) {
        String alter = "ALTER TABLE ONLY " + table.qualified() + " ALTER COLUMN " + Sql.ident(column.name);
        boolean generated = column.generated != null && !column.generated.isEmpty();
        if (!generated && column.identity.isEmpty() && column.defaultExpression != null
                && (inherited == null || !Objects.equals(inherited.defaultExpression, column.defaultExpression))) {
            alterations.add(alter + " SET DEFAULT " + column.defaultExpression + ";");
        }
        if (column.notNull && (inherited == null || !inherited.notNull)) {
            alterations.add(alter + " SET NOT NULL;");
        }
    }

    private void viewItem(Relation view) {
        Item item = item("class:" + view.oid, VIEW, view.schema + "." + view.name);
        String definition = view.viewDefinition.strip();
        if (definition.endsWith(";")) {
            definition = definition.substring(0, definition.length() - 1);
        }
        String options = view.options == null || view.options.isEmpty() ? "" : " WITH (" + view.options + ")";
        if (view.kind == 'm') {
            item.statements.add("CREATE MATERIALIZED VIEW " + view.qualified() + options + " AS\n" + definition
                    + "\nWITH NO DATA;");
        } else {
            item.statements.add("CREATE VIEW " + view.qualified() + options + " AS\n" + definition + ";");
        }
        String word = view.kind == 'm' ? "MATERIALIZED VIEW" : "VIEW";
        commentsOf(view, word, item.statements);
        owned(item.statements, word, view.qualified(), view.owner, PrivilegeReader.Catalog.RELATION, view.oid,
                "TABLE");
    }

    private void commentsOf(Relation relation, String kind, List<String> statements) {
        if (relation.comment != null) {
            statements.add("COMMENT ON " + kind + " " + relation.qualified() + " IS " + Sql.literal(relation.comment)
                    + ";");
        }
        for (Column column : relation.columns) {
            if (column.comment != null) {
                statements.add("COMMENT ON COLUMN " + relation.qualified() + "." + Sql.ident(column.name) + " IS "
                        + Sql.literal(column.comment) + ";");
            }
        }
    }

    // ---------------------------------------------------------------- ordering

    /**
     * Maps sub-objects (column defaults, check constraints, view rules, array and row types, extension members) to
     * the item that creates them, so that dependencies recorded on them order the right items.
     */
    private void readAliases() throws SQLException {
        String sql = "SELECT 'attrdef:' || d.oid, 'class:' || d.adrelid FROM pg_catalog.pg_attrdef d "
                + "UNION ALL SELECT 'constraint:' || c.oid, CASE WHEN c.contypid <> 0 THEN 'type:' || c.contypid "
                + "ELSE 'class:' || c.conrelid END FROM pg_catalog.pg_constraint c WHERE c.contype = 'c' "
                + "UNION ALL SELECT 'rewrite:' || r.oid, 'class:' || r.ev_class FROM pg_catalog.pg_rewrite r "
                + "UNION ALL SELECT 'type:' || t.oid, 'type:' || t.typelem FROM pg_catalog.pg_type t "
                + "WHERE t.typcategory = 'A' AND t.typelem <> 0 "
                + "UNION ALL SELECT 'type:' || t.oid, 'class:' || t.typrelid FROM pg_catalog.pg_type t "
                + "WHERE t.typrelid <> 0 AND t.typtype = 'c' "
                + "UNION ALL SELECT " + kindCase("e.classid") + " || ':' || e.objid, 'extension:' || e.refobjid "
                + "FROM pg_catalog.pg_depend e WHERE e.deptype = 'e' "
                + "AND e.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass";
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                if (rs.getString(1) != null && !items.containsKey(rs.getString(1))) {
                    aliases.putIfAbsent(rs.getString(1), rs.getString(2));
                }
            }
        }
    }

    private static String kindCase(String column) {
        return "CASE " + column
                + " WHEN 'pg_catalog.pg_class'::pg_catalog.regclass THEN 'class'"
                + " WHEN 'pg_catalog.pg_type'::pg_catalog.regclass THEN 'type'"
                + " WHEN 'pg_catalog.pg_proc'::pg_catalog.regclass THEN 'proc'"
                + " WHEN 'pg_catalog.pg_attrdef'::pg_catalog.regclass THEN 'attrdef'"
                + " WHEN 'pg_catalog.pg_constraint'::pg_catalog.regclass THEN 'constraint'"
                + " WHEN 'pg_catalog.pg_rewrite'::pg_catalog.regclass THEN 'rewrite'"
                + " WHEN 'pg_catalog.pg_namespace'::pg_catalog.regclass THEN 'namespace'"
                + " WHEN 'pg_catalog.pg_extension'::pg_catalog.regclass THEN 'extension' ELSE 'other' END";
    }

    private String resolve(String key) {
        String current = key;
        for (int hops = 0; hops < 10 && current != null; hops++) {
            if (items.containsKey(current)) {
                return current;
            }
            current = aliases.get(current);
        }
        return null;
    }

    private void readDependencies() throws SQLException {
        String sql = "SELECT " + kindCase("d.classid") + " || ':' || d.objid, " + kindCase("d.refclassid")
                + " || ':' || d.refobjid, d.deptype FROM pg_catalog.pg_depend d WHERE d.deptype IN ('n', 'a')";
        try (PreparedStatement statement = connection.prepareStatement(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String from = resolve(rs.getString(1));
                String to = resolve(rs.getString(2));
                if (from == null || to == null || from.equals(to)) {
                    continue;
                }
                Item dependent = items.get(from);
                // OWNED BY links a sequence to its column; the column's default needs the sequence first.
                if (rs.getString(3).equals("a") && dependent.rank == SEQUENCE) {
                    continue;
                }
                dependent.dependsOn.add(to);
            }
        }
    }

    private List<String> orderedPreData() {
        Map<String, Integer> missing = new HashMap<>();
        Map<String, List<Item>> dependents = new HashMap<>();
        for (Item item : items.values()) {
            item.dependsOn.retainAll(items.keySet());
            missing.put(item.key, item.dependsOn.size());
            for (String dependency : item.dependsOn) {
                dependents.computeIfAbsent(dependency, key -> new ArrayList<>()).add(item);
            }
        }
        PriorityQueue<Item> ready = new PriorityQueue<>(
                Comparator.<Item>comparingInt(item -> item.rank).thenComparing(item -> item.sortName)
                        .thenComparing(item -> item.key));
        items.values().stream().filter(item -> item.dependsOn.isEmpty()).forEach(ready::add);
        List<String> statements = new ArrayList<>();
        int emitted = 0;
        while (!ready.isEmpty()) {
            Item next = ready.poll();
            statements.addAll(next.statements);
            emitted++;
            for (Item dependent : dependents.getOrDefault(next.key, List.of())) {
                if (missing.merge(dependent.key, -1, Integer::sum) == 0) {
                    ready.add(dependent);
                }
            }
        }
        if (emitted < items.size()) {
            String cycle = items.values().stream().filter(item -> missing.get(item.key) > 0)
                    .map(item -> item.sortName).limit(10).collect(Collectors.joining(", "));
            throw new BackupException("ordering definitions", "circular dependencies between " + cycle, false);
        }
        statements.addAll(endOfPreData);
        for (Relation relation : sortedRelations()) {
            statements.addAll(relation.lateChecks);
        }
        return statements;
    }

    private List<Relation> sortedRelations() {
        return relations.values().stream()
                .sorted(Comparator.<Relation>comparingInt(r -> r.depth).thenComparing(r -> r.schema)
                        .thenComparing(r -> r.name))
                .toList();
    }

    // ---------------------------------------------------------------- data and post-data

    private List<TableData> tableData() {
        List<TableData> tables = new ArrayList<>();
        for (Relation relation : relations.values()) {
            if (relation.kind != 'r') {
                continue;
            }
            List<String> columns = relation.columns.stream()
                    .filter(column -> column.generated == null || column.generated.isEmpty())
                    .map(column -> column.name)
                    .toList();
            tables.add(new TableData(relation.schema, relation.name, columns));
        }
        return tables;
    }

    private void writeSequenceValues(List<String> postData) throws SQLException {
        String sql = "SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relkind = 'S' AND n.nspname = ANY (?) AND "
                + notExtensionMember("'pg_catalog.pg_class'::pg_catalog.regclass", "c.oid")
                + " ORDER BY n.nspname, c.relname";
        List<String> sequences = new ArrayList<>();
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                sequences.add(Sql.qualified(rs.getString(1), rs.getString(2)));
            }
        }
        for (String sequence : sequences) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT last_value, is_called FROM " + sequence); ResultSet rs = statement.executeQuery()) {
                rs.next();
                postData.add("SELECT pg_catalog.setval(" + Sql.literal(sequence) + ", " + rs.getLong(1) + ", "
                        + rs.getBoolean(2) + ");");
            }
        }
    }

    private void writeKeysAndIndexes(List<String> postData) throws SQLException {
        // Parents before partitions: an index on a partitioned table is created ON ONLY the parent, the partitions'
        // own indexes are then attached to it, as pg_dump does.
        TreeMap<Integer, List<String>> byDepth = new TreeMap<>();
        List<String> attachments = new ArrayList<>();
        List<String> tail = new ArrayList<>();
        String constraints = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), "
                + "pg_catalog.obj_description(c.oid, 'pg_constraint'), "
                + "(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname) "
                + "FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent "
                + "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE pi.inhrelid = c.conindid), "
                + "(SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname) "
                + "FROM pg_catalog.pg_class ic JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "WHERE ic.oid = c.conindid), i.indisclustered "
                + "FROM pg_catalog.pg_constraint c LEFT JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid "
                + "WHERE c.conrelid = ANY (?) AND c.contype IN ('p', 'u', 'x') "
                + "ORDER BY c.conrelid::pg_catalog.regclass::text, c.conname";
        try (PreparedStatement statement = prepareForRelations(constraints); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = relations.get(rs.getLong(1));
                String name = Sql.ident(rs.getString(2));
                List<String> bucket = byDepth.computeIfAbsent(table.depth, depth -> new ArrayList<>());
                bucket.add("ALTER TABLE ONLY " + table.qualified() + " ADD CONSTRAINT " + name + " "
                        + rs.getString(3) + ";");
                if (rs.getString(4) != null) {
                    bucket.add("COMMENT ON CONSTRAINT " + name + " ON " + table.qualified() + " IS "
                            + Sql.literal(rs.getString(4)) + ";");
                }
                if (rs.getString(5) != null) {
                    attachments.add("ALTER INDEX " + rs.getString(5) + " ATTACH PARTITION " + rs.getString(6) + ";");
                }
                if (rs.getBoolean(7)) {
                    tail.add("ALTER TABLE " + table.qualified() + " CLUSTER ON " + name + ";");
                }
            }
        }
        String indexes = "SELECT i.indrelid, pg_catalog.pg_get_indexdef(i.indexrelid), "
                + "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(ic.relname), "
                + "pg_catalog.obj_description(i.indexrelid, 'pg_class'), "
                + "(SELECT pg_catalog.quote_ident(pn.nspname) || '.' || pg_catalog.quote_ident(pc.relname) "
                + "FROM pg_catalog.pg_inherits pi JOIN pg_catalog.pg_class pc ON pc.oid = pi.inhparent "
                + "JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace WHERE pi.inhrelid = i.indexrelid), "
                + "i.indisclustered, pg_catalog.quote_ident(ic.relname) "
                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = ic.relnamespace "
                + "WHERE i.indrelid = ANY (?) AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint c "
                + "WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid AND c.contype IN ('p', 'u', 'x')) "
                + "ORDER BY i.indrelid::pg_catalog.regclass::text, ic.relname";
        try (PreparedStatement statement = prepareForRelations(indexes); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = relations.get(rs.getLong(1));
                List<String> bucket = byDepth.computeIfAbsent(table.depth, depth -> new ArrayList<>());
                bucket.add(rs.getString(2) + ";");
                if (rs.getString(4) != null) {
                    bucket.add("COMMENT ON INDEX " + rs.getString(3) + " IS " + Sql.literal(rs.getString(4)) + ";");
                }
                if (rs.getString(5) != null) {
                    attachments.add("ALTER INDEX " + rs.getString(5) + " ATTACH PARTITION " + rs.getString(3) + ";");
                }
                if (rs.getBoolean(6)) {
                    tail.add("ALTER TABLE " + table.qualified() + " CLUSTER ON " + rs.getString(7) + ";");
                }
            }
        }
        byDepth.values().forEach(postData::addAll);
        postData.addAll(attachments);
        postData.addAll(tail);
        for (Relation relation : sortedRelations()) {
            if (relation.kind == 'r' || relation.kind == 'p' || relation.kind == 'm') {
                replicaIdentity(relation, postData);
            }
        }
    }

    private void replicaIdentity(Relation relation, List<String> postData) throws SQLException {
        switch (relation.replicaIdentity) {
            case 'f' -> postData.add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY FULL;");
            case 'n' -> postData.add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY NOTHING;");
            case 'i' -> {
                try (PreparedStatement statement = connection
                        .prepareStatement("SELECT pg_catalog.quote_ident(c.relname) "
                                + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                                + "WHERE i.indrelid = ? AND i.indisreplident")) {
                    statement.setLong(1, relation.oid);
                    try (ResultSet rs = statement.executeQuery()) {
                        if (rs.next()) {
                            postData.add("ALTER TABLE ONLY " + relation.qualified() + " REPLICA IDENTITY USING INDEX "
                                    + rs.getString(1) + ";");
                        }
                    }
                }
            }
            default -> {
                // 'd': the default, nothing to write
            }
        }
    }

    private void writeForeignKeys(List<String> postData) throws SQLException {
        String sql = "SELECT c.conrelid, c.conname, pg_catalog.pg_get_constraintdef(c.oid), "
                + "pg_catalog.obj_description(c.oid, 'pg_constraint') FROM pg_catalog.pg_constraint c "
                + "WHERE c.conrelid = ANY (?) AND c.contype = 'f' AND c.conparentid = 0 "
                + "ORDER BY c.conrelid::pg_catalog.regclass::text, c.conname";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = relations.get(rs.getLong(1));
                String only = table.kind == 'p' ? "" : "ONLY ";
                postData.add("ALTER TABLE " + only + table.qualified() + " ADD CONSTRAINT " + Sql.ident(rs.getString(2))
                        + " " + rs.getString(3) + ";");
                if (rs.getString(4) != null) {
                    postData.add("COMMENT ON CONSTRAINT " + Sql.ident(rs.getString(2)) + " ON " + table.qualified()
                            + " IS " + Sql.literal(rs.getString(4)) + ";");
                }
            }
        }
        for (Relation relation : sortedRelations()) {
            postData.addAll(relation.constraintComments);
        }
    }

    private void writeTriggers(List<String> postData) throws SQLException {
        String sql = "SELECT t.tgrelid, pg_catalog.pg_get_triggerdef(t.oid, false), t.tgname, t.tgenabled, "
                + "pg_catalog.obj_description(t.oid, 'pg_trigger') FROM pg_catalog.pg_trigger t "
                + "WHERE t.tgrelid = ANY (?) AND NOT t.tgisinternal AND t.tgparentid = 0 "
                + "ORDER BY t.tgrelid::pg_catalog.regclass::text, t.tgname";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = relations.get(rs.getLong(1));
                String name = Sql.ident(rs.getString(3));
                postData.add(rs.getString(2) + ";");
                switch (rs.getString(4)) {
                    case "D" -> postData.add("ALTER TABLE " + table.qualified() + " DISABLE TRIGGER " + name + ";");
                    case "R" -> postData.add("ALTER TABLE " + table.qualified() + " ENABLE REPLICA TRIGGER " + name
                            + ";");
                    case "A" -> postData.add("ALTER TABLE " + table.qualified() + " ENABLE ALWAYS TRIGGER " + name
                            + ";");
                    default -> {
                        // 'O': enabled, the default
                    }
                }
                if (rs.getString(5) != null) {
                    postData.add("COMMENT ON TRIGGER " + name + " ON " + table.qualified() + " IS "
                            + Sql.literal(rs.getString(5)) + ";");
                }
            }
        }
    }

    private void writePolicies(List<String> postData) throws SQLException {
        for (Relation relation : sortedRelations()) {
            if (relation.rowSecurity) {
                postData.add("ALTER TABLE " + relation.qualified() + " ENABLE ROW LEVEL SECURITY;");
            }
            if (relation.forceRowSecurity) {
                postData.add("ALTER TABLE " + relation.qualified() + " FORCE ROW LEVEL SECURITY;");
            }
        }
        String sql = "SELECT p.polrelid, p.polname, p.polpermissive, p.polcmd, "
                + "CASE WHEN p.polroles = '{0}' THEN 'PUBLIC' ELSE (SELECT pg_catalog.string_agg("
                + "pg_catalog.quote_ident(r.rolname), ', ' ORDER BY r.rolname) FROM pg_catalog.pg_roles r "
                + "WHERE r.oid = ANY (p.polroles)) END, pg_catalog.pg_get_expr(p.polqual, p.polrelid), "
                + "pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), pg_catalog.obj_description(p.oid, 'pg_policy') "
                + "FROM pg_catalog.pg_policy p WHERE p.polrelid = ANY (?) "
                + "ORDER BY p.polrelid::pg_catalog.regclass::text, p.polname";
        try (PreparedStatement statement = prepareForRelations(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                Relation table = relations.get(rs.getLong(1));
                String command = switch (rs.getString(4)) {
                    case "r" -> "SELECT";
                    case "a" -> "INSERT";
                    case "w" -> "UPDATE";
                    case "d" -> "DELETE";
                    default -> "ALL";
                };
                StringBuilder ddl = new StringBuilder("CREATE POLICY ").append(Sql.ident(rs.getString(2)))
                        .append(" ON ").append(table.qualified())
                        .append(rs.getBoolean(3) ? " AS PERMISSIVE" : " AS RESTRICTIVE")
                        .append(" FOR ").append(command)
                        .append(" TO ").append(rs.getString(5));
                if (rs.getString(6) != null) {
                    ddl.append(" USING (").append(rs.getString(6)).append(")");
                }
                if (rs.getString(7) != null) {
                    ddl.append(" WITH CHECK (").append(rs.getString(7)).append(")");
                }
                postData.add(ddl.append(";").toString());
                if (rs.getString(8) != null) {
                    postData.add("COMMENT ON POLICY " + Sql.ident(rs.getString(2)) + " ON " + table.qualified()
                            + " IS " + Sql.literal(rs.getString(8)) + ";");
                }
            }
        }
    }

    private void writeStatistics(List<String> postData) throws SQLException {
        String sql = "SELECT pg_catalog.pg_get_statisticsobjdef(s.oid), n.nspname, s.stxname, "
                + "pg_catalog.pg_get_userbyid(s.stxowner) FROM pg_catalog.pg_statistic_ext s "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = s.stxnamespace WHERE n.nspname = ANY (?) "
                + "ORDER BY n.nspname, s.stxname";
        try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                postData.add(rs.getString(1) + ";");
                if (ownersAndPrivileges) {
                    postData.add("ALTER STATISTICS " + Sql.qualified(rs.getString(2), rs.getString(3)) + " OWNER TO "
                            + Sql.ident(rs.getString(4)) + ";");
                }
            }
        }
    }

    private void writeMaterializedViewRefreshes(List<String> postData, List<String> preData) {
        // Refresh in creation order, which already puts a view after the views it reads.
        List<Relation> populated = relations.values().stream()
                .filter(relation -> relation.kind == 'm' && relation.populated)
                .sorted(Comparator.comparingInt(relation -> indexOfCreation(preData, relation)))
                .toList();
        for (Relation view : populated) {
            postData.add("REFRESH MATERIALIZED VIEW " + view.qualified() + ";");
        }
    }

    private static int indexOfCreation(List<String> preData, Relation view) {
        String prefix = "CREATE MATERIALIZED VIEW " + view.qualified() + " ";
        for (int i = 0; i < preData.size(); i++) {
            if (preData.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return Integer.MAX_VALUE;
    }
}
