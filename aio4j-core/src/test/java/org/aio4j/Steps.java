package org.aio4j;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ordered step assertions (the {@code expect(n)} / {@code finish(n)} idiom of kotlinx-coroutines'
 * TestBase): each {@code expect(n)} must be the n-th step taken, so a test states the order of its
 * events instead of sleeping.
 *
 * <p>A step taken out of order throws an {@link AssertionError} where it happens and remembers it:
 * an assertion thrown in a callback or a task nobody awaits would otherwise only reach the loop's
 * exception handler, so {@link #finish(int)} and {@link #check()}, called by the test method itself,
 * rethrow the first such failure. Safe to use from the loop thread and from task strands.
 */
final class Steps {
    private final AtomicInteger taken = new AtomicInteger();
    private volatile AssertionError failure;
    private volatile boolean finished;

    /** Takes step {@code n}; fails if it is not the next one. */
    void expect(int n) {
        int actual = taken.incrementAndGet();
        if (actual != n) {
            fail(new AssertionError("step " + n + " was expected next, but " + (actual - 1)
                    + " step(s) were taken before it"));
        }
        if (finished) {
            fail(new AssertionError("step " + n + " taken after finish()"));
        }
    }

    /** Takes the last step {@code n} and rethrows any failure seen on the way. */
    void finish(int n) {
        expect(n);
        finished = true;
        check();
    }

    /** Marks a point the test must never reach. */
    void unreached() {
        fail(new AssertionError("this point must not be reached (after step " + taken.get() + ")"));
    }

    /** The number of steps taken so far. */
    int taken() {
        return taken.get();
    }

    /** Rethrows the first step failure, if any. */
    void check() {
        AssertionError e = failure;
        if (e != null) {
            throw e;
        }
    }

    private void fail(AssertionError e) {
        if (failure == null) {
            failure = e;
        }
        throw e;
    }
}
