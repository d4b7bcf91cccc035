package dev.cpdb.database.simple;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.util.HexFormat;
import java.util.UUID;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.data.Numeric;

/**
 * Writes parameter values as PostgreSQL literals for the simple query protocol.
 *
 * <p>
 * Every non-null value becomes an escape string constant ({@code E'...'}), whose meaning does not depend on
 * {@code standard_conforming_strings}: backslashes and quotes are doubled, nothing else is special. Like an untyped
 * parameter, such a constant takes its type from where it stands ({@code id = E'...'} compares as uuid), so
 * statements mean the same as with bound parameters. A NUL character is refused as PostgreSQL itself refuses it in
 * text.
 */
final class SqlLiterals {

    private static final HexFormat HEX = HexFormat.of();

    private SqlLiterals() {
    }

    /** The literal of each value of {@code values}. */
    static String[] of(Tuple values) {
        String[] literals = new String[values.size()];
        for (int i = 0; i < literals.length; i++) {
            literals[i] = literal(values.getValue(i));
        }
        return literals;
    }

    static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Buffer buffer) {
            // bytea's hex input form; the backslash is doubled because it sits in an escape string
            return "E'\\\\x" + HEX.formatHex(buffer.getBytes()) + "'";
        }
        return quote(value.getClass().isArray() ? arrayText(value) : text(value));
    }

    /** The text form PostgreSQL's input functions read for a scalar value. */
    private static String text(Object value) {
        if (value instanceof String string) {
            return string;
        }
        if (value instanceof UUID || value instanceof Boolean || value instanceof Integer || value instanceof Long
                || value instanceof Short || value instanceof BigInteger || value instanceof Numeric
                || value instanceof Double || value instanceof Float) {
            return value.toString();
        }
        if (value instanceof Enum<?> constant) {
            // as the extended protocol binds an enum: by its name
            return constant.name();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof OffsetDateTime || value instanceof LocalDateTime || value instanceof LocalDate
                || value instanceof LocalTime || value instanceof OffsetTime || value instanceof Instant) {
            return value.toString();
        }
        if (value instanceof JsonObject json) {
            return json.encode();
        }
        if (value instanceof JsonArray json) {
            return json.encode();
        }
        if (value instanceof Buffer buffer) {
            return "\\x" + HEX.formatHex(buffer.getBytes());
        }
        throw new IllegalArgumentException("no SQL literal for a parameter of type " + value.getClass().getName());
    }

    /** An array constant: {@code {"a","b",NULL}} with every element quoted. */
    private static String arrayText(Object array) {
        int length = Array.getLength(array);
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < length; i++) {
            if (i > 0) {
                text.append(',');
            }
            Object element = Array.get(array, i);
            if (element == null) {
                text.append("NULL");
            } else {
                String elementText = text(element);
                text.append('"').append(elementText.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            }
        }
        return text.append('}').toString();
    }

    private static String quote(String text) {
        if (text.indexOf('\0') >= 0) {
            throw new PgException("invalid byte sequence for encoding \"UTF8\": 0x00", "ERROR", "22021", null);
        }
        StringBuilder literal = new StringBuilder(text.length() + 4).append("E'");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '\'') {
                literal.append(c);
            }
            literal.append(c);
        }
        return literal.append('\'').toString();
    }
}
