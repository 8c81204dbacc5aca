package org.aio4j;

import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C during {@link Runner#run} (asyncio 3.11's {@code Runner._on_sigint}): the first SIGINT
 * cancels the main task, the second stops the loop. Installed for one {@code run} only when SIGINT
 * still has the JDK's default handler (the one that exits running the shutdown hooks), as asyncio
 * installs its handler only over {@code signal.default_int_handler}; the handler it replaced is put
 * back when the run ends.
 *
 * <h2>Threads</h2>
 * {@link #install} and {@link #restore} on the runner's thread; the JVM handler on the JVM's
 * signal threads, handing everything to the loop with {@link EventLoop#callSoonThreadsafe}.
 */
final class SigintWatch {
    /*
     * Why no main-thread condition (asyncio has one): Python runs signal handlers only on its main
     * thread, the JVM on threads of its own, so any thread's runner can take Ctrl-C. The condition
     * that remains, "INT has the JDK's default handler", also means one runner at a time owns it (a
     * second, concurrent run finds the first one's handler) and none does when the program installed
     * its own INT handler (loop.addSignalHandler("INT") included) or the JVM runs under -Xrs.
     *
     * Recognising the default: sun.misc.Signal cannot read a handler without replacing it, and
     * the JDK's handler is an instance of java.lang.Terminator's anonymous class, which is known by
     * its string form only. A handler that is not it is put back at once; a SIGINT in that window
     * goes to it too (forwarded by ours).
     *
     * The second SIGINT stops the loop from a callback on the loop (callSoonThreadsafe), and only if
     * the main task is still pending: a stop() sent from the signal thread could arrive after the run
     * ended and cut the runner's close short; a callback that comes late finds the task done.
     */
    private static final Signal INT = new Signal("INT");
    /** Serializes installs and restores, so that two runners' swaps cannot interleave. */
    private static final Object SWAP = new Object();

    private final EventLoop loop;
    private final Task<?> task;
    private final AtomicInteger interrupts = new AtomicInteger();
    // loop thread only
    private boolean stoppedLoop;
    private final SignalHandler mine = this::onSigint;
    // any thread
    private volatile SignalHandler previous;
    private volatile boolean active;

    private SigintWatch(EventLoop loop, Task<?> task) {
        this.loop = loop;
        this.task = task;
    }

    /** Installs the watch if SIGINT has the JDK's default handler; else null (nothing changed). */
    static SigintWatch install(EventLoop loop, Task<?> task) {
        SigintWatch w = new SigintWatch(loop, task);
        synchronized (SWAP) {
            SignalHandler prev;
            try {
                prev = Signal.handle(INT, w.mine);
            } catch (IllegalArgumentException reserved) {
                return null; // -Xrs: the JVM keeps INT
            }
            w.previous = prev;
            if (!isJdkDefault(prev)) {
                Signal.handle(INT, prev);
                return null;
            }
            w.active = true;
        }
        return w;
    }

    static boolean isJdkDefault(SignalHandler h) {
        return h != null && String.valueOf(h).startsWith("java.lang.Terminator");
    }

    /** Whether a second SIGINT stopped the loop before the main task was done. */
    boolean stoppedLoop() {
        return stoppedLoop;
    }

    /** How many SIGINTs arrived during the run. */
    int interrupts() {
        return interrupts.get();
    }

    /** Puts the replaced handler back, unless someone else replaced ours meanwhile (theirs stays). */
    void restore() {
        synchronized (SWAP) {
            active = false;
            SignalHandler now = Signal.handle(INT, previous);
            if (now != mine) {
                Signal.handle(INT, now);
            }
        }
    }

    /** On the loop: the second SIGINT. */
    private void stopLoop() {
        if (!task.done()) {
            stoppedLoop = true;
            loop.stop();
        }
    }

    /** On a JVM signal thread. */
    private void onSigint(Signal sig) {
        SignalHandler prev = previous;
        if (!active) {
            if (prev != null && prev != SignalHandler.SIG_DFL && prev != SignalHandler.SIG_IGN) {
                prev.handle(sig); // the window of install(), or after restore(): not ours to take
            }
            return;
        }
        int n = interrupts.incrementAndGet();
        try {
            if (n == 1) {
                loop.callSoonThreadsafe(() -> {
                    if (!task.done()) {
                        task.cancel();
                    }
                });
            } else {
                loop.callSoonThreadsafe(this::stopLoop);
            }
        } catch (IllegalStateException closed) {
            // the loop closed meanwhile: the run is over
        }
    }
}
