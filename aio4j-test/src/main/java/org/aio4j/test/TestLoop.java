package org.aio4j.test;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.VirtualClock;
import org.aio4j.internal.LoopHooks;

/**
 * The running test's loop and its controls: virtual time, {@link #waitAllTasksBlocked()},
 * background tasks and ordered step assertions. Injected into {@link AioTest} methods, or found with
 * {@link #current()}.
 *
 * <p>All methods are called from the test's coroutines (the loop thread). The time controls need
 * virtual time; with {@code @AioTest(realTime = true)} they throw {@link IllegalStateException}.
 */
public final class TestLoop {
    private static final Map<EventLoop, TestLoop> RUNNING = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final VirtualClock clock;
    private final Set<Task<?>> background = new LinkedHashSet<>();
    /** Virtual deadline (loop nanoseconds) that time controls never jump past: the test's timeout. */
    long limitNanos = Long.MAX_VALUE;
    private int step;
    private boolean stepsUsed;
    private boolean finished;
    private AssertionError stepFailure;

    TestLoop(EventLoop loop, VirtualClock clock) {
        this.loop = loop;
        this.clock = clock;
    }

    /**
     * The test loop of the running {@link AioTest}.
     *
     * @throws IllegalStateException outside an {@code @AioTest}
     */
    public static TestLoop current() {
        TestLoop t = RUNNING.get(Aio.runningLoop());
        if (t == null) {
            throw new IllegalStateException("no @AioTest is running on this loop: TestLoop.current() works"
                    + " inside methods annotated @AioTest");
        }
        return t;
    }

    void register() {
        RUNNING.put(loop, this);
    }

    void unregister() {
        RUNNING.remove(loop);
    }

    /** The test's event loop. */
    public EventLoop loop() {
        return loop;
    }

    /**
     * The test's virtual clock.
     *
     * @throws IllegalStateException in a real-time test
     */
    public VirtualClock clock() {
        return requireVirtual("clock()");
    }

    /** The loop's time in seconds (virtual seconds since the test started, on virtual time). */
    public double time() {
        return loop.time();
    }

    // ------------------------------------------------------------------ scheduling control

    /**
     * Suspends the calling coroutine until every other task is parked and no callback or timer is due
     * at the current time (Trio's {@code wait_all_tasks_blocked}). Time does not move.
     */
    public void waitAllTasksBlocked() {
        Aio.await(LoopHooks.get().whenIdle(loop));
    }

    /** Runs everything that can run at the current virtual time; time does not move. */
    public void runCurrent() {
        waitAllTasksBlocked();
    }

    /**
     * Moves virtual time forward by {@code seconds}, running every timer that falls due on the way at
     * its own time, then everything that can run at the new time.
     *
     * @throws IllegalArgumentException if {@code seconds} is negative or NaN
     * @throws IllegalStateException in a real-time test
     */
    public void advanceBy(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("advanceBy(" + seconds + "): time only moves forward");
        }
        advanceByNanos((long) Math.ceil(seconds * 1e9));
    }

    /** {@link #advanceBy(double)} with a {@link Duration}. */
    public void advanceBy(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("advanceBy(" + duration + "): time only moves forward");
        }
        advanceByNanos(duration.toNanos());
    }

    private void advanceByNanos(long nanos) {
        VirtualClock c = requireVirtual("advanceBy");
        long target = c.nanoTime() + nanos;
        while (true) {
            waitAllTasksBlocked();
            long next = LoopHooks.get().nextTimerDeadline(loop);
            if (next == Long.MIN_VALUE || next - target > 0) {
                break;
            }
            moveTo(c, next);
        }
        moveTo(c, target);
        waitAllTasksBlocked();
    }

    /**
     * Runs until nothing is left to do: every timer that exists (and every one they schedule) fires
     * in order, time jumping to each. Stops at the test's virtual timeout.
     */
    public void advanceUntilIdle() {
        VirtualClock c = requireVirtual("advanceUntilIdle");
        while (true) {
            waitAllTasksBlocked();
            long next = LoopHooks.get().nextTimerDeadline(loop);
            if (next == Long.MIN_VALUE || next - limitNanos >= 0) {
                return;
            }
            moveTo(c, next);
        }
    }

    private static void moveTo(VirtualClock c, long deadline) {
        long delta = deadline - c.nanoTime();
        if (delta > 0) {
            c.advanceBy(delta);
        }
    }

    private VirtualClock requireVirtual(String what) {
        if (clock == null) {
            throw new IllegalStateException(what + " needs virtual time; this test runs with @AioTest(realTime = true)");
        }
        return clock;
    }

    // ------------------------------------------------------------------ background work

    /**
     * Starts {@code coro} as a background task: it may still be running when the test body returns;
     * then it is cancelled (and awaited) instead of failing the test as a leak. Its failure, if it
     * fails before that and nobody awaits it, still fails the test.
     */
    public <T> Task<T> background(Coro<T> coro) {
        Task<T> t = loop.createTask(coro, "background-" + (background.size() + 1));
        background.add(t);
        return t;
    }

    Set<Task<?>> backgroundTasks() {
        return Collections.unmodifiableSet(background);
    }

    // ------------------------------------------------------------------ ordered steps

    /**
     * Asserts that this is step {@code n} of the test: steps must come 1, 2, 3... in that order,
     * whichever task or callback reaches them (kotlinx-coroutines' {@code expect}).
     *
     * @throws AssertionError if the previous step was not {@code n - 1}
     */
    public void expect(int n) {
        stepsUsed = true;
        if (finished) {
            fail("expect(" + n + ") after finish(" + step + ")");
        }
        if (step + 1 != n) {
            fail("expected step " + n + " but the last step was " + step);
        }
        step = n;
    }

    /** The last step: {@code expect(n)}, and the test may not reach any step after it. */
    public void finish(int n) {
        expect(n);
        finished = true;
    }

    private void fail(String message) {
        AssertionError e = new AssertionError(message);
        if (stepFailure == null) {
            stepFailure = e; // reported even if the task that hit it swallows the error
        }
        throw e;
    }

    /** Problems with the steps, checked when the test ends; null if none. */
    AssertionError stepProblem() {
        if (stepFailure != null) {
            return stepFailure;
        }
        if (stepsUsed && !finished) {
            return new AssertionError("expect(...) was used but finish(n) was never reached (last step: " + step + ")");
        }
        return null;
    }

    /** A new {@link Sequencer} on this loop. */
    public Sequencer sequencer() {
        return new Sequencer(loop);
    }
}
