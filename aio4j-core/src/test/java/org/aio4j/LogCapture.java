package org.aio4j;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Captures what aio4j logs on its {@code org.aio4j} logger (the watchdog's {@code org.aio4j.watchdog}
 * aside) ({@link System.Logger} is backed by
 * java.util.logging on a plain JDK) and keeps it out of the build output while a test runs.
 */
final class LogCapture implements AutoCloseable {
    private final Logger logger = Logger.getLogger("org.aio4j");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final boolean parentHandlers;
    private final Level level;
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            // the watchdog's reports (org.aio4j.watchdog) depend on the machine's load: its own tests
            // capture them (WatchdogTest)
            if (!"org.aio4j.watchdog".equals(r.getLoggerName())) {
                records.add(r);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture() {
        parentHandlers = logger.getUseParentHandlers();
        level = logger.getLevel();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    static LogCapture start() {
        return new LogCapture();
    }

    /** The messages logged so far, in order. */
    List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    /** The records logged so far, in order. */
    List<LogRecord> records() {
        return List.copyOf(records);
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
        logger.setLevel(level);
        logger.setUseParentHandlers(parentHandlers);
    }
}
