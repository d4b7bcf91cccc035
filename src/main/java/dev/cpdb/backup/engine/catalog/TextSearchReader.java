package dev.cpdb.backup.engine.catalog;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.cpdb.backup.engine.Sql;

/**
 * Full-text search: parsers, templates, dictionaries (with their options) and configurations (with their token
 * mappings), each with its comment; dictionaries and configurations with their owners (parsers and templates have
 * none).
 */
final class TextSearchReader implements ObjectReader {

    @Override
    public void read(CatalogContext context) throws SQLException {
        parsers(context);
        templates(context);
        dictionaries(context);
        configurations(context);
    }

    private static String in(String alias, String namespaceColumn, String catalog) {
        return " FROM pg_catalog." + catalog + " " + alias + " JOIN pg_catalog.pg_namespace n ON n.oid = " + alias
                + "." + namespaceColumn + " WHERE n.nspname = ANY (?) AND "
                + CatalogContext.notMember(catalog, alias + ".oid") + " ORDER BY n.nspname, 3";
    }

    private static void parsers(CatalogContext context) throws SQLException {
        String sql = "SELECT p.oid, n.nspname, p.prsname, p.prsstart::pg_catalog.regproc::text, "
                + "p.prstoken::pg_catalog.regproc::text, p.prsend::pg_catalog.regproc::text, "
                + "p.prslextype::pg_catalog.regproc::text, "
                + "CASE WHEN p.prsheadline <> 0 THEN p.prsheadline::pg_catalog.regproc::text END, "
                + "pg_catalog.obj_description(p.oid, 'pg_ts_parser')" + in("p", "prsnamespace", "pg_ts_parser");
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_ts_parser", rs.getLong(1)), Rank.TEXT_SEARCH,
                        "1 " + rs.getString(2) + "." + rs.getString(3));
                object.add("CREATE TEXT SEARCH PARSER " + name + " (START = " + rs.getString(4) + ", GETTOKEN = "
                        + rs.getString(5) + ", END = " + rs.getString(6) + ", LEXTYPES = " + rs.getString(7)
                        + (rs.getString(8) == null ? "" : ", HEADLINE = " + rs.getString(8)) + ");");
                CatalogContext.comment(object, "TEXT SEARCH PARSER", name, rs.getString(9));
            }
        }
    }

    private static void templates(CatalogContext context) throws SQLException {
        String sql = "SELECT t.oid, n.nspname, t.tmplname, "
                + "CASE WHEN t.tmplinit <> 0 THEN t.tmplinit::pg_catalog.regproc::text END, "
                + "t.tmpllexize::pg_catalog.regproc::text, pg_catalog.obj_description(t.oid, 'pg_ts_template')"
                + in("t", "tmplnamespace", "pg_ts_template");
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_ts_template", rs.getLong(1)),
                        Rank.TEXT_SEARCH, "2 " + rs.getString(2) + "." + rs.getString(3));
                object.add("CREATE TEXT SEARCH TEMPLATE " + name + " ("
                        + (rs.getString(4) == null ? "" : "INIT = " + rs.getString(4) + ", ") + "LEXIZE = "
                        + rs.getString(5) + ");");
                CatalogContext.comment(object, "TEXT SEARCH TEMPLATE", name, rs.getString(6));
            }
        }
    }

    private static void dictionaries(CatalogContext context) throws SQLException {
        String sql = "SELECT d.oid, n.nspname, d.dictname, (SELECT pg_catalog.quote_ident(tn.nspname) || '.' || "
                + "pg_catalog.quote_ident(t.tmplname) FROM pg_catalog.pg_ts_template t JOIN pg_catalog.pg_namespace tn "
                + "ON tn.oid = t.tmplnamespace WHERE t.oid = d.dicttemplate), d.dictinitoption, "
                + "pg_catalog.obj_description(d.oid, 'pg_ts_dict'), pg_catalog.pg_get_userbyid(d.dictowner)"
                + in("d", "dictnamespace", "pg_ts_dict");
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_ts_dict", rs.getLong(1)), Rank.TEXT_SEARCH,
                        "3 " + rs.getString(2) + "." + rs.getString(3));
                // The options are stored as the server prints them back: name = value, ...
                object.add("CREATE TEXT SEARCH DICTIONARY " + name + " (TEMPLATE = " + rs.getString(4)
                        + (rs.getString(5) == null ? "" : ", " + rs.getString(5)) + ");");
                CatalogContext.comment(object, "TEXT SEARCH DICTIONARY", name, rs.getString(6));
                context.owner(object, "TEXT SEARCH DICTIONARY", name, rs.getString(7));
            }
        }
    }

    private static void configurations(CatalogContext context) throws SQLException {
        String sql = "SELECT c.oid, n.nspname, c.cfgname, (SELECT pg_catalog.quote_ident(pn.nspname) || '.' || "
                + "pg_catalog.quote_ident(p.prsname) FROM pg_catalog.pg_ts_parser p JOIN pg_catalog.pg_namespace pn "
                + "ON pn.oid = p.prsnamespace WHERE p.oid = c.cfgparser), "
                + "pg_catalog.obj_description(c.oid, 'pg_ts_config'), pg_catalog.pg_get_userbyid(c.cfgowner)"
                + in("c", "cfgnamespace", "pg_ts_config");
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.qualified(rs.getString(2), rs.getString(3));
                DumpObject object = context.graph.add(ObjectId.of("pg_ts_config", rs.getLong(1)), Rank.TEXT_SEARCH,
                        "4 " + rs.getString(2) + "." + rs.getString(3));
                object.add("CREATE TEXT SEARCH CONFIGURATION " + name + " (PARSER = " + rs.getString(4) + ");");
                for (Map.Entry<String, List<String>> mapping : mappings(context, rs.getLong(1)).entrySet()) {
                    object.add("ALTER TEXT SEARCH CONFIGURATION " + name + " ADD MAPPING FOR "
                            + Sql.ident(mapping.getKey()) + " WITH " + String.join(", ", mapping.getValue()) + ";");
                }
                CatalogContext.comment(object, "TEXT SEARCH CONFIGURATION", name, rs.getString(5));
                context.owner(object, "TEXT SEARCH CONFIGURATION", name, rs.getString(6));
            }
        }
    }

    /** Token type to dictionaries, in the order of token types and of the dictionaries for each. */
    private static Map<String, List<String>> mappings(CatalogContext context, long configuration)
            throws SQLException {
        Map<String, List<String>> mappings = new LinkedHashMap<>();
        try (PreparedStatement statement = context.connection.prepareStatement("SELECT "
                + "(SELECT t.alias FROM pg_catalog.ts_token_type(c.cfgparser) t WHERE t.tokid = m.maptokentype), "
                + "pg_catalog.quote_ident(dn.nspname) || '.' || pg_catalog.quote_ident(d.dictname) "
                + "FROM pg_catalog.pg_ts_config_map m JOIN pg_catalog.pg_ts_config c ON c.oid = m.mapcfg "
                + "JOIN pg_catalog.pg_ts_dict d ON d.oid = m.mapdict JOIN pg_catalog.pg_namespace dn "
                + "ON dn.oid = d.dictnamespace WHERE m.mapcfg = ? ORDER BY m.maptokentype, m.mapseqno")) {
            statement.setLong(1, configuration);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    mappings.computeIfAbsent(rs.getString(1), token -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return mappings;
    }
}
