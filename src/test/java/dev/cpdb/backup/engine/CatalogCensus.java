package dev.cpdb.backup.engine;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import org.junit.jupiter.api.Assertions;

import dev.cpdb.database.DatabaseUrl;
import dev.cpdb.testing.TestPostgres;

/**
 * A census of a database's catalogs, for round-trip tests: every object reachable from the selected schemas, written
 * as one line of text per object, named by identity (never by oid, which a restore changes) and grouped into
 * sections, mostly one per catalog. Two censuses of equal databases are equal; {@link #assertSame} shows the lines
 * only one side has.
 *
 * <p>
 * Three layers, so that an object kind nobody listed still changes the census:
 * <ul>
 * <li>per catalog, the properties a definition carries, read with the server's own deparse functions
 * ({@code pg_get_*def}, {@code format_type}, {@code pg_describe_object});</li>
 * <li>for every {@code pg_catalog} table that has a {@code *namespace} column (found in {@code pg_attribute}, so a
 * catalog added by a later PostgreSQL is counted too), the identity of each row in the selected schemas;</li>
 * <li>every dependency ({@code pg_depend}) of a user object on an object in the selected schemas or of such an object,
 * which reaches the objects that have no schema (triggers, rules, casts, publications' tables, ...).</li>
 * </ul>
 * Database-wide objects (wrappers, servers, user mappings, publications, subscriptions, languages, extensions, event
 * triggers whose function is in a selected schema, large objects with a hash of their contents) are counted whole.
 * Owners and privileges are part of the census only when asked for, since a backup without them restores every object
 * as the restoring role.
 */
public final class CatalogCensus {

    /** The oid below which every object was created by initdb, as PostgreSQL's {@code FirstNormalObjectId}. */
    private static final int FIRST_USER_OID = 16384;

    /** Lines per section the failure message shows, so a wholly missing schema still gives a readable message. */
    private static final int SHOWN = 40;

    private final SortedMap<String, List<String>> sections;

    private CatalogCensus(SortedMap<String, List<String>> sections) {
        this.sections = sections;
    }

    /** Census of every non-system schema that is not an extension's, without owners and privileges. */
    public static CatalogCensus take(DatabaseUrl url) throws SQLException {
        try (Connection connection = TestPostgres.connect(url)) {
            return take(connection, userSchemas(connection), false);
        }
    }

    /** Census of the given schemas, with or without owners and privileges. */
    public static CatalogCensus take(DatabaseUrl url, List<String> schemas, boolean ownersAndPrivileges)
            throws SQLException {
        try (Connection connection = TestPostgres.connect(url)) {
            return take(connection, schemas, ownersAndPrivileges);
        }
    }

    /** Census of every non-system schema that is not an extension's, with or without owners and privileges. */
    public static CatalogCensus take(DatabaseUrl url, boolean ownersAndPrivileges) throws SQLException {
        try (Connection connection = TestPostgres.connect(url)) {
            return take(connection, userSchemas(connection), ownersAndPrivileges);
        }
    }

    /**
     * Schemas a census covers by default: all but {@code pg_*}, {@code information_schema} and schemas an extension
     * created. Written here rather than taken from the engine, so that the census stays an independent oracle.
     */
    public static List<String> userSchemas(Connection connection) throws SQLException {
        List<String> schemas = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT n.nspname FROM pg_catalog.pg_namespace n "
                        + "WHERE n.nspname !~ '^pg_' AND n.nspname <> 'information_schema' AND NOT EXISTS ("
                        + "SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_namespace'::"
                        + "pg_catalog.regclass AND d.objid = n.oid AND d.deptype = 'e') ORDER BY 1")) {
            while (rs.next()) {
                schemas.add(rs.getString(1));
            }
        }
        return schemas;
    }

    private static CatalogCensus take(Connection connection, List<String> schemas, boolean ownersAndPrivileges)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try {
            try (Statement statement = connection.createStatement()) {
                // One snapshot for all sections; an empty search_path makes every deparsed name schema-qualified.
                statement.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                statement.execute("SELECT pg_catalog.set_config('search_path', '', true)");
            }
            Reader reader = new Reader(connection, schemas, ownersAndPrivileges);
            reader.readAll();
            return new CatalogCensus(reader.sections);
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    /** Section name to its lines, sorted. */
    public SortedMap<String, List<String>> sections() {
        return Collections.unmodifiableSortedMap(sections);
    }

    /** Lines of one section (empty when the database has nothing of it). */
    public List<String> section(String name) {
        return sections.getOrDefault(name, List.of());
    }

    /** Number of lines per section. */
    public Map<String, Integer> counts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        sections.forEach((name, lines) -> counts.put(name, lines.size()));
        return counts;
    }

    /**
     * What differs between this census (the source) and {@code restored}: per section the counts and the lines only
     * one side has. Empty when both are equal.
     */
    public String differences(CatalogCensus restored) {
        StringBuilder text = new StringBuilder();
        Set<String> names = new TreeSet<>(sections.keySet());
        names.addAll(restored.sections.keySet());
        for (String name : names) {
            List<String> source = section(name);
            List<String> target = restored.section(name);
            if (source.equals(target)) {
                continue;
            }
            text.append(name).append(": ").append(source.size()).append(" in the source, ").append(target.size())
                    .append(" restored\n");
            appendOnlyIn(text, "  - only in the source:   ", source, target);
            appendOnlyIn(text, "  + only in the restored: ", target, source);
        }
        return text.toString();
    }

    /** Fails with the readable differences unless both censuses are equal. */
    public static void assertSame(CatalogCensus source, CatalogCensus restored) {
        String differences = source.differences(restored);
        if (!differences.isEmpty()) {
            Assertions.fail("the catalog census of the restored database differs from the source's:\n" + differences);
        }
    }

    /** Appends the lines of {@code from} not matched in {@code other}, counting repeated lines as a multiset. */
    private static void appendOnlyIn(StringBuilder text, String prefix, List<String> from, List<String> other) {
        Map<String, Integer> remaining = new TreeMap<>();
        for (String line : other) {
            remaining.merge(line, 1, Integer::sum);
        }
        int shown = 0;
        int hidden = 0;
        for (String line : from) {
            Integer left = remaining.get(line);
            if (left != null && left > 0) {
                remaining.put(line, left - 1);
                continue;
            }
            if (shown < SHOWN) {
                text.append(prefix).append(line).append('\n');
                shown++;
            } else {
                hidden++;
            }
        }
        if (hidden > 0) {
            text.append("  ... and ").append(hidden).append(" more\n");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CatalogCensus census && census.sections.equals(sections);
    }

    @Override
    public int hashCode() {
        return sections.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        sections.forEach((name, lines) -> {
            text.append(name).append(" (").append(lines.size()).append(")\n");
            lines.forEach(line -> text.append("  ").append(line).append('\n'));
        });
        return text.toString();
    }

    /** Runs the census queries inside the caller's snapshot. */
    private static final class Reader {

        /**
         * Prefix of every query: the selected schemas, bound as the single parameter. Everything else in the queries is
         * the server's catalog, so that the census does not share a line of SQL with the engine it checks.
         */
        private static final String SELECTED = "WITH selected AS (SELECT oid, nspname::text AS name FROM "
                + "pg_catalog.pg_namespace WHERE nspname = ANY (?::text[])) ";

        private final Connection connection;
        private final List<String> schemas;
        private final boolean ownersAndPrivileges;
        final SortedMap<String, List<String>> sections = new TreeMap<>();

        Reader(Connection connection, List<String> schemas, boolean ownersAndPrivileges) {
            this.connection = connection;
            this.schemas = schemas;
            this.ownersAndPrivileges = ownersAndPrivileges;
        }

        void readAll() throws SQLException {
            readSchemaObjects();
            readGlobalObjects();
            readGenericNamespaceCatalogs();
            readDependencies();
            readExtensionConfigurationRows();
            readLargeObjects();
            if (ownersAndPrivileges) {
                readPrivileges();
            }
            sections.values().forEach(Collections::sort);
        }

        /** {@code ' owner=... acl=...'} of a row, when the census covers owners and privileges. */
        private String owned(String owner, String acl) {
            if (!ownersAndPrivileges) {
                return "";
            }
            return " || ' owner=' || pg_catalog.pg_get_userbyid(" + owner + ")::text || ' acl=' || coalesce(" + acl
                    + "::text, '-')";
        }

        /** Whitespace folded, so multi-line definitions stay one line of the census. */
        private static String oneLine(String expression) {
            return "pg_catalog.regexp_replace(" + expression + ", '\\s+', ' ', 'g')";
        }

        private void readSchemaObjects() throws SQLException {
            section("pg_namespace", "SELECT s.name" + owned("n.nspowner", "n.nspacl")
                    + " FROM selected s JOIN pg_catalog.pg_namespace n ON n.oid = s.oid");
            section("pg_class", "SELECT pg_catalog.format('%s persistence=%s am=%s options=%s rls=%s/%s replident=%s "
                    + "populated=%s partition=%s partkey=%s oftype=%s view=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_class'::pg_catalog.regclass, c.oid, 0), "
                    + "c.relpersistence, am.amname, c.reloptions, c.relrowsecurity, c.relforcerowsecurity, "
                    + "c.relreplident, c.relispopulated, pg_catalog.pg_get_expr(c.relpartbound, c.oid), "
                    + "CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END, "
                    + "CASE WHEN c.reloftype <> 0 THEN c.reloftype::pg_catalog.regtype::text END, "
                    + "CASE WHEN c.relkind IN ('v', 'm') THEN " + oneLine("pg_catalog.pg_get_viewdef(c.oid)")
                    + " END)" + owned("c.relowner", "c.relacl")
                    + " FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_am am ON am.oid = c.relam "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected)");
            section("pg_sequence", "SELECT pg_catalog.format('%s type=%s start=%s min=%s max=%s increment=%s "
                    + "cycle=%s cache=%s last=%s', pg_catalog.quote_ident(q.schemaname) || '.' || "
                    + "pg_catalog.quote_ident(q.sequencename), q.data_type, q.start_value, q.min_value, q.max_value, "
                    + "q.increment_by, q.cycle, q.cache_size, q.last_value) FROM pg_catalog.pg_sequences q "
                    + "WHERE q.schemaname IN (SELECT name FROM selected)");
            // Columns are named by position among the live ones: a restore drops the holes dropped columns leave.
            section("pg_attribute", "SELECT pg_catalog.format('%s.%s #%s type=%s notnull=%s default=%s identity=%s "
                    + "generated=%s collation=%s local=%s inherited=%s statistics=%s storage=%s compression=%s "
                    + "options=%s fdwoptions=%s', c.oid::pg_catalog.regclass, pg_catalog.quote_ident(a.attname), "
                    + "pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum), "
                    + "pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, "
                    + "pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, a.attgenerated, "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_collation'::pg_catalog.regclass, a.attcollation, 0), "
                    + "a.attislocal, a.attinhcount, a.attstattarget, a.attstorage, a.attcompression, "
                    // The PostgreSQL 18.7 binaries keep an attribute version of their own among the options.
                    + "(SELECT pg_catalog.array_agg(o) FROM pg_catalog.unnest(a.attoptions) o WHERE o !~ '^pg_attver='), "
                    + "a.attfdwoptions)" + (ownersAndPrivileges ? " || ' acl=' || coalesce(a.attacl::text, '-')" : "")
                    + " FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
                    + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected) AND a.attnum > 0 AND NOT a.attisdropped "
                    + "AND c.relkind <> 'S'");
            section("pg_inherits", "SELECT pg_catalog.format('%s inherits %s #%s detaching=%s', "
                    + "i.inhrelid::pg_catalog.regclass, i.inhparent::pg_catalog.regclass, i.inhseqno, "
                    + "i.inhdetachpending) FROM pg_catalog.pg_inherits i JOIN pg_catalog.pg_class c "
                    + "ON c.oid = i.inhrelid WHERE c.relnamespace IN (SELECT oid FROM selected)");
            // NO INHERIT means something for check and (PostgreSQL 18) not-null constraints only; on keys it depends
            // on how they were created (a partition's key attached to its parent's differs from one cloned from it,
            // also after pg_dump). The definition shows NOT ENFORCED and PERIOD too.
            section("pg_constraint", "SELECT pg_catalog.format('%s: %s local=%s inherited=%s validated=%s "
                    + "noinherit=%s', pg_catalog.pg_describe_object('pg_catalog.pg_constraint'::pg_catalog.regclass, "
                    + "o.oid, 0), pg_catalog.pg_get_constraintdef(o.oid), o.conislocal, o.coninhcount, "
                    + "o.convalidated, CASE WHEN o.contype IN ('c', 'n') THEN o.connoinherit END) "
                    + "FROM pg_catalog.pg_constraint o "
                    + "WHERE o.connamespace IN (SELECT oid FROM selected)");
            section("pg_index", "SELECT pg_catalog.format('%s clustered=%s replident=%s valid=%s', "
                    + "pg_catalog.pg_get_indexdef(i.indexrelid), i.indisclustered, i.indisreplident, i.indisvalid) "
                    + "FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected)");
            section("pg_trigger", "SELECT pg_catalog.format('%s enabled=%s', pg_catalog.pg_get_triggerdef(t.oid), "
                    + "t.tgenabled) FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected) AND NOT t.tgisinternal");
            section("pg_rewrite", "SELECT pg_catalog.format('%s enabled=%s', "
                    + oneLine("pg_catalog.pg_get_ruledef(r.oid)") + ", r.ev_enabled) FROM pg_catalog.pg_rewrite r "
                    + "JOIN pg_catalog.pg_class c ON c.oid = r.ev_class "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected)");
            section("pg_policy", "SELECT pg_catalog.format('%s command=%s permissive=%s roles=%s using=%s check=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_policy'::pg_catalog.regclass, p.oid, 0), "
                    + "p.polcmd, p.polpermissive, (SELECT pg_catalog.string_agg(CASE WHEN r = 0 THEN 'public' "
                    + "ELSE pg_catalog.pg_get_userbyid(r)::text END, ',' ORDER BY r) FROM pg_catalog.unnest(p.polroles) r), "
                    + "pg_catalog.pg_get_expr(p.polqual, p.polrelid), pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)) "
                    + "FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_class c ON c.oid = p.polrelid "
                    + "WHERE c.relnamespace IN (SELECT oid FROM selected)");
            section("pg_statistic_ext", "SELECT pg_catalog.format('%s target=%s', "
                    + "pg_catalog.pg_get_statisticsobjdef(s.oid), s.stxstattarget) FROM pg_catalog.pg_statistic_ext s "
                    + "WHERE s.stxnamespace IN (SELECT oid FROM selected)");
            section("pg_type", "SELECT pg_catalog.format('%s type=%s category=%s preferred=%s length=%s byvalue=%s "
                    + "align=%s storage=%s delimiter=%s notnull=%s base=%s default=%s collation=%s element=%s "
                    + "io=%s,%s,%s,%s,%s,%s,%s,%s enum=%s range=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_type'::pg_catalog.regclass, t.oid, 0), t.typtype, "
                    + "t.typcategory, t.typispreferred, t.typlen, t.typbyval, t.typalign, t.typstorage, t.typdelim, "
                    + "t.typnotnull, CASE WHEN t.typbasetype <> 0 THEN pg_catalog.format_type(t.typbasetype, "
                    + "t.typtypmod) END, t.typdefault, pg_catalog.pg_describe_object("
                    + "'pg_catalog.pg_collation'::pg_catalog.regclass, t.typcollation, 0), CASE WHEN t.typelem <> 0 "
                    + "THEN pg_catalog.format_type(t.typelem, NULL) END, t.typinput, t.typoutput, t.typreceive, "
                    + "t.typsend, t.typmodin, t.typmodout, t.typanalyze, t.typsubscript, "
                    + "(SELECT pg_catalog.string_agg(pg_catalog.quote_literal(e.enumlabel), ',' ORDER BY e.enumsortorder) "
                    + "FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid), "
                    + "(SELECT pg_catalog.concat_ws(',', pg_catalog.format_type(r.rngsubtype, NULL), "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_opclass'::pg_catalog.regclass, r.rngsubopc, 0), "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_collation'::pg_catalog.regclass, r.rngcollation, 0), "
                    + "r.rngcanonical, r.rngsubdiff, pg_catalog.format_type(r.rngmultitypid, NULL)) "
                    + "FROM pg_catalog.pg_range r WHERE r.rngtypid = t.oid))" + owned("t.typowner", "t.typacl")
                    + " FROM pg_catalog.pg_type t WHERE t.typnamespace IN (SELECT oid FROM selected)");
            section("pg_proc", "SELECT pg_catalog.format('%s kind=%s language=%s returns=%s arguments=%s "
                    + "volatility=%s strict=%s definer=%s leakproof=%s parallel=%s cost=%s rows=%s support=%s "
                    + "config=%s body=%s', pg_catalog.pg_describe_object('pg_catalog.pg_proc'::pg_catalog.regclass, "
                    + "p.oid, 0), p.prokind, l.lanname, pg_catalog.pg_get_function_result(p.oid), "
                    + "pg_catalog.pg_get_function_arguments(p.oid), p.provolatile, p.proisstrict, p.prosecdef, "
                    + "p.proleakproof, p.proparallel, p.procost, p.prorows, p.prosupport, p.proconfig, "
                    + "pg_catalog.md5(pg_catalog.concat_ws('/', p.prosrc, p.probin, "
                    + "pg_catalog.pg_get_function_sqlbody(p.oid))))" + owned("p.proowner", "p.proacl")
                    + " FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
                    + "WHERE p.pronamespace IN (SELECT oid FROM selected)");
            section("pg_aggregate", "SELECT pg_catalog.format('%s kind=%s direct=%s transition=%s final=%s "
                    + "combine=%s serial=%s deserial=%s moving=%s,%s,%s finalextra=%s,%s finalmodify=%s,%s "
                    + "sortop=%s state=%s,%s,%s,%s initial=%s,%s', a.aggfnoid::pg_catalog.regprocedure, a.aggkind, "
                    + "a.aggnumdirectargs, a.aggtransfn, a.aggfinalfn, a.aggcombinefn, a.aggserialfn, "
                    + "a.aggdeserialfn, a.aggmtransfn, a.aggminvtransfn, a.aggmfinalfn, a.aggfinalextra, "
                    + "a.aggmfinalextra, a.aggfinalmodify, a.aggmfinalmodify, "
                    + "CASE WHEN a.aggsortop <> 0 THEN a.aggsortop::pg_catalog.regoperator::text END, "
                    + "pg_catalog.format_type(a.aggtranstype, NULL), a.aggtransspace, "
                    + "pg_catalog.format_type(NULLIF(a.aggmtranstype, 0), NULL), a.aggmtransspace, "
                    + "pg_catalog.quote_nullable(a.agginitval), pg_catalog.quote_nullable(a.aggminitval)) "
                    + "FROM pg_catalog.pg_aggregate a JOIN pg_catalog.pg_proc p ON p.oid = a.aggfnoid "
                    + "WHERE p.pronamespace IN (SELECT oid FROM selected)");
            section("pg_operator", "SELECT pg_catalog.format('%s kind=%s result=%s function=%s restrict=%s join=%s "
                    + "commutator=%s negator=%s merges=%s hashes=%s', o.oid::pg_catalog.regoperator, o.oprkind, "
                    + "pg_catalog.format_type(o.oprresult, NULL), o.oprcode::pg_catalog.regprocedure, "
                    + "NULLIF(o.oprrest, 0)::pg_catalog.regprocedure, NULLIF(o.oprjoin, 0)::pg_catalog.regprocedure, "
                    + "NULLIF(o.oprcom, 0)::pg_catalog.regoperator, NULLIF(o.oprnegate, 0)::pg_catalog.regoperator, "
                    + "o.oprcanmerge, o.oprcanhash)" + owned("o.oprowner", "NULL")
                    + " FROM pg_catalog.pg_operator o WHERE o.oprnamespace IN (SELECT oid FROM selected)");
            section("pg_opclass", "SELECT pg_catalog.format('%s family=%s type=%s default=%s storage=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_opclass'::pg_catalog.regclass, o.oid, 0), "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_opfamily'::pg_catalog.regclass, o.opcfamily, 0), "
                    + "pg_catalog.format_type(o.opcintype, NULL), o.opcdefault, "
                    + "pg_catalog.format_type(NULLIF(o.opckeytype, 0), NULL)) FROM pg_catalog.pg_opclass o "
                    + "WHERE o.opcnamespace IN (SELECT oid FROM selected)");
            section("pg_amop", "SELECT pg_catalog.format('%s purpose=%s sortfamily=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_amop'::pg_catalog.regclass, o.oid, 0), "
                    + "o.amoppurpose, pg_catalog.pg_describe_object('pg_catalog.pg_opfamily'::pg_catalog.regclass, "
                    + "o.amopsortfamily, 0)) FROM pg_catalog.pg_amop o JOIN pg_catalog.pg_opfamily f "
                    + "ON f.oid = o.amopfamily WHERE f.opfnamespace IN (SELECT oid FROM selected)");
            section("pg_amproc", "SELECT pg_catalog.pg_describe_object('pg_catalog.pg_amproc'::pg_catalog.regclass, "
                    + "o.oid, 0) FROM pg_catalog.pg_amproc o JOIN pg_catalog.pg_opfamily f ON f.oid = o.amprocfamily "
                    + "WHERE f.opfnamespace IN (SELECT oid FROM selected)");
            // The collation's columns change between majors (locale columns were renamed and added), so all of them.
            section("pg_collation", "SELECT pg_catalog.pg_describe_object('pg_catalog.pg_collation'::"
                    + "pg_catalog.regclass, c.oid, 0) || ' ' || (pg_catalog.to_jsonb(c) - 'oid' - 'collname' - "
                    + "'collnamespace' - 'collowner')::text FROM pg_catalog.pg_collation c "
                    + "WHERE c.collnamespace IN (SELECT oid FROM selected)");
            section("pg_conversion", "SELECT pg_catalog.format('%s from=%s to=%s function=%s default=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_conversion'::pg_catalog.regclass, c.oid, 0), "
                    + "pg_catalog.pg_encoding_to_char(c.conforencoding), pg_catalog.pg_encoding_to_char(c.contoencoding), "
                    + "c.conproc::pg_catalog.regprocedure, c.condefault) FROM pg_catalog.pg_conversion c "
                    + "WHERE c.connamespace IN (SELECT oid FROM selected)");
            section("pg_ts_parser", "SELECT pg_catalog.format('%s start=%s token=%s end=%s headline=%s lextypes=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_parser'::pg_catalog.regclass, p.oid, 0), "
                    + "p.prsstart, p.prstoken, p.prsend, p.prsheadline, p.prslextype) FROM pg_catalog.pg_ts_parser p "
                    + "WHERE p.prsnamespace IN (SELECT oid FROM selected)");
            section("pg_ts_template", "SELECT pg_catalog.format('%s init=%s lexize=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_template'::pg_catalog.regclass, t.oid, 0), "
                    + "t.tmplinit, t.tmpllexize) FROM pg_catalog.pg_ts_template t "
                    + "WHERE t.tmplnamespace IN (SELECT oid FROM selected)");
            section("pg_ts_dict", "SELECT pg_catalog.format('%s template=%s options=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_dict'::pg_catalog.regclass, d.oid, 0), "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_template'::pg_catalog.regclass, d.dicttemplate, 0), "
                    + "d.dictinitoption) FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace IN (SELECT oid FROM selected)");
            section("pg_ts_config", "SELECT pg_catalog.format('%s parser=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_config'::pg_catalog.regclass, c.oid, 0), "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_ts_parser'::pg_catalog.regclass, c.cfgparser, 0)) "
                    + "FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace IN (SELECT oid FROM selected)");
            section("pg_ts_config_map", "SELECT pg_catalog.format('%s token=%s #%s dictionary=%s', "
                    + "c.oid::pg_catalog.regconfig, (SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) t "
                    + "WHERE t.tokid = m.maptokentype), m.mapseqno, m.mapdict::pg_catalog.regdictionary) "
                    + "FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg "
                    + "WHERE c.cfgnamespace IN (SELECT oid FROM selected)");
            // Casts and transforms have no schema: those touching a selected schema's type or function.
            section("pg_cast", "SELECT pg_catalog.format('%s function=%s context=%s method=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_cast'::pg_catalog.regclass, c.oid, 0), "
                    + "NULLIF(c.castfunc, 0)::pg_catalog.regprocedure, c.castcontext, c.castmethod) "
                    + "FROM pg_catalog.pg_cast c WHERE c.oid >= " + FIRST_USER_OID + " AND ("
                    + "EXISTS (SELECT 1 FROM pg_catalog.pg_type t WHERE t.oid IN (c.castsource, c.casttarget) AND "
                    + "t.typnamespace IN (SELECT oid FROM selected)) OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p "
                    + "WHERE p.oid = c.castfunc AND p.pronamespace IN (SELECT oid FROM selected)))");
            section("pg_transform", "SELECT pg_catalog.format('%s from=%s to=%s', "
                    + "pg_catalog.pg_describe_object('pg_catalog.pg_transform'::pg_catalog.regclass, t.oid, 0), "
                    + "NULLIF(t.trffromsql, 0)::pg_catalog.regprocedure, NULLIF(t.trftosql, 0)::pg_catalog.regprocedure) "
                    + "FROM pg_catalog.pg_transform t WHERE t.oid >= " + FIRST_USER_OID);
            // Comments and security labels on user objects in the selected schemas or on database-wide objects.
            String describedObject = "(pg_catalog.pg_identify_object(d.classoid, d.objoid, 0)).schema";
            String inScope = " WHERE d.objoid >= " + FIRST_USER_OID + " AND CASE WHEN d.classoid = "
                    + "'pg_catalog.pg_namespace'::pg_catalog.regclass THEN d.objoid IN (SELECT oid FROM selected) "
                    + "ELSE " + describedObject + " IS NULL OR " + describedObject
                    + " IN (SELECT name FROM selected) END";
            section("pg_description", "SELECT pg_catalog.format('%s: %s', pg_catalog.pg_describe_object(d.classoid, "
                    + "d.objoid, d.objsubid), pg_catalog.quote_literal(d.description)) FROM pg_catalog.pg_description d"
                    + inScope);
            section("pg_seclabel", "SELECT pg_catalog.format('%s: %s %s', pg_catalog.pg_describe_object(d.classoid, "
                    + "d.objoid, d.objsubid), d.provider, pg_catalog.quote_literal(d.label)) "
                    + "FROM pg_catalog.pg_seclabel d" + inScope);
        }

        private void readGlobalObjects() throws SQLException {
            section("pg_extension", "SELECT pg_catalog.format('%s version=%s schema=%s relocatable=%s "
                    + "configuration=%s', e.extname, e.extversion, e.extnamespace::pg_catalog.regnamespace, "
                    + "e.extrelocatable, (SELECT pg_catalog.string_agg(c.t::pg_catalog.regclass::text || ' ' || "
                    + "pg_catalog.quote_literal(coalesce((e.extcondition)[c.i], '')), ', ' ORDER BY c.i) "
                    + "FROM pg_catalog.unnest(e.extconfig) WITH ORDINALITY c(t, i)))" + owned("e.extowner", "NULL")
                    + " FROM pg_catalog.pg_extension e");
            section("pg_language", "SELECT pg_catalog.format('%s trusted=%s procedural=%s handler=%s inline=%s "
                    + "validator=%s', l.lanname, l.lanpltrusted, l.lanispl, "
                    + "NULLIF(l.lanplcallfoid, 0)::pg_catalog.regprocedure, NULLIF(l.laninline, 0)::pg_catalog.regprocedure, "
                    + "NULLIF(l.lanvalidator, 0)::pg_catalog.regprocedure)" + owned("l.lanowner", "l.lanacl")
                    + " FROM pg_catalog.pg_language l");
            section("pg_event_trigger", "SELECT pg_catalog.format('%s event=%s function=%s enabled=%s tags=%s', "
                    + "e.evtname, e.evtevent, e.evtfoid::pg_catalog.regprocedure, e.evtenabled, e.evttags)"
                    + owned("e.evtowner", "NULL") + " FROM pg_catalog.pg_event_trigger e JOIN pg_catalog.pg_proc p "
                    + "ON p.oid = e.evtfoid WHERE p.pronamespace IN (SELECT oid FROM selected)");
            section("pg_foreign_data_wrapper", "SELECT pg_catalog.format('%s handler=%s validator=%s options=%s', "
                    + "w.fdwname, NULLIF(w.fdwhandler, 0)::pg_catalog.regprocedure, "
                    + "NULLIF(w.fdwvalidator, 0)::pg_catalog.regprocedure, w.fdwoptions)"
                    + owned("w.fdwowner", "w.fdwacl")
                    + " FROM pg_catalog.pg_foreign_data_wrapper w");
            section("pg_foreign_server", "SELECT pg_catalog.format('%s wrapper=%s type=%s version=%s options=%s', "
                    + "s.srvname, w.fdwname, s.srvtype, s.srvversion, s.srvoptions)" + owned("s.srvowner", "s.srvacl")
                    + " FROM pg_catalog.pg_foreign_server s JOIN pg_catalog.pg_foreign_data_wrapper w "
                    + "ON w.oid = s.srvfdw");
            section("pg_user_mapping", "SELECT pg_catalog.format('%s for %s options=%s', u.srvname, u.usename, "
                    + "u.umoptions) FROM pg_catalog.pg_user_mappings u");
            section("pg_foreign_table", "SELECT pg_catalog.format('%s server=%s options=%s', "
                    + "f.ftrelid::pg_catalog.regclass, s.srvname, f.ftoptions) FROM pg_catalog.pg_foreign_table f "
                    + "JOIN pg_catalog.pg_foreign_server s ON s.oid = f.ftserver JOIN pg_catalog.pg_class c "
                    + "ON c.oid = f.ftrelid WHERE c.relnamespace IN (SELECT oid FROM selected)");
            // Every column but the oids, so that an option a later PostgreSQL adds is counted too.
            section("pg_publication", "SELECT p.pubname || ' ' || (pg_catalog.to_jsonb(p) - 'oid' - 'pubname' - "
                    + "'pubowner')::text" + owned("p.pubowner", "NULL") + " FROM pg_catalog.pg_publication p");
            section("pg_publication_rel", "SELECT pg_catalog.format('%s: %s columns=%s where=%s', p.pubname, "
                    + "r.prrelid::pg_catalog.regclass, (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), "
                    + "',' ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = r.prrelid AND "
                    + "a.attnum = ANY (r.prattrs)), pg_catalog.pg_get_expr(r.prqual, r.prrelid)) "
                    + "FROM pg_catalog.pg_publication_rel r JOIN pg_catalog.pg_publication p ON p.oid = r.prpubid");
            section("pg_publication_namespace", "SELECT pg_catalog.format('%s: schema %s', p.pubname, "
                    + "n.pnnspid::pg_catalog.regnamespace) FROM pg_catalog.pg_publication_namespace n "
                    + "JOIN pg_catalog.pg_publication p ON p.oid = n.pnpubid");
            section("pg_subscription", "SELECT pg_catalog.format('%s enabled=%s publications=%s slot=%s', "
                    + "s.subname, s.subenabled, s.subpublications, s.subslotname) FROM pg_catalog.pg_subscription s "
                    + "WHERE s.subdbid = (SELECT oid FROM pg_catalog.pg_database WHERE datname = "
                    + "pg_catalog.current_database())");
        }

        /**
         * Every row in the selected schemas of every catalog with a {@code *namespace} column, found in
         * {@code pg_attribute}, so that a catalog this class does not know is counted too.
         */
        private void readGenericNamespaceCatalogs() throws SQLException {
            Map<String, String> catalogs = new TreeMap<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT c.relname, a.attname FROM pg_catalog.pg_attribute a "
                            + "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid WHERE c.relnamespace = "
                            + "'pg_catalog'::pg_catalog.regnamespace AND c.relkind = 'r' AND a.attname ~ 'namespace$' "
                            + "AND a.atttypid = 'pg_catalog.oid'::pg_catalog.regtype AND EXISTS (SELECT 1 FROM "
                            + "pg_catalog.pg_attribute o WHERE o.attrelid = c.oid AND o.attname = 'oid')")) {
                while (rs.next()) {
                    catalogs.put(rs.getString(1), rs.getString(2));
                }
            }
            for (Map.Entry<String, String> catalog : catalogs.entrySet()) {
                String table = "pg_catalog." + catalog.getKey();
                section("in schemas: " + catalog.getKey(), "SELECT pg_catalog.pg_describe_object('" + table
                        + "'::pg_catalog.regclass, t.oid, 0) FROM " + table + " t WHERE t." + catalog.getValue()
                        + " IN (SELECT oid FROM selected)");
            }
        }

        /**
         * Every dependency of a user object on an object in the selected schemas, or of such an object, one section
         * per catalog of the dependent object. Toast tables are left out and the oid in the names of foreign keys'
         * internal triggers is dropped: both are named after oids, which a restore changes.
         */
        private void readDependencies() throws SQLException {
            String schemaOf = "(pg_catalog.pg_identify_object(%s, %s, 0)).schema";
            String dependent = String.format(schemaOf, "d.classid", "d.objid");
            String referenced = String.format(schemaOf, "d.refclassid", "d.refobjid");
            sectionsFromRows("SELECT 'depends: ' || d.classid::pg_catalog.regclass::text, pg_catalog.format('%s "
                    + "-%s-> %s', pg_catalog.regexp_replace(pg_catalog.pg_describe_object(d.classid, d.objid, "
                    + "d.objsubid), '^trigger RI_ConstraintTrigger_([ac])_[0-9]+ ', 'trigger RI_ConstraintTrigger_\\1 '), "
                    + "d.deptype, pg_catalog.pg_describe_object(d.refclassid, d.refobjid, d.refobjsubid)) "
                    + "FROM pg_catalog.pg_depend d WHERE d.objid >= " + FIRST_USER_OID + " AND ("
                    + "(d.refclassid = 'pg_catalog.pg_namespace'::pg_catalog.regclass AND d.refobjid IN "
                    + "(SELECT oid FROM selected)) OR " + referenced + " IN (SELECT name FROM selected) OR "
                    + dependent + " IN (SELECT name FROM selected)) AND " + dependent
                    + " IS DISTINCT FROM 'pg_toast' AND " + referenced + " IS DISTINCT FROM 'pg_toast'");
        }

        /** The rows of each extension's configuration tables, as a count and a hash of their sorted text. */
        private void readExtensionConfigurationRows() throws SQLException {
            List<String> tables = new ArrayList<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs = statement.executeQuery("SELECT c.t::pg_catalog.regclass::text FROM "
                            + "pg_catalog.pg_extension e, pg_catalog.unnest(e.extconfig) c(t) JOIN pg_catalog.pg_class r "
                            + "ON r.oid = c.t WHERE r.relkind IN ('r', 'p') ORDER BY 1")) {
                while (rs.next()) {
                    tables.add(rs.getString(1));
                }
            }
            List<String> lines = new ArrayList<>();
            for (String table : tables) {
                try (Statement statement = connection.createStatement();
                        ResultSet rs = statement.executeQuery("SELECT pg_catalog.count(*) || ' rows, md5 ' || "
                                + "pg_catalog.md5(coalesce(pg_catalog.string_agg(t::text, E'\\n' ORDER BY t::text), "
                                + "'')) FROM " + table + " t")) {
                    rs.next();
                    lines.add(table + ": " + rs.getString(1));
                }
            }
            if (!lines.isEmpty()) {
                sections.put("extension configuration rows", lines);
            }
        }

        /**
         * Large objects by oid (which a restore keeps, as tables refer to them by it) with their size and a hash
         * of their contents, read a megabyte at a time so that a large one does not need its whole size in memory.
         */
        private void readLargeObjects() throws SQLException {
            section("pg_largeobject_metadata", "SELECT pg_catalog.format('large object %s size=%s md5=%s', m.oid, "
                    + "s.size, (SELECT pg_catalog.md5(pg_catalog.string_agg(pg_catalog.md5(pg_catalog.lo_get(m.oid, "
                    + "g, 1048576)), '' ORDER BY g)) FROM pg_catalog.generate_series(0::bigint, s.size - 1, 1048576) g))"
                    + owned("m.lomowner", "m.lomacl") + " FROM pg_catalog.pg_largeobject_metadata m "
                    + "CROSS JOIN LATERAL (SELECT pg_catalog.lo_lseek64(pg_catalog.lo_open(m.oid, 262144), 0, 2) "
                    + "AS size) s");
        }

        /** Owners and privileges of schema objects of every catalog that has them, and default privileges. */
        private void readPrivileges() throws SQLException {
            section("pg_default_acl", "SELECT pg_catalog.format('%s on %s in %s: %s', "
                    + "pg_catalog.pg_get_userbyid(a.defaclrole), a.defaclobjtype, "
                    + "coalesce(NULLIF(a.defaclnamespace, 0)::pg_catalog.regnamespace::text, 'every schema'), "
                    + "a.defaclacl) FROM pg_catalog.pg_default_acl a WHERE a.defaclnamespace = 0 OR "
                    + "a.defaclnamespace IN (SELECT oid FROM selected)");
            section("pg_init_privs", "SELECT pg_catalog.format('%s %s: %s', pg_catalog.pg_describe_object(d.classoid, "
                    + "d.objoid, d.objsubid), d.privtype, d.initprivs) FROM pg_catalog.pg_init_privs d "
                    + "WHERE d.objoid >= " + FIRST_USER_OID + " AND (pg_catalog.pg_identify_object(d.classoid, "
                    + "d.objoid, 0)).schema IN (SELECT name FROM selected)");
        }

        private void section(String name, String sql) throws SQLException {
            List<String> lines = new ArrayList<>();
            try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    lines.add(rs.getString(1));
                }
            }
            if (!lines.isEmpty()) {
                sections.computeIfAbsent(name, key -> new ArrayList<>()).addAll(lines);
            }
        }

        /** Runs a query whose rows are (section, line). */
        private void sectionsFromRows(String sql) throws SQLException {
            try (PreparedStatement statement = prepare(sql); ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    sections.computeIfAbsent(rs.getString(1), key -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }

        private PreparedStatement prepare(String sql) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(SELECTED + sql);
            try {
                statement.setArray(1, connection.createArrayOf("text", schemas.toArray()));
            } catch (SQLException e) {
                statement.close();
                throw e;
            }
            return statement;
        }
    }
}
