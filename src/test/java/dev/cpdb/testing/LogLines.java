package dev.cpdb.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The lines logged under one category (and those below it) while it is open, as the log shows them: a line logged
 * with a format has its values filled in.
 */
public final class LogLines implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord record) {
            Object[] values = record.getParameters();
            lines.add(values != null && values.length > 0 && record instanceof ExtLogRecord formatted
                    ? formatted.getFormattedMessage()
                    : record.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogLines(String category) {
        this.logger = Logger.getLogger(category);
        logger.addHandler(handler);
    }

    /** Starts collecting what is logged under {@code category}. */
    public static LogLines capture(String category) {
        return new LogLines(category);
    }

    /** The lines so far; the list grows as lines arrive. */
    public List<String> lines() {
        return lines;
    }

    /** Stops collecting. */
    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
