package org.aio4j.bench;

/**
 * How much work one measurement of each figure does, shared by every JVM variant.
 *
 * <p>{@code asyncio_bench.py} repeats these numbers for the CPython peers; change both together.
 * Quick mode ({@link Plan#count}) divides them by 10, except where JMH needs the compile-time
 * constant for {@code @OperationsPerInvocation} (figures 1-3 of aio4j: there quick mode shortens the
 * JMH iterations instead, which is what bounds their duration anyway).
 */
final class Workload {
    /*
     * Sizes: each measurement of figures 1-3 takes tens of milliseconds for aio4j and Kotlin and up
     * to a few seconds for CPython and virtual threads on the default scheduler, so that loop start
     * and thread start-up are noise, and the whole run stays within about 20 minutes.
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

    private Workload() {}
}
