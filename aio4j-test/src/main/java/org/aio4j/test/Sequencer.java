package org.aio4j.test;

import java.util.HashMap;
import java.util.Map;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;

/**
 * Forces an interleaving between tasks (Trio's {@code Sequencer}): {@code step(n)} waits until steps
 * {@code 0 .. n-1} have been closed; closing step {@code n} lets step {@code n + 1} go.
 *
 * <pre>{@code
 * Sequencer seq = test.sequencer();
 * Aio.createTask(Aio.async(() -> {
 *     try (var s = seq.step(0)) { ... }        // runs first
 *     try (var s = seq.step(2)) { ... }        // runs third
 * }));
 * try (var s = seq.step(1)) { ... }            // runs second
 * }</pre>
 *
 * <p>Each step number is used once; a second {@code step(n)}, or closing a step twice, throws
 * {@link IllegalStateException}. Loop thread only.
 */
public final class Sequencer {
    private final EventLoop loop;
    private final Map<Integer, Future<Void>> waiting = new HashMap<>();
    private final java.util.Set<Integer> claimed = new java.util.HashSet<>();
    private int next;

    Sequencer(EventLoop loop) {
        this.loop = loop;
    }

    /** A step in progress; {@link #close()} ends it. */
    public final class Step implements AutoCloseable {
        private final int n;
        private boolean closed;

        private Step(int n) {
            this.n = n;
        }

        /** Ends this step and lets the next one start. */
        @Override
        public void close() {
            if (closed) {
                throw new IllegalStateException("sequencer step " + n + " closed twice");
            }
            closed = true;
            next = n + 1;
            Future<Void> f = waiting.remove(next);
            if (f != null && !f.done()) {
                f.setResult(null);
            }
        }
    }

    /**
     * Waits until every step before {@code n} was closed, then returns step {@code n} (close it to let
     * the next one go).
     *
     * @throws IllegalStateException if step {@code n} was already taken
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public Step step(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("sequencer steps start at 0, got " + n);
        }
        if (!claimed.add(n)) {
            throw new IllegalStateException("sequencer step " + n + " was already taken");
        }
        if (next != n) {
            Future<Void> f = loop.createFuture();
            waiting.put(n, f);
            Aio.await(f);
        }
        return new Step(n);
    }
}
