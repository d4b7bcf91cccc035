package dev.cpdb.backup.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Splits a plain SQL script, as {@code psql} reads it, into statements and {@code COPY ... FROM stdin} data blocks,
 * without holding more than one statement (or one data line) in memory.
 *
 * <p>
 * The lexer knows what can hide a semicolon: single-quoted strings (with {@code ''}, and backslash escapes in
 * {@code E'...'}), quoted identifiers, dollar-quoted bodies ({@code $tag$ ... $tag$}) and comments (line comments
 * and nested block comments). Alongside each statement it keeps its shape: the statement with the insides of quotes,
 * quoted identifiers and dollar-quoted bodies blanked out and comments removed, so that {@link ScriptForms} can look
 * for keywords at the top level only. psql meta-commands are not supported; cpdb scripts contain none, and a
 * backslash outside quotes (which psql would take as one) is reported through {@link ScriptStatement#shape()}.
 */
final class ScriptReader {

    /** Eight bytes of the buffer as one number, for {@link #lineEnd}. */
    private static final VarHandle EIGHT_BYTES = MethodHandles.byteArrayViewVarHandle(long[].class,
            ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final long NEWLINES = ONES * '\n';

    private static final Pattern COPY_FROM_STDIN = Pattern.compile("(?is)^\\s*COPY\\s.+\\sFROM\\s+stdin\\s*$");

    /**
     * One statement of the script.
     *
     * @param sql the statement as written, without the final semicolon and without comments
     * @param shape the statement's top level: quoted and dollar-quoted contents blanked out ({@code ''}, {@code ""},
     *        {@code $$ $$})
     * @param line the line it starts on
     */
    record ScriptStatement(String sql, String shape, boolean copyFromStdin, long line) {
    }

    private final InputStream in;
    /** Large, so that a COPY data block reaches the server in few large messages. */
    private final byte[] buffer = new byte[1 << 20];
    private int position;
    private int limit;
    private long line = 1;
    private boolean endMarkerLast;

    ScriptReader(InputStream in) {
        this.in = in;
    }

    /** Whether the last thing in the script so far is the {@link BackupEngine#END_MARKER} comment. */
    boolean endMarkerSeen() {
        return endMarkerLast;
    }

    /** The next statement, or empty at the end of the script. */
    Optional<ScriptStatement> next() throws IOException {
        ByteArrayOutputStream sql = new ByteArrayOutputStream();
        ByteArrayOutputStream shape = new ByteArrayOutputStream();
        boolean content = false;
        long startLine = line;
        int previous = ' ';
        RoutineBody body = new RoutineBody();
        while (true) {
            int b = read();
            if (b < 0) {
                if (content) {
                    throw new IOException("the script ends inside a statement that starts on line " + startLine);
                }
                return Optional.empty();
            }
            if (b == '-' && peek() == '-') {
                String comment = readLineComment();
                if (!content) {
                    endMarkerLast = comment.strip().equals(BackupEngine.END_MARKER);
                }
                sql.write('\n');
                shape.write(' ');
                continue;
            }
            if (b == '/' && peek() == '*') {
                skipBlockComment();
                sql.write(' ');
                shape.write(' ');
                continue;
            }
            if (!content && Character.isWhitespace(b)) {
                continue;
            }
            if (!content) {
                content = true;
                startLine = line;
                endMarkerLast = false;
            }
            body.accept(b);
            if (b == ';' && !body.open()) {
                String text = sql.toString(StandardCharsets.UTF_8).strip();
                boolean copy = COPY_FROM_STDIN.matcher(text).matches();
                if (copy) {
                    skipRestOfLine();
                }
                return Optional.of(new ScriptStatement(text, shape.toString(StandardCharsets.UTF_8).strip(), copy,
                        startLine));
            }
            sql.write(b);
            shape.write(b);
            if (b == '\'') {
                boolean escapes = (previous == 'E' || previous == 'e') && !identifierBefore(sql);
                copyQuoted(sql, '\'', escapes);
                shape.write('\'');
            } else if (b == '"') {
                copyQuoted(sql, '"', false);
                shape.write('"');
            } else if (b == '$' && !isIdentifierChar(previous)) {
                shape.write(copyDollarQuoted(sql) ? "$ $$".getBytes(StandardCharsets.UTF_8)
                        : " ".getBytes(StandardCharsets.UTF_8));
            }
            previous = b;
        }
    }

    /**
     * Follows the top-level words of one statement to tell whether a semicolon is inside the SQL-standard body of a
     * function or procedure ({@code BEGIN ATOMIC ... END}), where it does not end the statement. Counted the way
     * psql and the driver count it: in a {@code CREATE [OR REPLACE] FUNCTION|PROCEDURE}, {@code BEGIN} opens a block,
     * {@code CASE} inside a block opens one too, {@code END} closes one. Quoted text never reaches it.
     */
    private static final class RoutineBody {
        private final StringBuilder word = new StringBuilder();
        private int words;
        private boolean create;
        private boolean routine;
        private int depth;

        void accept(int b) {
            if (isIdentifierChar(b)) {
                word.append((char) Character.toUpperCase(b));
                return;
            }
            if (word.length() == 0) {
                return;
            }
            String current = word.toString();
            word.setLength(0);
            words++;
            if (words == 1) {
                create = current.equals("CREATE");
            } else if (create && words <= 4 && (current.equals("FUNCTION") || current.equals("PROCEDURE"))) {
                routine = true;
            } else if (routine && current.equals("BEGIN")) {
                depth++;
            } else if (routine && depth > 0 && current.equals("CASE")) {
                depth++;
            } else if (routine && depth > 0 && current.equals("END")) {
                depth--;
            }
        }

        boolean open() {
            return depth > 0;
        }
    }

    /** Where the data of a {@code COPY} block goes: slices of the reader's buffer, valid during the call only. */
    @FunctionalInterface
    interface DataSink<E extends Exception> {
        void write(byte[] bytes, int offset, int length) throws E;
    }

    /**
     * The size of one {@code COPY} data block, without its {@code \.} line.
     *
     * @param bytes its length in bytes
     * @param lines the lines it holds
     */
    record DataBlock(long bytes, long lines) {
    }

    /**
     * Passes the data of the {@code COPY ... FROM stdin} statement just returned to {@code sink}, up to (not
     * including) the {@code \.} line, which is consumed. The data goes in slices of the reader's buffer, as many
     * lines at a time as it holds; each byte is looked at once, for the line ends.
     *
     * @return the size of the block
     * @throws IOException when the script ends before the {@code \.} line
     */
    <E extends Exception> DataBlock copyData(DataSink<E> sink) throws IOException, E {
        long bytes = 0;
        long lines = 0;
        boolean lineStart = true;
        while (!(lineStart && endOfData())) {
            if (position == limit && !fill(1)) {
                throw endsInsideData();
            }
            int start = position;
            int end = limit;
            int at = position;
            while (true) {
                int newline = lineEnd(at, end);
                if (newline == end) {
                    at = end;
                    lineStart = false;
                    break;
                }
                at = newline + 1;
                lines++;
                lineStart = true;
                // A line start that may be the end line is left to endOfData(), which may have to read on.
                if (end - at < 4 || buffer[at] == '\\' && buffer[at + 1] == '.') {
                    break;
                }
            }
            sink.write(buffer, start, at - start);
            bytes += at - start;
            position = at;
        }
        line += lines;
        return new DataBlock(bytes, lines);
    }

    /**
     * The index of the first line end in {@code buffer[from, to)}, or {@code to} when there is none. Looks at eight
     * bytes at a time while none of them is a line end, which is several times faster than a byte at a time, also
     * with the quick compiler alone.
     */
    private int lineEnd(int from, int to) {
        int at = from;
        while (at + 8 <= to) {
            long bytes = (long) EIGHT_BYTES.get(buffer, at) ^ NEWLINES;
            // Non-zero exactly when one of the eight bytes is zero, i.e. was a line end.
            if (((bytes - ONES) & ~bytes & HIGH_BITS) != 0) {
                break;
            }
            at += 8;
        }
        while (at < to && buffer[at] != '\n') {
            at++;
        }
        return at;
    }

    /**
     * Like {@link #copyData(DataSink)}, for a block whose size the checking pass measured on the same script: passes
     * that many bytes on without looking for line ends, then requires the {@code \.} line right there.
     *
     * @throws IOException when the script ends first or the {@code \.} line is not there: the script is not the one
     *         that was measured
     */
    <E extends Exception> void copyData(DataBlock measured, DataSink<E> sink) throws IOException, E {
        long remaining = measured.bytes();
        int last = '\n';
        while (remaining > 0) {
            if (position == limit && !fill(1)) {
                throw endsInsideData();
            }
            int length = (int) Math.min(remaining, limit - position);
            sink.write(buffer, position, length);
            position += length;
            remaining -= length;
            last = buffer[position - 1];
        }
        if (last != '\n' || !endOfData()) {
            throw new IOException("the COPY data on line " + line + " is not the data the checking pass read");
        }
        line += measured.lines();
    }

    private IOException endsInsideData() {
        return new IOException("the script ends inside the COPY data starting on line " + line + " (no \\. line)");
    }

    private boolean identifierBefore(ByteArrayOutputStream sql) {
        byte[] bytes = sql.toByteArray();
        // bytes ends with ... E ' ; the character before E decides whether E starts a new token.
        return bytes.length >= 3 && isIdentifierChar(bytes[bytes.length - 3]);
    }

    private static boolean isIdentifierChar(int b) {
        return Character.isLetterOrDigit(b) || b == '_' || b == '$' || b >= 0x80;
    }

    /** Makes at least {@code needed} bytes available unless the input ends first; false when fewer are left. */
    private boolean fill(int needed) throws IOException {
        if (limit - position >= needed) {
            return true;
        }
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, limit - position);
            limit -= position;
            position = 0;
        }
        while (limit < needed) {
            int n = in.read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                return false;
            }
            limit += n;
        }
        return true;
    }

    private int read() throws IOException {
        if (position == limit && !fill(1)) {
            return -1;
        }
        int b = buffer[position++] & 0xff;
        if (b == '\n') {
            line++;
        }
        return b;
    }

    /** Gives back the byte {@link #read()} just returned (it is still in the buffer). */
    private void unread(int b) {
        position--;
        if (b == '\n') {
            line--;
        }
    }

    private int peek() throws IOException {
        if (position == limit && !fill(1)) {
            return -1;
        }
        return buffer[position] & 0xff;
    }

    private String readLineComment() throws IOException {
        ByteArrayOutputStream comment = new ByteArrayOutputStream();
        comment.write('-');
        int b;
        while ((b = read()) >= 0 && b != '\n') {
            comment.write(b);
        }
        return comment.toString(StandardCharsets.UTF_8);
    }

    private void skipBlockComment() throws IOException {
        read(); // the '*'
        int depth = 1;
        int previous = 0;
        while (depth > 0) {
            int b = read();
            if (b < 0) {
                throw new IOException("the script ends inside a /* comment */");
            }
            if (previous == '/' && b == '*') {
                depth++;
                b = 0;
            } else if (previous == '*' && b == '/') {
                depth--;
                b = 0;
            }
            previous = b;
        }
    }

    private void copyQuoted(ByteArrayOutputStream sql, int quote, boolean backslashEscapes) throws IOException {
        while (true) {
            if (!backslashEscapes) {
                copyUntil(sql, quote);
            }
            int b = read();
            if (b < 0) {
                throw new IOException("the script ends inside a quoted " + (quote == '"' ? "identifier" : "string"));
            }
            sql.write(b);
            if (backslashEscapes && b == '\\') {
                int escaped = read();
                if (escaped < 0) {
                    throw new IOException("the script ends inside a string");
                }
                sql.write(escaped);
                continue;
            }
            if (b == quote) {
                if (peek() == quote) {
                    sql.write(read());
                    continue;
                }
                return;
            }
        }
    }

    /**
     * Copies the buffered bytes before the next {@code stop} byte in bulk, so that long quoted text (large-object
     * chunks are hundreds of KiB of hex) is not copied one byte at a time; leaves {@code stop} to be read.
     */
    private void copyUntil(ByteArrayOutputStream sql, int stop) throws IOException {
        while (position < limit || fill(1)) {
            int start = position;
            int end = start;
            while (end < limit && buffer[end] != stop) {
                if (buffer[end] == '\n') {
                    line++;
                }
                end++;
            }
            sql.write(buffer, start, end - start);
            position = end;
            if (end < limit) {
                return;
            }
        }
    }

    /** Copies a dollar-quoted body after its first {@code $}; false when the {@code $} did not start one. */
    private boolean copyDollarQuoted(ByteArrayOutputStream sql) throws IOException {
        ByteArrayOutputStream tag = new ByteArrayOutputStream();
        while (true) {
            int b = read();
            if (b < 0) {
                sql.write(tag.toByteArray());
                return false;
            }
            boolean first = tag.size() == 0;
            if (b == '$') {
                sql.write(tag.toByteArray());
                sql.write('$');
                copyDollarBody(sql, "$" + tag.toString(StandardCharsets.UTF_8) + "$");
                return true;
            }
            if (Character.isLetter(b) || b == '_' || b >= 0x80 || (!first && Character.isDigit(b))) {
                tag.write(b);
                continue;
            }
            // Not a dollar quote (e.g. a positional parameter $1): give the characters back to the statement, and
            // the last one back to the reader, which may be the semicolon that ends the statement.
            sql.write(tag.toByteArray());
            unread(b);
            return false;
        }
    }

    private void copyDollarBody(ByteArrayOutputStream sql, String delimiter) throws IOException {
        byte[] end = delimiter.getBytes(StandardCharsets.UTF_8);
        int matched = 0;
        while (true) {
            int b = read();
            if (b < 0) {
                throw new IOException("the script ends inside a " + delimiter + " quoted body");
            }
            sql.write(b);
            if (b == end[matched]) {
                matched++;
                if (matched == end.length) {
                    return;
                }
            } else {
                matched = b == end[0] ? 1 : 0;
            }
        }
    }

    private void skipRestOfLine() throws IOException {
        int b;
        while ((b = read()) >= 0 && b != '\n') {
            if (!Character.isWhitespace(b)) {
                throw new IOException("unexpected text after COPY ... FROM stdin; on line " + line);
            }
        }
    }

    /** At a line start: whether the line is the {@code \.} terminator (consumed when it is). */
    private boolean endOfData() throws IOException {
        boolean available = fill(4);
        int remaining = limit - position;
        if (remaining < 2 || buffer[position] != '\\' || buffer[position + 1] != '.') {
            return false;
        }
        if (remaining == 2 && !available) {
            position += 2;
            return true;
        }
        if (buffer[position + 2] == '\n') {
            position += 3;
            line++;
            return true;
        }
        if (remaining >= 4 && buffer[position + 2] == '\r' && buffer[position + 3] == '\n') {
            position += 4;
            line++;
            return true;
        }
        return false;
    }

    /** Short description of a statement for messages: its first line, cut at 100 characters. */
    static String summary(String sql) {
        String first = sql.strip().lines().findFirst().orElse("");
        return first.length() > 100 ? first.substring(0, 100) + "..." : first;
    }
}
