package org.aio4j;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Collections;
import java.util.Set;
import org.jetbrains.lincheck.Lincheck;

/**
 * What the model-checked tests share: a loop whose selector is a plain Java monitor, and the call that
 * hands a scenario to the checker (Lincheck's general-purpose model checker, which runs the scenario
 * again and again, switching threads at each shared-memory access and synchronization point it can
 * see, and reports an assertion failure, an exception or a hang with the interleaving that led to it).
 *
 * <p>This is the only place the tests reach into the loop's internals: the package-private
 * constructor that takes the selector, and the count of work in flight outside the loop.
 */
final class ModelCheck {
    private ModelCheck() {
    }

    /** Multiplies every test's number of explored interleavings (as for the stress tests). */
    static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    /**
     * Explores up to {@code invocations} interleavings of {@code scenario}. The scenario starts its own
     * threads and joins them; a thread that waits forever (a lost wakeup) is reported as a hang.
     */
    static void explore(int invocations, Runnable scenario) {
        Lincheck.runConcurrentTest(invocations * SCALE, scenario);
    }

    /**
     * A new loop that waits on a {@link ModelSelector}. The checker cannot see into a native
     * {@code select()}: a loop blocked there would look like a thread that never yields.
     */
    static EventLoop newLoop() {
        return new EventLoop(Clock.system(), new ModelSelector());
    }

    /** Work the loop counts as in flight outside it (awaited stages, executor work). */
    static int workInFlightOutside(EventLoop loop) {
        return loop.outsideWorkCount();
    }

    /**
     * Fails the interleaving being explored. Scenarios check with this, not AssertJ: the checker
     * calls {@code equals} on the objects it sees returned, which AssertJ's assertions refuse.
     */
    static void check(boolean condition, String what, Object... args) {
        if (!condition) {
            throw new AssertionError(String.format(what, args));
        }
    }

    static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.start();
        return t;
    }

    static void join(Thread... threads) {
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while joining " + t.getName(), e);
            }
        }
    }

    /**
     * A selector with no channels, made of one monitor: {@code select()} waits until
     * {@link #wakeup()}, and a wakeup that comes while nobody selects makes the next select return at
     * once, as {@link Selector#wakeup()} specifies; {@code selectNow()} clears a pending wakeup.
     * A timed select may also return when its time is up (the checker may let a timed wait end early).
     */
    static final class ModelSelector extends Selector {
        private boolean wakeupPending;
        private boolean open = true;

        @Override
        public synchronized boolean isOpen() {
            return open;
        }

        @Override
        public SelectorProvider provider() {
            throw new UnsupportedOperationException("a model selector has no provider: it registers no channels");
        }

        @Override
        public Set<SelectionKey> keys() {
            return Collections.emptySet();
        }

        @Override
        public Set<SelectionKey> selectedKeys() {
            return Collections.emptySet();
        }

        @Override
        public synchronized int selectNow() {
            checkOpen();
            wakeupPending = false;
            return 0;
        }

        @Override
        public synchronized int select(long timeoutMillis) {
            if (timeoutMillis < 0) {
                throw new IllegalArgumentException("negative timeout " + timeoutMillis);
            }
            if (timeoutMillis == 0) {
                return select();
            }
            checkOpen();
            if (!wakeupPending) {
                try {
                    wait(timeoutMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            wakeupPending = false;
            return 0;
        }

        @Override
        public synchronized int select() {
            checkOpen();
            while (!wakeupPending && open) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            wakeupPending = false;
            return 0;
        }

        @Override
        public synchronized Selector wakeup() {
            wakeupPending = true;
            notifyAll();
            return this;
        }

        @Override
        public synchronized void close() {
            open = false;
            notifyAll();
        }

        private void checkOpen() {
            if (!open) {
                throw new java.nio.channels.ClosedSelectorException();
            }
        }
    }
}
