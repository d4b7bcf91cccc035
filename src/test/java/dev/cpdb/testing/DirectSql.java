package dev.cpdb.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import dev.cpdb.database.Database;

/**
 * Plain SQL on the service's direct path, for tests that arrange rows as another replica would or read a table as it
 * is stored (an encrypted value, say), without going through the API under test.
 */
public final class DirectSql {

    private DirectSql() {
    }

    /** Runs statements (several may be separated by {@code ;}). */
    public static void execute(Database database, String sql) throws SQLException {
        try (Connection connection = database.direct().open(); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of the first row as text (null for SQL NULL). */
    public static String text(Database database, String sql) throws SQLException {
        try (Connection connection = database.direct().open();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** The first column of the first row as bytes (null for SQL NULL). */
    public static byte[] bytes(Database database, String sql) throws SQLException {
        try (Connection connection = database.direct().open();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getBytes(1);
        }
    }
}
