package org.aio4j.bench;

import java.util.List;

/**
 * How much work one measurement of each figure does, shared by every JVM variant.
 *
 * <p>{@code asyncio_bench.py} repeats these numbers for the CPython peers; change both together.
 * Quick mode ({@link Plan#count}) divides them by 10, except where JMH needs the compile-time
 * constant for {@code @OperationsPerInvocation} (figures 1-3, 6 and 7 of aio4j: there quick mode
 * shortens the JMH iterations instead, which is what bounds their duration anyway).
 */
final class Workload {
    /*
     * Sizes: each measurement of figures 1-3, 6 and 7 takes tens of milliseconds for aio4j and
     * Kotlin and up to a few seconds for CPython and virtual threads on the default scheduler, so
     * that loop start and thread start-up are noise, and the whole run stays within about 20
     * minutes. Figures 6 and 7 were sized on CPython asyncio (about 1 and 2 s per measurement on
     * the 2-core machine), so that each peer finishes one of them, warm-up included, well within a
     * minute. Figure 9 was sized the same way: CPython takes 60-110 ns per item, so a
     * million items is about 0.1 s per measurement.
     */

    /** Figure 1: rounds of ping-pong; each round is two switches. */
    static final int PING_PONG_ROUNDS = 100_000;
    /** Figure 2: iterations of {@code sleep(0)} in one task. */
    static final int SLEEP0_ITERATIONS = 1_000_000;
    /** Figure 3: iterations of {@code sleep(0)} in each of the two tasks. */
    static final int SLEEP0_PAIR_ITERATIONS = 500_000;
    /** Figure 4: tasks spawned and gathered. */
    static final int GATHER_TASKS = 1_000_000;
    /** Figure 5: tasks parked at once. */
    static final int MEMORY_TASKS = 1_000_000;
    /** Figure 6: items one producer puts into the queue and one consumer gets. */
    static final int QUEUE_ITEMS = 1_000_000;
    /** Figure 6: the queue's capacity (asyncio's {@code maxsize}). */
    static final int QUEUE_SIZE = 64;
    /** Figure 7: tasks contending for the lock. */
    static final int LOCK_TASKS = 4;
    /** Figure 7: acquisitions of the lock by each task. */
    static final int LOCK_ACQUIRES_PER_TASK = 50_000;
    /** Figure 16: callLater timers scheduled and fired (delays 0-999 us). */
    static final int TIMERS = 1_000_000;
    /** Figure 17: tasks that pass through the semaphore, each doing sleep(0) while holding a permit. */
    static final int SEMAPHORE_TASKS = 100_000;
    /** Figure 17: the semaphore's permits. */
    static final int SEMAPHORE_PERMITS = 50;
    /** Figure 18: timeout scopes entered and left without firing. */
    static final int TIMEOUT_SCOPES = 1_000_000;
    /** Figure 9: items an async generator yields, 0 .. ASYNCGEN_ITEMS - 1. */
    static final int ASYNCGEN_ITEMS = 1_000_000;
    /**
     * Figure 9: items of the pull loop in the portable strand mode, where each item is a hand-over
     * between two threads (microseconds, not nanoseconds); also the size in quick mode.
     */
    static final int ASYNCGEN_PORTABLE_ITEMS = 20_000;
    /**
     * Figure 11: processes started one after the other per measurement (`true` spawned and waited
     * for; `cat` round trips), as the issue asks; a process takes about a millisecond.
     */
    static final int SUBPROCESS_COUNT = 200;

    /**
     * Figure 6's check: the consumer sums the items 0 .. items-1 it got; anything but their sum means
     * items were lost, duplicated or made up. Returns {@code sum}.
     *
     * @throws IllegalStateException if the sum is wrong
     */
    static long checkQueueSum(int items, long sum) {
        long expected = (long) items * (items - 1) / 2;
        if (sum != expected) {
            throw new IllegalStateException("queue: the consumer's items sum to " + sum + ", expected "
                    + expected + " (0 + 1 + ... + " + (items - 1) + ")");
        }
        return sum;
    }

    /**
     * Figure 7's check: each critical section reads a shared counter, yields, and writes the value it
     * read plus one, so a second task inside the section at the same time loses an increment.
     * Returns {@code counter}.
     *
     * @throws IllegalStateException if the counter is not {@code tasks * acquiresPerTask}
     */
    static int checkLockCount(int tasks, int acquiresPerTask, int counter) {
        int expected = tasks * acquiresPerTask;
        if (counter != expected) {
            throw new IllegalStateException("lock: the counter is " + counter + " after " + expected
                    + " critical sections; mutual exclusion failed");
        }
        return counter;
    }

    /**
     * Figure 9's check of a summing consumer: the items 0 .. items-1 sum to items * (items - 1) / 2;
     * anything else means items were lost, duplicated or made up. Returns {@code sum}.
     *
     * @throws IllegalStateException if the sum is wrong
     */
    static long checkGeneratorSum(int items, long sum) {
        long expected = (long) items * (items - 1) / 2;
        if (sum != expected) {
            throw new IllegalStateException("asyncgen: the consumer's items sum to " + sum + ", expected "
                    + expected + " (0 + 1 + ... + " + (items - 1) + ")");
        }
        return sum;
    }

    /**
     * Figure 9's check of the filtering comprehension: of 0 .. items-1 it keeps the odd numbers,
     * {@code items / 2} of them, whose sum is {@code (items / 2)^2}. Returns the list's size.
     *
     * @throws IllegalStateException if the list is wrong
     */
    static int checkOddList(int items, List<Integer> odd) {
        long half = items / 2;
        long sum = 0;
        for (int v : odd) {
            sum += v;
        }
        if (odd.size() != half || sum != half * half) {
            throw new IllegalStateException("asyncgen: the comprehension kept " + odd.size() + " items summing to "
                    + sum + ", expected the " + half + " odd numbers below " + items + " (sum " + half * half + ")");
        }
        return odd.size();
    }

    private Workload() {}

    /** {@code actual}, after checking it is {@code expected} (a scenario that lost work fails). */
    static int checkCount(String figure, int expected, int actual) {
        if (actual != expected) {
            throw new IllegalStateException(figure + ": " + actual + " done, expected " + expected);
        }
        return actual;
    }
}
