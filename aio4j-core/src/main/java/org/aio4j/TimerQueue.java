package org.aio4j;


/**
 * The loop's timers: a binary heap ordered by (deadline, sequence), deadlines compared wrap-safe, on
 * the loop clock's nanoseconds. Loop thread only.
 */
final class TimerQueue {
    /*
     * Cancellation is lazy: a cancelled timer stays in the heap until it would fire, or until cancelled
     * timers make up most of a large heap (then one purge, as asyncio's _run_once does), so cancel is
     * O(1) and the common "timeout that did not fire" costs no heap surgery.
     *
     * The heap is 4-ary, over parallel arrays: the deadlines it compares sit in a long[] (a handle's
     * sequence number is read only to break a tie), so sifting through a large heap reads contiguous memory instead of following a
     * pointer to a TimerHandle at every level (a java.util.PriorityQueue of handles did, and with a
     * million timers each pop missed the cache about twenty times). Four children per node halve
     * the depth; their keys share cache lines.
     */

    /** Below this many cancelled timers a purge is not worth a heap rebuild. */
    private static final int MIN_CANCELLED_TO_PURGE = 100;

    private long[] deadlines = new long[16];
    private TimerHandle[] handles = new TimerHandle[16];
    private int size;
    private long sequence;
    private int cancelled;

    /** The sequence number for a new timer: equal deadlines fire in scheduling order. */
    long nextSequence() {
        return sequence++;
    }

    void add(TimerHandle h) {
        if (size == handles.length) {
            int n = size * 2;
            deadlines = java.util.Arrays.copyOf(deadlines, n);
            handles = java.util.Arrays.copyOf(handles, n);
        }
        siftUp(size++, h);
    }

    /** A timer of this queue was cancelled (it stays in the heap until popped or purged). */
    void cancelled() {
        cancelled++;
    }

    /** Drops cancelled timers when they dominate the heap. */
    void purgeIfWorthIt() {
        if (cancelled > MIN_CANCELLED_TO_PURGE && cancelled * 2 > size) {
            int kept = 0;
            for (int i = 0; i < size; i++) {
                if (!handles[i].cancelled) {
                    move(i, kept++);
                }
            }
            java.util.Arrays.fill(handles, kept, size, null);
            size = kept;
            for (int i = (size - 2) >> 2; i >= 0; i--) { // heapify
                siftDown(i, handles[i]);
            }
            cancelled = 0;
        }
    }

    /** The nearest live timer, or null (cancelled ones at the top are dropped). */
    TimerHandle peek() {
        while (size > 0 && handles[0].cancelled) {
            poll();
            cancelled = Math.max(0, cancelled - 1);
        }
        return size > 0 ? handles[0] : null;
    }

    /** Whether a live timer is due now on {@code clock}; reads the clock only if there is a timer. */
    boolean due(Clock clock) {
        TimerHandle h = peek();
        return h != null && h.deadline - clock.nanoTime() <= 0;
    }

    /** Moves every live timer due at {@code now} to {@code ready}, in deadline order. */
    void popDue(long now, java.util.ArrayDeque<Object> ready, LoopWatch watch) {
        if (size > 0 && deadlines[0] - now <= 0) {
            watch.timersLate(now - deadlines[0], now);
        }
        while (size > 0 && deadlines[0] - now <= 0) {
            TimerHandle h = poll();
            if (h.cancelled) {
                cancelled = Math.max(0, cancelled - 1);
            } else {
                ready.addLast(h);
            }
        }
    }

    int size() {
        return size;
    }

    void clear() {
        java.util.Arrays.fill(handles, 0, size, null);
        size = 0;
        cancelled = 0;
    }

    // ---------------------------------------------------------------- the 4-ary heap

    /** Removes and returns the first timer (the heap is not empty). */
    private TimerHandle poll() {
        TimerHandle first = handles[0];
        int last = --size;
        TimerHandle moved = handles[last];
        handles[last] = null;
        if (last > 0) {
            siftDown(0, moved);
        }
        return first;
    }

    /** Whether timer {@code a} (deadline {@code da}) comes before {@code b}: deadlines wrap-safe, ties by sequence. */
    private static boolean before(long da, TimerHandle a, long db, TimerHandle b) {
        long diff = da - db;
        return diff < 0 || diff == 0 && a.sequence < b.sequence;
    }

    private void move(int from, int to) {
        deadlines[to] = deadlines[from];
        handles[to] = handles[from];
    }

    private void put(int i, TimerHandle h) {
        deadlines[i] = h.deadline;
        handles[i] = h;
    }

    private void siftUp(int i, TimerHandle h) {
        long d = h.deadline;
        while (i > 0) {
            int parent = (i - 1) >>> 2;
            if (!before(d, h, deadlines[parent], handles[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        put(i, h);
    }

    private void siftDown(int i, TimerHandle h) {
        long d = h.deadline;
        while (true) {
            int child = (i << 2) + 1;
            if (child >= size) {
                break;
            }
            int best = child;
            int end = Math.min(child + 4, size);
            for (int c = child + 1; c < end; c++) {
                if (before(deadlines[c], handles[c], deadlines[best], handles[best])) {
                    best = c;
                }
            }
            if (!before(deadlines[best], handles[best], d, h)) {
                break;
            }
            move(best, i);
            i = best;
        }
        put(i, h);
    }
}
