package org.aio4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * One loop's signal handlers ({@link EventLoop#addSignalHandler}), and the process-wide table that
 * installs the JVM handlers they need.
 *
 * <h2>Threads</h2>
 * The instance methods are for the loop's thread; the JVM handlers run on the JVM's signal
 * dispatch threads and only hand the callback to the loop ({@link EventLoop#callSoonThreadsafe}).
 */
final class SignalHandlers {
    /*
     * Why a process-wide table: a signal has one JVM handler for the whole process,
     * but several loops may each want it. The table maps a signal to the JVM handler Signal.handle
     * replaced (to reinstall when the last loop lets go: G4, the JDK's own INT/TERM/HUP handler runs
     * the shutdown hooks) and to the loops' callbacks, in registration order. It is guarded by its
     * own monitor; nothing under it calls user code or waits.
     *
     * Delivery (G1, G2): the JDK runs each delivery's handler on a new thread ("SIGINT handler").
     * Ours only sets a per-registration pending flag and, if it was clear, posts one callback to the
     * loop; the flag is cleared just before the user's callback runs. So deliveries that arrive while
     * one is pending coalesce into one call (signals are flags, not a queue: the kernel coalesces them
     * too), and none is lost after the callback started.
     *
     * Removal and restoring assume the installs nest: a handler some other code installed for the same
     * signal after us is replaced by the one we found, when our last registration goes (asyncio's
     * remove_signal_handler resets to the default with the same blindness).
     */

    /** The signals the JVM keeps for itself or that no process can catch, with why. */
    private static final Map<String, String> RESERVED = new LinkedHashMap<>();

    static {
        String fault = "the JVM handles it itself (it signals a crash or a fault the JVM recovers from)";
        RESERVED.put("QUIT", "the JVM prints a thread dump on it");
        RESERVED.put("KILL", "no process can catch it");
        RESERVED.put("STOP", "no process can catch it");
        for (String s : List.of("ILL", "FPE", "SEGV", "BUS", "TRAP", "ABRT", "SYS")) {
            RESERVED.put(s, fault);
        }
        RESERVED.put("USR2", "HotSpot uses it to suspend and resume threads on Linux (a native handler is installed)");
        RESERVED.put("CHLD", "the JDK's process reaper relies on its default disposition");
        RESERVED.put("PIPE", "the JVM ignores it so that writing to a closed pipe or socket throws an IOException");
        RESERVED.put("XFSZ", "the JVM ignores it so that writing past the file size limit throws an IOException");
    }

    /** The signals the JDK's shutdown handler owns: when ignored at startup the JVM keeps them ignored. */
    private static final List<String> SHUTDOWN_SIGNALS = List.of("HUP", "INT", "TERM");

    /** For messages: the usual signals a program can handle on Linux. */
    static final String HANDLEABLE = "HUP, INT, TERM, USR1, ALRM, WINCH, CONT, TSTP, TTIN, TTOU, URG, IO, PWR,"
            + " VTALRM, PROF, XCPU";

    /** A signal's JVM handler while any loop has a callback for it. */
    private static final class Installed {
        final Signal signal;
        SignalHandler previous;
        final List<Registration> registrations = new ArrayList<>();

        Installed(Signal signal) {
            this.signal = signal;
        }
    }

    /** One loop's callback for one signal. */
    private static final class Registration {
        final EventLoop loop;
        final Runnable callback;
        final AtomicBoolean pending = new AtomicBoolean();

        Registration(EventLoop loop, Runnable callback) {
            this.loop = loop;
            this.callback = callback;
        }

        /** On a JVM signal thread: hand the callback to the loop, once per pending delivery. */
        void deliver() {
            DELIVERIES.incrementAndGet();
            if (pending.compareAndSet(false, true)) {
                try {
                    loop.callSoonThreadsafe(() -> {
                        pending.set(false);
                        callback.run();
                    });
                } catch (IllegalStateException closed) {
                    pending.set(false); // the loop closed meanwhile: nothing to run it
                }
            }
        }
    }

    // guarded by TABLE
    private static final Map<String, Installed> TABLE = new HashMap<>();
    /** Deliveries handed to registrations since the JVM started (tests wait on it). Any thread. */
    static final java.util.concurrent.atomic.AtomicLong DELIVERIES = new java.util.concurrent.atomic.AtomicLong();

    // loop thread only
    private final EventLoop loop;
    private final Map<String, Registration> mine = new LinkedHashMap<>();

    SignalHandlers(EventLoop loop) {
        this.loop = loop;
    }

    /** The canonical name ("INT" for "SIGINT" or "int"), validated; see EventLoop#addSignalHandler. */
    static String name(String signal) {
        if (signal == null) {
            throw new NullPointerException("signal is null: pass a name such as \"INT\" or \"TERM\"");
        }
        String n = signal.trim().toUpperCase(Locale.ROOT);
        if (n.startsWith("SIG")) {
            n = n.substring(3);
        }
        String why = RESERVED.get(n);
        if (why != null) {
            throw new IllegalArgumentException("SIG" + n + " cannot be handled: " + why + ". Signals a program can"
                    + " handle: " + HANDLEABLE);
        }
        return n;
    }

    /** The JVM's Signal for {@code name}, or an IllegalArgumentException saying what can be handled. */
    static Signal signal(String name) {
        try {
            return new Signal(name);
        } catch (IllegalArgumentException unknown) {
            throw new IllegalArgumentException("unknown signal '" + name + "': signals a program can handle: "
                    + HANDLEABLE, unknown);
        }
    }

    /**
     * Installs {@code handler} for {@code s} and returns the one it replaced; turns the JVM's refusal
     * into an IllegalArgumentException that says why.
     */
    static SignalHandler swap(Signal s, SignalHandler handler) {
        try {
            return Signal.handle(s, handler);
        } catch (IllegalArgumentException refused) {
            throw new IllegalArgumentException("SIG" + s.getName() + " cannot be handled in this JVM (" + refused.getMessage()
                    + "; under -Xrs the JVM keeps HUP, INT and TERM). Signals a program can handle: " + HANDLEABLE, refused);
        }
    }

    void add(String signal, Runnable callback) {
        String n = name(signal);
        Signal s = signal(n);
        if (callback == null) {
            throw new NullPointerException("addSignalHandler(" + n + ", null): pass the callback to run on the loop");
        }
        if (!loop.isLoopThread()) {
            throw new WrongThreadException("addSignalHandler must be called on the loop's thread ('"
                    + loop.thread().getName() + "'), not '" + Thread.currentThread().getName()
                    + "'; hand the call to the loop with callSoonThreadsafe(...)");
        }
        loop.checkOpen("add a signal handler");
        Registration r = new Registration(loop, callback);
        synchronized (TABLE) {
            Installed in = TABLE.get(n);
            if (in == null) {
                in = new Installed(s);
                Installed target = in;
                SignalHandler previous = swap(s, sig -> dispatch(target));
                if (previous == SignalHandler.SIG_IGN && SHUTDOWN_SIGNALS.contains(n)) {
                    Signal.handle(s, previous);
                    throw new IllegalStateException("SIG" + n + " was ignored when this JVM started (it runs under"
                            + " nohup, or as a background job of a non-interactive shell), and the JVM then keeps"
                            + " HUP, INT and TERM ignored: a handler would never run");
                }
                in.previous = previous;
                TABLE.put(n, in);
            }
            Registration old = mine.put(n, r);
            if (old != null) {
                in.registrations.remove(old);
            }
            in.registrations.add(r);
        }
    }

    private static void dispatch(Installed in) {
        List<Registration> targets;
        synchronized (TABLE) {
            targets = List.copyOf(in.registrations);
        }
        for (Registration r : targets) {
            r.deliver();
        }
    }

    boolean remove(String signal) {
        String n = name(signal);
        signal(n);
        loop.checkThread();
        Registration r = mine.remove(n);
        if (r == null) {
            return false;
        }
        release(n, r);
        return true;
    }

    /** At close: every handler of this loop goes, and the JVM handlers it alone needed are restored. */
    void removeAll() {
        for (Map.Entry<String, Registration> e : mine.entrySet()) {
            release(e.getKey(), e.getValue());
        }
        mine.clear();
    }

    private static void release(String n, Registration r) {
        synchronized (TABLE) {
            Installed in = TABLE.get(n);
            if (in == null) {
                return;
            }
            in.registrations.remove(r);
            if (in.registrations.isEmpty()) {
                TABLE.remove(n);
                Signal.handle(in.signal, in.previous);
            }
        }
    }
}
