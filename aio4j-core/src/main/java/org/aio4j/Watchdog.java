package org.aio4j;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The always-on watchdog of every running event loop: it notices, while it happens, a loop that
 * cannot run anything else, and says where.
 *
 * <ul>
 *   <li><b>A stuck step.</b> When one task step or callback has been running longer than
 *   {@link #threshold()} (default 0.1 s, asyncio's {@code slow_callback_duration}), it reports once,
 *   <em>while the step still runs</em>, with the live stack of the code that is slow (a task's own
 *   stack, or the loop thread's for a callback): the busy loop or the blocking call itself, not the
 *   line reached after it. When the step returns it reports the recovery and about how long the
 *   loop was held.</li>
 *   <li><b>Lag.</b> Timers firing later than the threshold while no single step was stuck: the loop
 *   has more ready work than it can run.</li>
 *   <li><b>A growing ready queue.</b> Batches that grow one after the other for a second, to 1,000
 *   items or more: callbacks or wake-ups arrive faster than the loop runs them.</li>
 * </ul>
 *
 * <p>Reports are {@code WARNING}s of the {@link System.Logger} {@code org.aio4j.watchdog}. Debug
 * mode ({@link EventLoop#setDebug}) still reports every slow step after it ends, with its exact
 * duration; the watchdog needs no debug mode and costs the loop three plain stores per step (no
 * clock read: its own thread times what it samples, every quarter of the threshold, so a report
 * comes between one and one and a quarter thresholds after the step began). Lag is reported for
 * loops on the real clock only.
 *
 * <p>On by default; {@link #setEnabled} turns its reports off and on again, and
 * {@code -Daio4j.watchdog=false} removes it from the JVM altogether (no stores, no thread);
 * {@code -Daio4j.watchdog.threshold=SECONDS} or {@link #setThreshold} sets the threshold, for every
 * loop of the process. All methods are safe from any thread.
 */
public final class Watchdog {
    /*
     * One daemon platform thread for the whole process, started when the first loop runs and parked
     * while none does. Each round it reads each running loop's LoopWatch (opaque reads) and keeps the
     * per-loop bookkeeping (State) to itself, so nothing here is shared with the loops beyond the
     * LoopWatch fields.
     */
    private static final System.Logger LOG = System.getLogger("org.aio4j.watchdog");
    /** A ready queue is "growing" from this many items on. */
    static final int GROWTH_MIN = 1000;
    private static final long GROWTH_NANOS = TimeUnit.SECONDS.toNanos(1);

    /**
     * False with -Daio4j.watchdog=false: then the loops publish nothing (a constant the JIT folds, so
     * the three stores per step are gone too) and the watchdog thread never starts.
     */
    static final boolean ACTIVE = !"false".equalsIgnoreCase(System.getProperty("aio4j.watchdog", "true"));
    private static volatile boolean enabled = ACTIVE;
    private static volatile long thresholdNanos = readThreshold();
    private static final Map<LoopWatch, State> WATCHED = new ConcurrentHashMap<>();
    private static Thread thread; // guarded by Watchdog.class

    private Watchdog() {
    }

    /** Whether the watchdog reports (on unless {@code -Daio4j.watchdog=false}). */
    public static boolean isEnabled() {
        return enabled;
    }

    /**
     * Turns the watchdog's reports on or off for every loop of the process.
     *
     * @throws IllegalStateException turning it on in a JVM started with {@code -Daio4j.watchdog=false},
     *                               which removes the watchdog altogether
     */
    public static void setEnabled(boolean on) {
        if (on && !ACTIVE) {
            throw new IllegalStateException("this JVM was started with -Daio4j.watchdog=false, which removes the"
                    + " watchdog (the loops publish nothing for it); start it without that flag and use"
                    + " Watchdog.setEnabled to switch the reports on and off");
        }
        enabled = on;
        wake();
    }

    /** How long one step may run before the watchdog reports it, in seconds (default 0.1). */
    public static double threshold() {
        return thresholdNanos / 1e9;
    }

    /**
     * Sets {@link #threshold()}.
     *
     * @throws IllegalArgumentException unless {@code seconds} is at least 0.001 (and finite)
     */
    public static void setThreshold(double seconds) {
        if (!(seconds >= 0.001) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("the watchdog's threshold must be at least 0.001 seconds, got "
                    + seconds + "; to turn the watchdog off, use Watchdog.setEnabled(false)");
        }
        thresholdNanos = (long) (seconds * 1e9);
        wake();
    }

    private static long readThreshold() {
        String p = System.getProperty("aio4j.watchdog.threshold");
        if (p == null) {
            return 100_000_000L;
        }
        try {
            double s = Double.parseDouble(p);
            if (s >= 0.001 && !Double.isInfinite(s)) {
                return (long) (s * 1e9);
            }
        } catch (NumberFormatException ignored) {
            // falls through to the warning
        }
        LOG.log(System.Logger.Level.WARNING, "-Daio4j.watchdog.threshold=" + p + " is not a number of seconds"
                + " >= 0.001; the watchdog uses 0.1");
        return 100_000_000L;
    }

    // ================================================================ registration (loop threads)

    static void watch(LoopWatch w) {
        if (!ACTIVE) {
            return;
        }
        WATCHED.put(w, new State(w.seq(), System.nanoTime()));
        synchronized (Watchdog.class) {
            if (thread == null) {
                thread = Thread.ofPlatform().daemon().name("aio4j-watchdog").unstarted(Watchdog::run);
                thread.start();
            } else {
                LockSupport.unpark(thread);
            }
        }
    }

    /** The loop stops: a stuck step reported and not yet seen to end has ended now. */
    static void unwatch(LoopWatch w) {
        State st = WATCHED.remove(w);
        if (st != null) {
            synchronized (st) {
                if (st.stuckReported) {
                    reportRecovery(w, st, System.nanoTime());
                }
            }
        }
    }

    private static void reportRecovery(LoopWatch w, State st, long now) {
        st.stuckReported = false;
        JfrEvents.stuckEnds(st.stuckEvent);
        st.stuckEvent = null;
        st.lastStuckEnd = now;
        st.lastStuckFor = now - st.since;
        LOG.log(System.Logger.Level.WARNING, String.format("the event loop on thread '%s' runs again: the step"
                + " the watchdog reported held it for about %.2f seconds", threadName(w), st.lastStuckFor / 1e9));
    }

    /** The loops running now (for {@link EventLoops}). */
    static java.util.Collection<LoopWatch> watched() {
        return java.util.List.copyOf(WATCHED.keySet());
    }

    /** What the watchdog sees {@code w}'s loop stuck in, or null if it is not stuck. */
    static String stuckDescription(LoopWatch w) {
        State st = WATCHED.get(w);
        if (st == null) {
            return null;
        }
        synchronized (st) {
            long seq = w.seq();
            if ((seq & 1) == 0 || seq != st.seq || System.nanoTime() - st.since < thresholdNanos) {
                return null;
            }
            Object item = w.item();
            String what = Describe.readyItem(item);
            return String.format("stuck for %.2f s in %s", (System.nanoTime() - st.since) / 1e9, what);
        }
    }

    private static void wake() {
        synchronized (Watchdog.class) {
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    // ================================================================ the watchdog thread

    /** What the watchdog knows of one loop. */
    private static final class State {
        long seq;
        /** When this thread first saw the current item running. */
        long since;
        boolean stuckReported;
        /** When the last stuck step the watchdog reported ended (0: none), and about how long it ran. */
        long lastStuckEnd;
        long lastStuckFor;
        boolean lagReported;
        int lastLength;
        long growingSince;
        int growingBatches;
        int growthReported;
        /** The Flight Recorder event of the stuck step reported now (null: none, or not recording). */
        JfrEvents.StuckStep stuckEvent;

        State(long seq, long now) {
            this.seq = seq;
            this.since = now;
        }
    }

    private static void run() {
        EventLoops.register(); // here, so that loading JMX never costs a loop thread anything
        while (true) {
            long period = Math.min(250_000_000L, Math.max(1_000_000L, thresholdNanos / 4));
            if (WATCHED.isEmpty() || !enabled) {
                LockSupport.park(Watchdog.class);
            } else {
                LockSupport.parkNanos(Watchdog.class, period);
            }
            if (!enabled) {
                continue;
            }
            long now = System.nanoTime();
            for (Map.Entry<LoopWatch, State> e : WATCHED.entrySet()) {
                try {
                    State st = e.getValue();
                    synchronized (st) {
                        sample(e.getKey(), st, now);
                    }
                } catch (RuntimeException | StackOverflowError ex) {
                    LOG.log(System.Logger.Level.ERROR, "the aio4j watchdog failed to sample a loop", ex);
                }
            }
        }
    }

    private static void sample(LoopWatch w, State st, long now) {
        EventLoop loop = w.loop();
        if (loop == null) {
            return;
        }
        long threshold = thresholdNanos;
        long seq = w.seq();
        boolean running = (seq & 1) == 1;
        if (running && seq == st.seq) {
            if (!st.stuckReported && now - st.since >= threshold) {
                st.stuckReported = true;
                st.stuckEvent = reportStuck(w, loop, w.item(), now - st.since);
            }
        } else {
            if (st.stuckReported) {
                reportRecovery(w, st, now);
            }
            st.seq = seq;
            st.since = now;
        }
        if (loop.clock() instanceof SystemClock) {
            checkLag(w, st, now, threshold);
        }
        checkGrowth(w, st, now);
    }

    private static JfrEvents.StuckStep reportStuck(LoopWatch w, EventLoop loop, Object item, long forNanos) {
        String what = Describe.readyItem(item);
        StackTraceElement[] stack;
        if (item instanceof Strand.Step step) {
            stack = step.strand().stack();
        } else {
            Thread t = w.thread();
            stack = t == null ? new StackTraceElement[0] : t.getStackTrace();
        }
        StackTraceElement at = Describe.userFrame(stack);
        String msg = String.format("the event loop on thread '%s' has been running %s for %.2f seconds, and it"
                        + " still runs%s: nothing else on this loop (no other task, callback, timer or I/O) runs"
                        + " until it returns. Move blocking or CPU-heavy code off the loop with Aio.toThread(...)",
                threadName(w), what, forNanos / 1e9, at == null ? "" : ", now at " + at);
        Throwable where = new Throwable("where it is now (a live stack, taken while the step runs)");
        where.setStackTrace(stack);
        LOG.log(System.Logger.Level.WARNING, msg, where);
        return JfrEvents.stuckBegins(threadName(w), what, at == null ? null : at.toString(), thresholdNanos);
    }

    private static void checkLag(LoopWatch w, State st, long now, long threshold) {
        long late = w.late();
        long lateAt = w.lateAt();
        boolean fresh = now - lateAt < 4 * threshold;
        if (!fresh) {
            return;
        }
        // timers late because of the stuck step just reported are that step's lag, already told
        boolean explained = st.lastStuckEnd != 0 && now - st.lastStuckEnd < late + 2 * threshold
                && late <= st.lastStuckFor + threshold;
        if (late >= threshold && !st.lagReported && !st.stuckReported && !explained) {
            st.lagReported = true;
            LOG.log(System.Logger.Level.WARNING, String.format("timers on the event loop on thread '%s' fire %.2f"
                            + " seconds late: the loop has more ready work"
                            + " than it can run (%d items in its last batch). Spread the work out, bound it with a"
                            + " Semaphore or a Queue, or move CPU-heavy parts to threads (Aio.toThread)",
                    threadName(w), late / 1e9, w.length()));
        } else if (late < threshold / 2 && st.lagReported) {
            st.lagReported = false;
            LOG.log(System.Logger.Level.WARNING, String.format("timers on the event loop on thread '%s' fire on time"
                    + " again (%.3f seconds late)", threadName(w), late / 1e9));
        }
    }

    private static void checkGrowth(LoopWatch w, State st, long now) {
        int length = w.length();
        if (length > st.lastLength) {
            if (st.growingBatches == 0) {
                st.growingSince = now;
            }
            st.growingBatches++;
        } else if (length < st.lastLength) {
            st.growingBatches = 0;
        }
        st.lastLength = length;
        if (st.growthReported == 0 && length >= GROWTH_MIN && st.growingBatches >= 3
                && now - st.growingSince >= GROWTH_NANOS) {
            st.growthReported = length;
            LOG.log(System.Logger.Level.WARNING, String.format("the ready queue of the event loop on thread '%s' has"
                            + " grown batch after batch for %.1f seconds, to %d items: callbacks, wake-ups or"
                            + " cross-thread submissions arrive faster than the loop runs them. Bound the producers"
                            + " (a Semaphore, or a bounded Queue with await put)", threadName(w),
                    (now - st.growingSince) / 1e9, length));
        } else if (st.growthReported > 0 && length < st.growthReported / 2) {
            st.growthReported = 0;
            LOG.log(System.Logger.Level.WARNING, String.format("the ready queue of the event loop on thread '%s' is"
                    + " down to %d items", threadName(w), length));
        }
    }

    private static String threadName(LoopWatch w) {
        Thread t = w.thread();
        return t == null ? "?" : t.getName();
    }
}
