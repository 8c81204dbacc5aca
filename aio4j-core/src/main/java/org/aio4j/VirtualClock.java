package org.aio4j;

import java.time.Duration;

/**
 * A clock that moves only when told to, or, with auto-jump (the default), whenever its loop has
 * nothing ready to run: then it jumps straight to the next timer. A test that sleeps an hour takes
 * microseconds, and the order and the virtual times of events are deterministic.
 *
 * <p>The loop does not jump while it is waiting for work that completes outside it in real time: a
 * {@link java.util.concurrent.CompletionStage} being awaited, work sent to a thread with
 * {@link Aio#toThread}, a task parked inside a blocking JDK call. Then it waits for that work in real
 * time and jumps again once it is back. (Trio's {@code MockClock(autojump_threshold=0)} and
 * kotlinx-coroutines-test's {@code runTest} work the same way.)
 *
 * <p>Thread-safety: loop thread only, like the loop that uses it. Give each loop its own clock.
 */
public final class VirtualClock implements Clock {
    private long now;
    private boolean autoJump = true;

    VirtualClock() {
    }

    @Override
    public long nanoTime() {
        return now;
    }

    /** Whether the loop jumps this clock to the next timer when idle (default {@code true}). */
    public boolean autoJump() {
        return autoJump;
    }

    /** Turns auto-jump on or off; without it time moves only through {@link #advanceBy}. */
    public VirtualClock autoJump(boolean on) {
        this.autoJump = on;
        return this;
    }

    /**
     * Moves time forward by {@code nanos}. Timers that become due run at the loop's next iteration.
     *
     * @throws IllegalArgumentException if {@code nanos} is negative: virtual time never goes back
     */
    public void advanceBy(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("cannot move a clock backwards: advanceBy(" + nanos + ")");
        }
        now += nanos;
    }

    /** Moves time forward by {@code d}; see {@link #advanceBy(long)}. */
    public void advanceBy(Duration d) {
        advanceBy(d.toNanos());
    }

    /** Moves time to {@code nanoTime} if that is later than now (used by the loop's auto-jump). */
    void advanceTo(long nanoTime) {
        if (nanoTime - now > 0) {
            now = nanoTime;
        }
    }

    @Override
    public String toString() {
        return "VirtualClock[" + (now / 1e9) + "s" + (autoJump ? ", autoJump" : "") + "]";
    }
}
