package org.aio4j;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What one loop publishes for the {@link Watchdog}: which item runs now, how long its ready queue
 * was at the last batch, how late its last timers fired. Written by the loop thread, read by the
 * watchdog thread.
 */
final class LoopWatch {
    /*
     * Cost on the loop: per item, three opaque stores (on x86 and ARM plain stores, no fence): the
     * sequence number before and after the item, and the item. Per batch one store (the length); per
     * due timer batch two. No clock reads: the watchdog thread times what it sees with its own
     * clock, sampling every quarter of the threshold, so "running for 0.1 s" is known to within
     * that quarter. A sequence number that is odd is an item running; the same odd number in two
     * samples is the same item still running.
     */
    private static final VarHandle SEQ;
    private static final VarHandle ITEM;
    private static final VarHandle LENGTH;
    private static final VarHandle LATE;
    private static final VarHandle LATE_AT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SEQ = l.findVarHandle(LoopWatch.class, "seq", long.class);
            ITEM = l.findVarHandle(LoopWatch.class, "item", Object.class);
            LENGTH = l.findVarHandle(LoopWatch.class, "length", int.class);
            LATE = l.findVarHandle(LoopWatch.class, "late", long.class);
            LATE_AT = l.findVarHandle(LoopWatch.class, "lateAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long seq;
    private Object item;
    private int length;
    private long late;
    private long lateAt;

    /** The timeline recording this loop, or null (read once per step by the loop thread). */
    volatile Timeline timeline;
    /** The loop thread's buffer in {@link #timelineBufferOf} (loop thread only). */
    Object timelineBuffer;
    Timeline timelineBufferOf;

    /** The loop while it runs (null otherwise); written on the loop thread before it registers. */
    private volatile EventLoop loop;
    private volatile Thread thread;

    // ---------------------------------------------------------------- the loop's side

    void enter(Object running) {
        if (Watchdog.ACTIVE) {
            ITEM.setOpaque(this, running);
            SEQ.setOpaque(this, seq + 1);
        }
    }

    void exit() {
        if (Watchdog.ACTIVE) {
            SEQ.setOpaque(this, seq + 1);
            ITEM.setOpaque(this, (Object) null);
        }
    }

    void batch(int size) {
        if (Watchdog.ACTIVE) {
            LENGTH.setOpaque(this, size);
        }
    }

    /** Timers became due at {@code now}, the earliest of them {@code lateNanos} after its deadline (loop clock). */
    void timersLate(long lateNanos, long now) {
        if (Watchdog.ACTIVE) {
            LATE.setOpaque(this, lateNanos);
            LATE_AT.setOpaque(this, now);
        }
    }

    /** The loop starts running on this thread: watched until {@link #stopped()}. */
    void running(EventLoop l) {
        thread = Thread.currentThread();
        loop = l;
        Timeline.loopStarts(this);
        Watchdog.watch(this);
    }

    void stopped() {
        Watchdog.unwatch(this);
        Timeline.loopStops(this);
        loop = null;
    }

    // ---------------------------------------------------------------- the watchdog's side

    long seq() {
        return (long) SEQ.getOpaque(this);
    }

    Object item() {
        return ITEM.getOpaque(this);
    }

    int length() {
        return (int) LENGTH.getOpaque(this);
    }

    long late() {
        return (long) LATE.getOpaque(this);
    }

    long lateAt() {
        return (long) LATE_AT.getOpaque(this);
    }

    EventLoop loop() {
        return loop;
    }

    Thread thread() {
        return thread;
    }
}
