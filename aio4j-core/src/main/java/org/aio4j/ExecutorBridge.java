package org.aio4j;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Blocking work sent to threads ({@link EventLoop#runInExecutor}, {@link Aio#toThread}) and the loop's
 * default executor. Loop thread only, except the work itself and its hand-back through the inbox.
 */
final class ExecutorBridge {
    private static final System.Logger LOG = System.getLogger("org.aio4j");

    private final EventLoop loop;
    private ExecutorService defaultExecutor;

    ExecutorBridge(EventLoop loop) {
        this.loop = loop;
    }

    <T> Future<T> run(Executor executor, Callable<T> fn) {
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> f = new Future<>(loop);
        loop.outsideWork(1);
        var vars = Context.capture();
        Runnable work = () -> {
            Object[] value = {null};
            Throwable[] failed = {null};
            Context.runOnThread(vars, () -> {
                try {
                    value[0] = fn.call();
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            @SuppressWarnings("unchecked")
            T v = (T) value[0];
            Throwable x = failed[0];
            try {
                loop.callSoonThreadsafe(() -> {
                    loop.outsideWork(-1);
                    if (!f.done()) {
                        if (x != null) {
                            f.setException(x);
                        } else {
                            f.setResult(v);
                        }
                    }
                });
            } catch (IllegalStateException closed) {
                // The loop closed while the work ran: nobody is left to receive the result.
            }
        };
        try {
            ex.execute(work);
        } catch (RejectedExecutionException e) {
            loop.outsideWork(-1);
            f.setException(e);
        }
        return f;
    }

    private ExecutorService defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            // Not Thread.ofVirtual(): used from a task, it would make threads scheduled by this loop.
            ex = Executors.newThreadPerTaskExecutor(
                    Strands.workerThreadBuilder().name("aio4j-to-thread-", 0).factory());
            defaultExecutor = ex;
        }
        return ex;
    }

    /** See {@link EventLoop#shutdownDefaultExecutor}. */
    boolean shutdown(Duration timeout) {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            return true;
        }
        defaultExecutor = null;
        ex.shutdown();
        try {
            boolean ended = ex.awaitTermination(Durations.durationToNanos(timeout), TimeUnit.NANOSECONDS);
            if (!ended) {
                LOG.log(System.Logger.Level.WARNING, "the default executor did not finish its work within "
                        + timeout + "; its threads are left running");
            }
            return ended;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** At loop close: stop accepting work, without waiting for what runs. */
    void shutdownNow() {
        ExecutorService ex = defaultExecutor;
        if (ex != null) {
            defaultExecutor = null;
            ex.shutdown();
        }
    }
}
