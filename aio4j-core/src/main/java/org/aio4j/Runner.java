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
        try {
            return loop.runUntilComplete(task);
        } catch (Throwable e) {
            if (task.done() && !task.cancelled()) {
                task.markRetrieved(); // the caller gets it
            }
            throw e;
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
            loop.shutdownDefaultExecutor(EXECUTOR_SHUTDOWN_TIMEOUT);
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
