package org.aio4j.internal;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;

/**
 * What the test kit ({@code org.aio4j.test}) may do to a loop beyond the public API. Not API:
 * exported only to the test kit's module. All methods are loop-thread only.
 */
public interface LoopHooks {

    /**
     * A future completed at the next moment the loop has nothing ready to run (every task is parked
     * and no callback is due), before it would wait for time or I/O. Trio's
     * {@code wait_all_tasks_blocked}.
     */
    Future<Void> whenIdle(EventLoop loop);

    /** Runs the callbacks of each iteration in an order drawn from {@code random}; null: FIFO. */
    void shuffle(EventLoop loop, RandomGenerator random);

    /** Calls {@code listener} with every coroutine made while the loop runs; null: none. */
    void onCoroCreated(EventLoop loop, Consumer<Coro<?>> listener);

    /** The deadline (loop nanoseconds) of the nearest pending timer, or {@code Long.MIN_VALUE}. */
    long nextTimerDeadline(EventLoop loop);

    /** The stack of a task's strand: where a parked task waits. */
    StackTraceElement[] stackOf(Task<?> task);

    /** The hooks. */
    static LoopHooks get() {
        return Installed.get();
    }

    /** Holder: the core's implementation installs itself when its class initialises. */
    final class Installed {
        private static volatile LoopHooks hooks;

        private Installed() {
        }

        /** Called once by the core. */
        public static void install(LoopHooks h) {
            if (hooks == null) {
                hooks = h;
            }
        }

        static LoopHooks get() {
            LoopHooks h = hooks;
            if (h == null) {
                try {
                    Class.forName("org.aio4j.LoopHooksImpl", true, LoopHooks.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("aio4j core classes are missing", e);
                }
                h = hooks;
            }
            return h;
        }
    }
}
