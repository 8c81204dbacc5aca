package org.aio4j.shell;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What snippets in a test session tell the test: they call {@code org.aio4j.shell.ShellProbe.signal}
 * (the shell's JVM is the test's) and the test waits for the signal. Objects a snippet hands over
 * with {@link #keep} outlive the session.
 */
public final class ShellProbe {
    private static final BlockingQueue<String> SIGNALS = new LinkedBlockingQueue<>();
    private static final BlockingQueue<Object> KEPT = new LinkedBlockingQueue<>();

    private ShellProbe() {
    }

    /** Called by a snippet. */
    public static void signal(String what) {
        SIGNALS.add(what);
    }

    /** Called by a snippet: hands {@code o} to the test. */
    public static void keep(Object o) {
        KEPT.add(o);
    }

    /** The next signal, waiting up to {@code seconds}; fails the test if none comes. */
    static String awaitSignal(double seconds) throws InterruptedException {
        String s = SIGNALS.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        if (s == null) {
            throw new AssertionError("no signal from the shell's snippets within " + seconds + " s");
        }
        return s;
    }

    /** The next object kept by a snippet, waiting up to {@code seconds}. */
    static Object awaitKept(double seconds) throws InterruptedException {
        Object o = KEPT.poll((long) (seconds * 1000), TimeUnit.MILLISECONDS);
        if (o == null) {
            throw new AssertionError("no object from the shell's snippets within " + seconds + " s");
        }
        return o;
    }

    static void reset() {
        SIGNALS.clear();
        KEPT.clear();
    }
}
