package org.aio4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A loop's bridge to threads: blocking work sent to executors ({@link EventLoop#runInExecutor},
 * {@link Aio#toThread}), the default executor's lifecycle, and the coroutines other threads hand the
 * loop ({@link Aio#runCoroutineThreadsafe}) until it runs them. Loop thread only, except
 * {@link #submitted}, {@link #started} and {@link #forget} (any thread).
 */
final class ExecutorBridge {
    /*
     * Implementation notes.
     *
     * Ownership of the default executor, as asyncio: the built-in one and an ExecutorService installed
     * with setDefaultExecutor are shut down by shutdownDefaultExecutor (and, without waiting, when the
     * loop closes); a plain Executor cannot be, and ForkJoinPool.commonPool() ignores shutdown() and
     * never terminates, so those are only forgotten. A built-in executor replaced by setDefaultExecutor
     * is shut down at once (its running work goes on) and still waited for at shutdownDefaultExecutor,
     * so Aio.run does not leave its work behind; a replaced executor of the user's stays the user's.
     *
     * Differs from asyncio: set_default_executor after shutdown_default_executor leaves asyncio's
     * "shutdown called" flag set, so run_in_executor(None) still fails; here it opens the loop to
     * default-executor work again, which is what the error message after shutdown proposes.
     */

    private static final System.Logger LOG = System.getLogger("org.aio4j");

    /**
     * The default executor's lifecycle (loop thread only):
     * <pre>
     *   OPEN --shutdownDefaultExecutor--> SHUT_DOWN --setDefaultExecutor--> OPEN
     * </pre>
     * In OPEN, a null {@code current} means the built-in executor, made on first use.
     */
    private enum Lifecycle { OPEN, SHUT_DOWN }

    private final EventLoop loop;

    // ------------------------------------------------------------ loop thread only
    private Lifecycle lifecycle = Lifecycle.OPEN;
    private Executor current;
    /** Whether {@code current} is the built-in executor (made here, so ours to shut down). */
    private boolean builtIn;
    /** Built-in executors replaced by setDefaultExecutor, shut down, their work still to wait for. */
    private final List<ExecutorService> retired = new ArrayList<>();

    // ------------------------------------------------------------ any thread
    /** Coroutines handed over by runCoroutineThreadsafe whose task has not finished (or not started). */
    private final Set<CompletableFutures.Submission<?>> submissions = ConcurrentHashMap.newKeySet();

    ExecutorBridge(EventLoop loop) {
        this.loop = loop;
    }

    // ================================================================ work

    /** See {@link EventLoop#runInExecutor}; the loop has checked the thread, its state and {@code fn}. */
    <T> Future<T> run(Executor executor, Callable<T> fn) {
        Executor ex = executor != null ? executor : defaultExecutor();
        ExecutorFuture<T> f = new ExecutorFuture<>(loop, fn, Context.capture());
        loop.outsideWork(1);
        try {
            ex.execute(f);
        } catch (RejectedExecutionException e) {
            f.rejected(e);
        } catch (RuntimeException | Error e) {
            f.rejected(new RejectedExecutionException(ex + " failed to accept the work: " + e, e));
        }
        return f;
    }

    private Executor defaultExecutor() {
        if (lifecycle == Lifecycle.SHUT_DOWN) {
            throw new IllegalStateException("the event loop's default executor was shut down"
                    + " (shutdownDefaultExecutor, which Aio.run and Runner call when the main coroutine has"
                    + " finished), so toThread and runInExecutor(null, fn) cannot start work any more: install"
                    + " a new one with loop.setDefaultExecutor(executor), or pass an executor to"
                    + " loop.runInExecutor(executor, fn)");
        }
        Executor ex = current;
        if (ex == null) {
            ex = new DefaultExecutor();
            current = ex;
            builtIn = true;
        }
        return ex;
    }

    /** See {@link EventLoop#setDefaultExecutor}. */
    void setDefault(Executor executor) {
        if (builtIn && current instanceof ExecutorService old && current != executor) {
            old.shutdown();
            retired.add(old);
        }
        current = executor;
        builtIn = false;
        lifecycle = Lifecycle.OPEN;
    }

    /** The default executor if it is in use (null: the built-in one, not made yet). */
    Executor currentDefault() {
        return current;
    }

    /** Whether shutdownDefaultExecutor has anything to shut down or wait for (Runner skips it if not). */
    boolean hasExecutorToShutDown() {
        return current != null || !retired.isEmpty();
    }

    // ================================================================ shutdown

    /** See {@link EventLoop#shutdownDefaultExecutor}. */
    Coro<Void> shutdown(Duration timeout) {
        return Aio.async("shutdownDefaultExecutor", () -> {
            loop.checkThread();
            lifecycle = Lifecycle.SHUT_DOWN;
            List<ExecutorService> toWait = takeOwned();
            if (toWait.isEmpty()) {
                return;
            }
            long nanos = timeout == null ? Long.MAX_VALUE : Math.max(0, Durations.durationToNanos(timeout));
            // Waiting blocks, so it happens on a thread of its own; the loop goes on meanwhile.
            ThreadFactory waiter = Strands.workerThreadBuilder().name("aio4j-executor-shutdown").factory();
            Executor oneThread = r -> waiter.newThread(r).start();
            boolean ended = Aio.await(loop.runInExecutor(oneThread, () -> awaitAll(toWait, nanos)));
            if (!ended) {
                LOG.log(System.Logger.Level.WARNING, "the default executor did not finish its work within "
                        + timeout + "; its threads are left running (asyncio warns with a RuntimeWarning here)");
            }
        });
    }

    /** Forgets the default executors and returns those to shut down and wait for (each shut down). */
    private List<ExecutorService> takeOwned() {
        List<ExecutorService> owned = new ArrayList<>(retired);
        retired.clear();
        Executor ex = current;
        current = null;
        builtIn = false;
        if (ex instanceof ExecutorService es && es != ForkJoinPool.commonPool() && !owned.contains(es)) {
            owned.add(es);
        }
        for (ExecutorService es : owned) {
            es.shutdown();
        }
        return owned;
    }

    private static boolean awaitAll(List<ExecutorService> executors, long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + Math.min(nanos, Durations.MAX_DELAY_NANOS);
        for (ExecutorService es : executors) {
            long left = nanos == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
            if (!es.awaitTermination(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
        }
        return true;
    }

    // ================================================================ coroutines from other threads

    void submitted(CompletableFutures.Submission<?> s) {
        submissions.add(s);
    }

    /** The loop starts {@code s}; whether it is still to run (not failed by the loop's close). */
    boolean started(CompletableFutures.Submission<?> s) {
        return submissions.contains(s);
    }

    void forget(CompletableFutures.Submission<?> s) {
        submissions.remove(s);
    }

    // ================================================================ close

    /**
     * At loop close: the default executors stop accepting work, without waiting for what runs; the
     * coroutines handed over whose tasks have not finished fail their futures.
     */
    void atClose() {
        takeOwned(); // shut down, not waited for
        for (CompletableFutures.Submission<?> s : new ArrayList<>(submissions)) {
            s.loopClosed();
        }
    }
}
