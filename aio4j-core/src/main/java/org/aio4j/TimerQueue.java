package org.aio4j;

import java.util.PriorityQueue;

/**
 * The loop's timers: a binary heap ordered by (deadline, sequence), deadlines compared wrap-safe, on
 * the loop clock's nanoseconds. Loop thread only.
 */
final class TimerQueue {
    /*
     * Cancellation is lazy: a cancelled timer stays in the heap until it would fire, or until cancelled
     * timers make up most of a large heap (then one purge, as asyncio's _run_once does), so cancel is
     * O(1) and the common "timeout that did not fire" costs no heap surgery.
     */

    /** Below this many cancelled timers a purge is not worth a heap rebuild. */
    private static final int MIN_CANCELLED_TO_PURGE = 100;

    private final PriorityQueue<TimerHandle> heap = new PriorityQueue<>(TimerHandle::compare);
    private long sequence;
    private int cancelled;

    /** The sequence number for a new timer: equal deadlines fire in scheduling order. */
    long nextSequence() {
        return sequence++;
    }

    void add(TimerHandle h) {
        heap.add(h);
    }

    /** A timer of this queue was cancelled (it stays in the heap until popped or purged). */
    void cancelled() {
        cancelled++;
    }

    /** Drops cancelled timers when they dominate the heap. */
    void purgeIfWorthIt() {
        if (cancelled > MIN_CANCELLED_TO_PURGE && cancelled * 2 > heap.size()) {
            heap.removeIf(h -> h.cancelled);
            cancelled = 0;
        }
    }

    /** The nearest live timer, or null (cancelled ones at the top are dropped). */
    TimerHandle peek() {
        TimerHandle h;
        while ((h = heap.peek()) != null && h.cancelled) {
            heap.poll();
            cancelled = Math.max(0, cancelled - 1);
        }
        return h;
    }

    /** Whether a live timer is due now on {@code clock}; reads the clock only if there is a timer. */
    boolean due(Clock clock) {
        TimerHandle h = peek();
        return h != null && h.deadline - clock.nanoTime() <= 0;
    }

    /** Moves every live timer due at {@code now} to {@code ready}, in deadline order. */
    void popDue(long now, java.util.ArrayDeque<Object> ready, LoopWatch watch) {
        TimerHandle h = heap.peek();
        if (h != null && h.deadline - now <= 0) {
            watch.timersLate(now - h.deadline, now);
        }
        while ((h = heap.peek()) != null && h.deadline - now <= 0) {
            heap.poll();
            if (h.cancelled) {
                cancelled = Math.max(0, cancelled - 1);
            } else {
                ready.addLast(h);
            }
        }
    }

    int size() {
        return heap.size();
    }

    void clear() {
        heap.clear();
        cancelled = 0;
    }
}
