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

    /**
     * Shuffle mode: this iteration's callbacks in a random order. Items pushed at the head while it
     * runs (an eager task's first step) still run right after the item that pushed them.
     */
    void runShuffled(EventLoop loop, ReadyQueue ready) {
        Object[] batch = ready.takeBatch();
        for (int i = batch.length - 1; i > 0; i--) {
            int j = shuffle.nextInt(i + 1);
            Object t = batch[i];
            batch[i] = batch[j];
            batch[j] = t;
        }
        shuffledLeft = batch.length;
        try {
            for (Object item : batch) {
                shuffledLeft--;
                ready.runItem(loop, item);
                while (ready.batchLeft() > 0) {
                    ready.runNext(loop);
                }
            }
        } finally {
            shuffledLeft = 0;
        }
    }
}
