package org.aio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs several coroutines, one after the other, on one event loop: Python's {@code asyncio.Runner}.
 * {@link Aio#run} is a runner used once.
 *
 * <pre>{@code
 * try (Runner runner = Runner.create()) {
 *     runner.run(async(() -> setUp()));
 *     runner.run(async(() -> work()));
 * }   // close(): cancel what is left and wait for it, shut the default executor down, close the loop
 * }</pre>
 *
 * <p>States: OPEN --close()--> CLOSED; {@code run} on a closed runner throws
 * {@link IllegalStateException}. A runner belongs to the thread that uses it.
 */
public final class Runner implements AutoCloseable {

    /** How long {@link #close()} waits for work sent to the default executor (asyncio's figure). */
    static final Duration EXECUTOR_SHUTDOWN_TIMEOUT = Duration.ofSeconds(300);

    private final EventLoop loop;
    private boolean closed;

    private Runner(EventLoop loop) {
        this.loop = loop;
    }

    /** A runner with a new loop on the system clock. */
    public static Runner create() {
        return new Runner(EventLoop.create());
    }

    /** A runner with a new loop on {@code clock} (for instance a {@link VirtualClock}). */
    public static Runner create(Clock clock) {
        return new Runner(EventLoop.create(clock));
    }

    /** The runner's loop. */
    public EventLoop getLoop() {
        return loop;
    }

    /**
     * Runs {@code coro} as a task until it is done and returns its result or throws its exception.
     * Other tasks it started and that are still pending stay pending until the next {@code run} or
     * {@link #close()}.
     *
     * <p>Ctrl-C (asyncio 3.11): while it runs, if SIGINT still has the JVM's default handler (exit),
     * the first SIGINT cancels the main task, and if the task ends with that cancellation, this throws
     * {@link KeyboardInterrupt}; a second SIGINT stops the loop at once (after the callback running
     * then) and this throws {@link KeyboardInterrupt} with the task still pending, for {@link #close()}
     * to cancel. The default handler is back when this returns: a Ctrl-C during {@code close()} exits
     * the JVM. See {@code docs/signals.md}.
     *
     * @throws KeyboardInterrupt     after Ctrl-C, as above
     * @throws IllegalStateException if the runner is closed, or called from a running event loop
     */
    public <T> T run(Coro<T> coro) {
        if (coro == null) {
            throw new NullPointerException("run(null): a coroutine was expected; make one with Aio.async(...)");
        }
        if (closed) {
            throw new IllegalStateException("Runner is closed");
        }
        if (EventLoop.currentOrNull() != null) {
            throw new IllegalStateException("Aio.run() / Runner.run() cannot be called from a running event"
                    + " loop: inside a coroutine, await the coroutine (Aio.await) or create a task instead");
        }
        Task<T> task = loop.createTask(coro);
        SigintWatch sigint = SigintWatch.install(loop, task);
        try {
            return loop.runUntilComplete(task);
        } catch (IllegalStateException e) {
            if (sigint != null && sigint.stoppedLoop()) {
                throw new KeyboardInterrupt("a second Ctrl-C (SIGINT) stopped the loop before the main task "
                        + task.getName() + " finished", null);
            }
            throw e;
        } catch (CancelledError e) {
            if (sigint != null && sigint.interrupts() > 0 && task.cancelled() && task.uncancel() == 0) {
                throw new KeyboardInterrupt("Ctrl-C (SIGINT) cancelled the main task " + task.getName(), e);
            }
            throw e;
        } catch (Throwable e) {
            if (task.done() && !task.cancelled()) {
                task.markRetrieved(); // the caller gets it
            }
            throw e;
        } finally {
            if (sigint != null) {
                sigint.restore();
            }
        }
    }

    /**
     * Cancels the tasks still pending and waits for them, closes the async generators abandoned
     * mid-iteration ({@link EventLoop#shutdownAsyncgens()}), shuts the default executor down (waiting up
     * to 300 s for its work), and closes the loop. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            cancelAllTasks();
            if (loop.hasAsyncGensToClose()) {
                loop.runUntilComplete(loop.shutdownAsyncgens());
            }
            if (loop.executor.hasExecutorToShutDown()) {
                loop.runUntilComplete(loop.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT));
            }
        } finally {
            loop.close();
        }
    }

    private void cancelAllTasks() {
        Set<Task<?>> pending = loop.allTasks();
        if (pending.isEmpty()) {
            return;
        }
        List<Task<?>> toCancel = new ArrayList<>(pending);
        for (Task<?> t : toCancel) {
            t.cancel();
        }
        loop.runUntilComplete(GatheringFuture.of(loop, true, toCancel));
        for (Task<?> t : toCancel) {
            if (!t.cancelled() && t.exception() != null) {
                loop.callExceptionHandler(new ExceptionContext("unhandled exception during Aio.run() shutdown",
                        t.exception(), t, null, t.getName()));
            }
        }
    }
}
