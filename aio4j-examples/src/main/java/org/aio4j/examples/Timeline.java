package org.aio4j.examples;

import java.io.PrintStream;
import org.aio4j.Aio;

/**
 * Prints lines stamped with the seconds elapsed on the running loop's clock since the timeline
 * started, so every demo shows what started and finished when.
 */
final class Timeline {
    private final PrintStream out;
    private final double start;

    private Timeline(PrintStream out) {
        this.out = out;
        this.start = Aio.runningLoop().time();
    }

    /** A timeline starting now; call inside a coroutine. */
    static Timeline start(PrintStream out) {
        return new Timeline(out);
    }

    /** Seconds since the start. */
    double elapsed() {
        return Aio.runningLoop().time() - start;
    }

    void log(String what) {
        out.printf("  [%5.2fs] %s%n", elapsed(), what);
    }
}
