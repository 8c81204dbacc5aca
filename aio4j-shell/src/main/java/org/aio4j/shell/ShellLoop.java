package org.aio4j.shell;

import java.io.PrintStream;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Runner;

/**
 * The event loop of one shell session: created, run forever and closed on a platform thread of its
 * own, so that it keeps running tasks while the shell waits at the prompt. Errors nobody handles
 * (the loop's exception handler) are printed to the session's error stream.
 *
 * <p>Thread-safe: every method may be called from any thread except the loop's own, where
 * {@link #call} and {@link #close} would wait for themselves (they throw
 * {@link IllegalStateException} there).
 */
final class ShellLoop {

    /*
     * The loop thread owns a Runner. When close() stops the loop, runForever returns on that thread and
     * Runner.close runs there too: it cancels the tasks still pending and waits for them, closes the
     * async generators abandoned mid-iteration, shuts the default executor down and closes the loop
     * (asyncio.Runner.close; python -m asyncio in 3.11 only stops its loop).
     *
     * Lifecycle (field state, guarded by this):
     *   STARTING --loop created, about to run forever--> RUNNING --close(), or runForever returned--> CLOSING
     *   CLOSING --Runner.close returned--> CLOSED
     *   STARTING --creating the loop failed--> CLOSED
     */
    private enum State { STARTING, RUNNING, CLOSING, CLOSED }

    // any thread
    private final PrintStream err;
    private final Thread thread;
    private final CompletableFuture<EventLoop> created = new CompletableFuture<>();
    private final CountDownLatch finished = new CountDownLatch(1);
    private State state = State.STARTING; // guarded by this

    private ShellLoop(PrintStream err, String threadName) {
        this.err = err;
        this.thread = new Thread(this::runLoop, threadName);
        // Daemon: a JVM that ends without /exit (System.exit elsewhere) must not wait for the loop.
        this.thread.setDaemon(true);
    }

    /**
     * Starts a new loop on a new thread named {@code threadName} and returns once it exists.
     *
     * @throws IllegalStateException if the loop could not be created (the cause says why)
     */
    static ShellLoop start(PrintStream err, String threadName) {
        ShellLoop l = new ShellLoop(err, threadName);
        l.thread.start();
        try {
            l.created.join();
        } catch (RuntimeException e) {
            throw new IllegalStateException("the shell's event loop could not be created: " + e.getCause(), e);
        }
        return l;
    }

    /** The loop (for {@link EventLoop#callSoonThreadsafe}; its other methods belong to its thread). */
    EventLoop loop() {
        return created.join();
    }

    /** Whether {@code Thread.currentThread()} is the loop's thread or one of its tasks. */
    boolean inLoop() {
        return EventLoop.current().orElse(null) == loop();
    }

    /**
     * Runs {@code action} on the loop thread soon (a callback, not a task).
     *
     * @throws IllegalStateException if the loop is closing or closed
     */
    void execute(Runnable action) {
        synchronized (this) {
            if (state != State.RUNNING) {
                throw new IllegalStateException("the shell's event loop is " + state.name().toLowerCase()
                        + "; start a new session (/reset) to run code again");
            }
        }
        loop().callSoonThreadsafe(action);
    }

    /**
     * Runs {@code action} on the loop thread and waits for its result, rethrowing its exception
     * wrapped in an {@link ExecutionException}.
     *
     * @throws IllegalStateException if the loop is closed, or if called on the loop thread
     */
    <T> T call(Callable<T> action) throws ExecutionException {
        if (inLoop()) {
            throw new IllegalStateException("ShellLoop.call on the loop's own thread would wait for itself");
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(action.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        return Waits.uninterruptibly(result);
    }

    /**
     * Stops the loop and waits until its thread has closed it (Runner.close: pending tasks cancelled
     * and awaited, the default executor shut down). Idempotent.
     *
     * @throws IllegalStateException if called on the loop thread
     */
    void close() {
        if (inLoop()) {
            throw new IllegalStateException("the shell's loop cannot be closed from one of its own tasks");
        }
        boolean stopIt;
        synchronized (this) {
            stopIt = state == State.RUNNING;
            if (stopIt) {
                state = State.CLOSING;
            }
        }
        if (stopIt) {
            loop().callSoonThreadsafe(loop()::stop);
        }
        boolean interrupted = false;
        while (true) {
            try {
                finished.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true; // the loop is closing anyway; wait for it, keep the status
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void runLoop() {
        try (Runner runner = Runner.create()) {
            EventLoop loop = runner.getLoop();
            loop.setExceptionHandler((l, context) -> report(context));
            synchronized (this) {
                state = State.RUNNING;
            }
            created.complete(loop);
            try {
                loop.runForever();
            } finally {
                synchronized (this) {
                    state = State.CLOSING; // also when a snippet stopped the loop itself
                }
                int pending = loop.allTasks().size();
                if (pending > 0) {
                    err.println("|  aio4j: closing the event loop: cancelling " + pending + " pending task"
                            + (pending == 1 ? "" : "s"));
                    err.flush();
                }
            }
        } catch (Throwable e) {
            if (!created.completeExceptionally(e)) {
                err.println("|  aio4j: the shell's event loop failed: " + e);
                e.printStackTrace(err);
                err.flush();
            }
        } finally {
            synchronized (this) {
                state = State.CLOSED;
            }
            finished.countDown();
        }
    }

    /** The loop's exception handler: the report, in the shell's "|  " style, then the stack trace. */
    private void report(ExceptionContext context) {
        StringBuilder sb = new StringBuilder("|  aio4j: ").append(context.message());
        if (context.future() != null) {
            sb.append("\n|    future: ").append(context.future());
        } else if (context.taskName() != null) {
            sb.append("\n|    task: ").append(context.taskName());
        }
        if (context.handle() != null) {
            sb.append("\n|    handle: ").append(context.handle());
        }
        synchronized (err) {
            err.println(sb);
            if (context.exception() != null) {
                context.exception().printStackTrace(err);
            }
            err.flush();
        }
    }
}
