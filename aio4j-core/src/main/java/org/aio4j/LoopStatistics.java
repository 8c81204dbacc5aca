package org.aio4j;

/**
 * A snapshot of an event loop's counters ({@link EventLoop#statistics()}), also shown by
 * {@code ./aio4j loops PID}.
 *
 * @param iterations    loop iterations run (asyncio's {@code _run_once} calls)
 * @param steps         ready items run: task steps and callbacks
 * @param readyLength   items waiting in the ready queue now
 * @param timers        timers scheduled (cancelled ones not yet purged included)
 * @param ioRegistrations readers and writers registered on the selector
 * @param tasks         tasks not done
 * @param selectSeconds time spent blocked in the selector (waiting for I/O or the next timer)
 * @param lagSeconds    how late the most recently due timers fired (0 when on time)
 */
public record LoopStatistics(long iterations, long steps, int readyLength, int timers, int ioRegistrations, int tasks,
                             double selectSeconds, double lagSeconds) {
}
