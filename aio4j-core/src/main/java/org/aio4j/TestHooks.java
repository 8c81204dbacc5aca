package org.aio4j;

import java.util.ArrayList;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * The test kit's per-loop state ({@link org.aio4j.internal.LoopHooks}): idle waiters, shuffle mode,
 * the coroutine listener. A loop the kit never touches has none. Loop thread only.
 */
final class TestHooks {
    /** Futures completed at the next moment the loop has nothing to run. */
    private ArrayList<Future<Void>> idleWaiters;
    /** Shuffle mode's random source, or null for FIFO batches. */
    RandomGenerator shuffle;
    /** Items of the shuffled batch not run yet: out of the ready queue, but still waiting. */
    int shuffledLeft;
    Consumer<Coro<?>> coroListener;

    Future<Void> whenIdle(EventLoop loop) {
        Future<Void> f = new Future<>(loop);
        if (idleWaiters == null) {
            idleWaiters = new ArrayList<>();
        }
        idleWaiters.add(f);
        return f;
    }

    /** Step 2 of an iteration, before time moves or I/O waits: {@code idle} if nothing is ready or due. */
    void releaseIdleWaiters(boolean idle) {
        if (idle && idleWaiters != null && !idleWaiters.isEmpty()) {
            ArrayList<Future<Void>> waiters = idleWaiters;
            idleWaiters = null;
            for (Future<Void> f : waiters) {
                if (!f.done()) {
                    f.setResult(null);
                }
            }
        }
    }
}
