package dev.cpdb.backup.engine.catalog;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import dev.cpdb.backup.engine.Sql;

/**
 * Event triggers, written last of all, as pg_dump does, so that none fires while the restore creates the rest. An
 * event trigger is database-wide: it is carried when its function lives in a selected schema and belongs to no
 * extension; any other is left to whoever manages that function (e.g. a hosting platform) and named in the log.
 */
final class EventTriggerReader implements ObjectReader {

    private static final Logger LOG = Logger.getLogger(EventTriggerReader.class);

    @Override
    public void read(CatalogContext context) throws SQLException {
        String carried = "n.nspname = ANY (?) AND " + CatalogContext.notMember("pg_proc", "p.oid");
        String sql = "SELECT t.evtname, t.evtevent, t.evttags, pg_catalog.quote_ident(n.nspname) || '.' || "
                + "pg_catalog.quote_ident(p.proname), t.evtenabled, pg_catalog.obj_description(t.oid, "
                + "'pg_event_trigger'), pg_catalog.pg_get_userbyid(t.evtowner), " + carried
                + " FROM pg_catalog.pg_event_trigger t JOIN pg_catalog.pg_proc p ON p.oid = t.evtfoid "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace WHERE "
                + CatalogContext.notMember("pg_event_trigger", "t.oid") + " ORDER BY t.evtname";
        List<String> leftOut = new ArrayList<>();
        try (PreparedStatement statement = context.prepare(sql); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                String name = Sql.ident(rs.getString(1));
                if (!rs.getBoolean(8)) {
                    leftOut.add(rs.getString(1) + " (function " + rs.getString(4) + ")");
                    continue;
                }
                StringBuilder ddl = new StringBuilder("CREATE EVENT TRIGGER ").append(name).append(" ON ")
                        .append(Sql.ident(rs.getString(2)));
                List<String> tags = tags(rs.getArray(3));
                if (!tags.isEmpty()) {
                    ddl.append("\n    WHEN TAG IN (").append(tags.stream().map(Sql::literal)
                            .collect(Collectors.joining(", "))).append(")");
                }
                ddl.append("\n    EXECUTE FUNCTION ").append(rs.getString(4)).append("();");
                context.postData.add(ddl.toString());
                enabled(rs.getString(5), name).ifPresent(context.postData::add);
                if (rs.getString(6) != null) {
                    context.postData.add("COMMENT ON EVENT TRIGGER " + name + " IS " + Sql.literal(rs.getString(6))
                            + ";");
                }
                if (context.ownersAndPrivileges) {
                    context.postData.add("ALTER EVENT TRIGGER " + name + " OWNER TO " + Sql.ident(rs.getString(7))
                            + ";");
                }
            }
        }
        if (!leftOut.isEmpty()) {
            LOG.infof("event triggers whose function is outside the backed-up schemas or in an extension are left "
                    + "out of the backup: %s", String.join(", ", leftOut));
        }
    }

    private static List<String> tags(Array array) throws SQLException {
        if (array == null) {
            return List.of();
        }
        return Stream.of((Object[]) array.getArray()).map(Object::toString).toList();
    }

    private static Optional<String> enabled(String state, String name) {
        String change = switch (state) {
            case "D" -> "DISABLE";
            case "R" -> "ENABLE REPLICA";
            case "A" -> "ENABLE ALWAYS";
            default -> null; // 'O': enabled, the default
        };
        return Optional.ofNullable(change).map(word -> "ALTER EVENT TRIGGER " + name + " " + word + ";");
    }
}
