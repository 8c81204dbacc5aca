package org.aio4j;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadFactory;

/**
 * The future of {@link EventLoop#runInExecutor} and {@link Aio#toThread}: completes with what the
 * blocking function returns or throws. Cancelling it interrupts the thread that runs the function,
 * and the future becomes CANCELLED only once the function has returned or thrown (or at once, if the
 * work has not started yet: it then never starts). Loop thread only, except {@link #run()}, which is
 * the work the executor runs.
 */
final class ExecutorFuture<T> extends Future<T> implements Runnable {
    /*
     * Implementation notes.
     *
     * Why the future stays PENDING after cancel() returned true: the awaiting task must not resume
     * (and, say, close the file the worker reads, or leave Aio.run with the worker still running) before
     * the worker is out of the function. So cancel() only interrupts, and the worker's hand-back through
     * the inbox completes the future as CANCELLED. A Task behaves the same way (cancel() returns true,
     * the task ends later), so every waiter in the kernel (awaitFuture, cancelAndWait, gather, shield)
     * already copes with it. asyncio cannot interrupt a thread: its run_in_executor future is cancelled
     * at once and the thread runs on, orphaned; kotlinx's runInterruptible is the model here.
     *
     * The interrupt must hit the function and nothing else, though executor threads are reused. The
     * worker publishes itself (RUNNING) and withdraws (FINISHED) under the lock, and cancel() interrupts
     * only under the lock while RUNNING; a worker that was interrupted by us clears the flag after
     * withdrawing, so the executor's next work on that thread does not see it (FutureTask's concern,
     * solved with a lock instead of its spin on INTERRUPTING: contention here is one cancel at most).
     *
     * Why the interrupt is delivered from a thread of its own: Thread.interrupt() on a thread blocked in
     * an InterruptibleChannel operation closes the channel in the interrupting thread, and a
     * FileChannel's close waits until the blocked thread has left its system call. The JDK can signal a
     * platform thread out of a blocking read, but not a virtual one (NativeThread.signal does nothing for
     * it): interrupting a virtual thread stuck in a FIFO read would block the interrupter until data
     * arrives. So the loop thread never calls interrupt() itself; an interrupter thread does, under the
     * lock (a worker that returns meanwhile waits for it to let go, so the interrupt still cannot hit the
     * executor's next work).
     *
     * Outcome after cancellation: a result is discarded; an exception that is the interruption
     * (InterruptedException, InterruptedIOException, ClosedByInterruptException, anywhere in the
     * cause chain) is the expected end and dropped; any other exception would be lost with nobody
     * awaiting, so it goes to the loop's exception handler.
     */

    /**
     * The work's side of the lifecycle (any thread, guarded by {@code lock}):
     * <pre>
     *   QUEUED --the executor runs it--> RUNNING --function returned or threw--> FINISHED
     *   QUEUED --cancel()--> DROPPED   (run() then returns at once; nothing is handed back)
     * </pre>
     */
    private enum Work { QUEUED, RUNNING, FINISHED, DROPPED }

    /** Threads that deliver a cancellation's interrupt (see the notes). */
    private static final ThreadFactory INTERRUPTERS =
            Strands.workerThreadBuilder().name("aio4j-interrupter").factory();

    private final Callable<T> fn;
    /** The sender's context variables (null: none), set on the worker while the function runs. */
    private final Map<ContextVar<?>, Object> vars;

    // ------------------------------------------------------------ any thread, guarded by lock
    private final Object lock = new Object();
    private Work work = Work.QUEUED;
    /** The thread running the function while RUNNING. */
    private Thread worker;
    /** Whether cancel() interrupted the worker (it then clears its interrupt status when done). */
    private boolean interrupted;

    // ------------------------------------------------------------ loop thread only
    private boolean cancelRequested;
    private String cancelRequestMessage;

    ExecutorFuture(EventLoop loop, Callable<T> fn, Map<ContextVar<?>, Object> vars) {
        super(loop);
        this.fn = fn;
        this.vars = vars;
    }

    /**
     * Cancels the work. Not started yet: it never starts and the future is CANCELLED now. Running:
     * its thread is interrupted and the future becomes CANCELLED once the function has returned or
     * thrown. Returns {@code false} if the future is done; {@code true} otherwise, also for a
     * cancellation already under way (the first message is kept).
     */
    @Override
    public boolean cancel(String message) {
        loop.checkThread();
        markRetrieved();
        if (done()) {
            return false;
        }
        if (cancelRequested) {
            return true;
        }
        cancelRequested = true;
        cancelRequestMessage = message;
        boolean dropped = false;
        boolean running = false;
        synchronized (lock) {
            if (work == Work.QUEUED) {
                work = Work.DROPPED;
                dropped = true;
            } else {
                running = work == Work.RUNNING;
            }
            // FINISHED: the hand-back is on its way and completes the future as CANCELLED.
        }
        if (dropped) {
            loop.outsideWork(-1);
            complete(State.CANCELLED, message);
        } else if (running) {
            INTERRUPTERS.newThread(this::interruptWorker).start(); // never on the loop thread: see the notes
        }
        return true;
    }

    /** On an interrupter thread: interrupts the worker if it is still in the function. */
    private void interruptWorker() {
        synchronized (lock) {
            if (work == Work.RUNNING) {
                interrupted = true;
                worker.interrupt();
            }
        }
    }

    /** The work, on the executor's thread. */
    @Override
    public void run() {
        synchronized (lock) {
            if (work == Work.DROPPED) {
                return;
            }
            work = Work.RUNNING;
            worker = Thread.currentThread();
        }
        Object[] value = {null};
        Throwable[] failed = {null};
        try {
            Context.runOnThread(vars, () -> {
                try {
                    value[0] = fn.call();
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
        } finally {
            boolean ours;
            synchronized (lock) {
                work = Work.FINISHED;
                worker = null;
                ours = interrupted;
            }
            if (ours) {
                Thread.interrupted(); // our interrupt ends with the function, not with the thread
            }
        }
        @SuppressWarnings("unchecked")
        T v = (T) value[0];
        Throwable x = failed[0];
        try {
            loop.callSoonThreadsafe(() -> settle(v, x));
        } catch (IllegalStateException closed) {
            // The loop closed while the work ran: nobody is left to receive the outcome.
        }
    }

    /** The executor refused the work (loop thread): the future fails with its exception. */
    void rejected(RuntimeException e) {
        synchronized (lock) {
            work = Work.DROPPED;
        }
        loop.outsideWork(-1);
        completeExceptionally(e);
    }

    /** The worker's outcome arrives on the loop thread. */
    private void settle(T value, Throwable failure) {
        loop.outsideWork(-1);
        if (done()) {
            return; // completed by hand (setResult) meanwhile
        }
        if (cancelRequested) {
            if (failure != null && !isInterruption(failure)) {
                loop.callExceptionHandler(new ExceptionContext("the blocking function threw after its"
                        + " awaiting task was cancelled (the exception is not the interruption, so it is"
                        + " reported here rather than dropped)", failure, this, null, null));
            }
            complete(State.CANCELLED, cancelRequestMessage);
        } else if (failure != null) {
            completeExceptionally(failure);
        } else {
            complete(State.SUCCEEDED, value);
        }
    }

    /** Whether {@code e} is how an interrupted blocking call ends (in its cause chain, a few levels deep). */
    static boolean isInterruption(Throwable e) {
        for (int depth = 0; e != null && depth < 8; depth++, e = e.getCause()) {
            if (e instanceof InterruptedException || e instanceof InterruptedIOException
                    || e instanceof ClosedByInterruptException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        StringBuilder sb = describeState(new StringBuilder("Future[runInExecutor "));
        if (!done() && cancelRequested) {
            sb.append(" cancelling");
        }
        return sb.append(' ').append(Describe.callback(fn)).append(']').toString();
    }
}
