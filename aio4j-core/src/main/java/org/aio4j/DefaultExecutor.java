package org.aio4j;

import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The built-in default executor of an event loop ({@link Aio#toThread}, {@code runInExecutor(null, fn)}):
 * one virtual thread per call, at most {@link #maxThreads()} of them running the work at once; the
 * others wait, in order, for a running one to finish. The bound is read from the system property
 * {@value #MAX_THREADS_PROPERTY} when the executor is created (default {@value #DEFAULT_MAX_THREADS}).
 * Any thread.
 */
final class DefaultExecutor extends AbstractExecutorService {
    /*
     * Implementation notes. Virtual threads because the work is blocking I/O: a blocked virtual thread
     * costs a few hundred bytes, not a platform thread's stack, so the bound can be far above asyncio's
     * min(32, cpus + 4). Why a bound at all: each running call holds what it blocks on (a file, a
     * connection to a database); unbounded, a burst of toThread calls would open as many at once.
     * Why 256: blocking file I/O on a virtual thread pins its carrier, and the JDK's scheduler then adds
     * carriers up to jdk.virtualThreadScheduler.maxPoolSize, 256 by default; more concurrent file calls
     * than that would queue inside the JDK anyway.
     *
     * The permit is taken on the work's own virtual thread (never on the loop thread, which must not
     * block), fairly, so queued calls start in submission order. Not Thread.ofVirtual(): made from a
     * task in LOOP_SCHEDULED mode it would inherit the loop as its scheduler (Strands.workerThreadBuilder).
     */

    /** The system property that sets the bound (a positive integer). */
    static final String MAX_THREADS_PROPERTY = "aio4j.defaultExecutor.maxThreads";
    /** The bound when the property is not set; see the implementation notes. */
    static final int DEFAULT_MAX_THREADS = 256;

    private final ExecutorService threads;
    private final Semaphore permits;
    private final int maxThreads;

    DefaultExecutor() {
        this(configuredMaxThreads());
    }

    DefaultExecutor(int maxThreads) {
        this.maxThreads = maxThreads;
        this.permits = new Semaphore(maxThreads, true);
        this.threads = Executors.newThreadPerTaskExecutor(
                Strands.workerThreadBuilder().name("aio4j-to-thread-", 0).factory());
    }

    static int configuredMaxThreads() {
        String v = System.getProperty(MAX_THREADS_PROPERTY);
        if (v == null) {
            return DEFAULT_MAX_THREADS;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        System.getLogger("org.aio4j").log(System.Logger.Level.WARNING, "-D" + MAX_THREADS_PROPERTY + "=" + v
                + " is not a positive integer; the default executor runs at most " + DEFAULT_MAX_THREADS
                + " calls at once");
        return DEFAULT_MAX_THREADS;
    }

    /** How many calls run at once, at most. */
    int maxThreads() {
        return maxThreads;
    }

    @Override
    public void execute(Runnable work) {
        threads.execute(() -> {
            permits.acquireUninterruptibly();
            try {
                work.run();
            } finally {
                permits.release();
            }
        });
    }

    @Override
    public void shutdown() {
        threads.shutdown();
    }

    @Override
    public List<Runnable> shutdownNow() {
        return threads.shutdownNow();
    }

    @Override
    public boolean isShutdown() {
        return threads.isShutdown();
    }

    @Override
    public boolean isTerminated() {
        return threads.isTerminated();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        return threads.awaitTermination(timeout, unit);
    }

    @Override
    public String toString() {
        return "aio4j default executor[virtual threads, at most " + maxThreads + " at once, "
                + (permits.availablePermits()) + " free" + (isShutdown() ? ", shut down" : "") + "]";
    }
}
