package org.aio4j;

import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * "Coroutine was never awaited", per loop. A coroutine made during a batch is only noted; one that
 * survives the batch still unawaited (most are awaited or wrapped in a task at once, and never pay
 * for this) is watched: reported when collected, or when the loop closes, whichever comes first.
 */
final class CoroWatch {
    /** Made during the current batch (loop thread only). */
    private final ArrayList<Coro<?>> fresh = new ArrayList<>();
    /** Watched reports (any thread: the cleaner removes them too). */
    private final Set<Coro.NeverAwaited> watched = ConcurrentHashMap.newKeySet();

    void fresh(Coro<?> c) {
        fresh.add(c);
    }

    boolean anyFresh() {
        return !fresh.isEmpty();
    }

    /** After a batch: watch the coroutines it made that are still unawaited. */
    void watchFresh(EventLoop loop) {
        if (!fresh.isEmpty()) {
            for (Coro<?> c : fresh) {
                c.watch(loop);
            }
            fresh.clear();
        }
    }

    void watching(Coro.NeverAwaited w) {
        watched.add(w);
    }

    void unwatch(Coro.NeverAwaited w) {
        watched.remove(w);
    }

    /** The loop closes: report every coroutine still never awaited. */
    void reportAtClose(EventLoop loop) {
        watchFresh(loop);
        for (Coro.NeverAwaited w : new ArrayList<>(watched)) {
            w.reportNow();
        }
    }
}
