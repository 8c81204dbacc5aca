package org.aio4j;

import java.util.concurrent.Callable;

/**
 * {@code Lowlevel.callBlocking}: a blocking call that does not hold the loop and that cancellation
 * stops with the caller's own action ({@code Statement.cancel()}) rather than a thread interrupt.
 *
 * <p>LOOP_SCHEDULED: the call runs on the task's own virtual thread, so a call that parks (socket
 * I/O, {@code java.util.concurrent} waits) parks only this task; {@link Task#cancel} sees
 * {@link Task#blockingCanceller()} and starts it instead of interrupting. PORTABLE: the task's thread
 * holds the loop's baton, so the call runs on a new virtual thread and the task parks until it
 * returns; the park's abort hook starts the canceller and keeps the task parked. Either way the
 * cancellation is delivered once the call has returned or thrown, so the caller never leaves while
 * the call still runs.
 */
final class BlockingCalls {
    private BlockingCalls() {
    }

    /** Marks a call whose canceller has been started (a second cancel() does nothing more). */
    static final Runnable STARTED = () -> { };

    static <T> T call(Strand s, Callable<T> call, Runnable onCancel) throws Exception {
        if (call == null || onCancel == null) {
            throw new NullPointerException("callBlocking(call, onCancel): neither may be null"
                    + " (onCancel () -> { } if the call cannot be stopped)");
        }
        Task<?> task = s.task;
        task.checkpointIfCancelled(); // cancelled already: do not start it
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            return onOwnThread(task, call, onCancel);
        }
        return onWorker(s, call, onCancel);
    }

    private static <T> T onOwnThread(Task<?> task, Callable<T> call, Runnable onCancel) throws Exception {
        Runnable outer = task.blockingCanceller();
        task.blockingCanceller(onCancel);
        T value;
        try {
            value = call.call();
        } catch (Throwable e) {
            task.blockingCanceller(outer);
            throw deliver(task, e);
        }
        task.blockingCanceller(outer);
        task.checkpointIfCancelled();
        return value;
    }

    private static <T> T onWorker(Strand s, Callable<T> call, Runnable onCancel) throws Exception {
        Task<?> task = s.task;
        EventLoop loop = s.loop();
        ParkFuture<T> waker = task.newWaker();
        Context context = Context.copyCurrent();
        Thread.ofVirtual().name("aio4j-blocking-call").start(() -> {
            T v;
            try {
                v = context.run(call);
            } catch (Throwable e) {
                handToLoop(loop, () -> waker.wakeWithError(e));
                return;
            }
            handToLoop(loop, () -> waker.wake(v));
        });
        boolean[] started = {false};
        T value;
        try {
            value = task.park(waker, () -> {
                if (!started[0]) {
                    started[0] = true;
                    startCanceller(loop, onCancel);
                }
                return false; // stay parked until the call has returned: it may not be left running
            });
        } catch (Throwable e) {
            throw deliver(task, e);
        }
        task.checkpointIfCancelled();
        return value;
    }

    /** The call threw: a pending cancellation wins, with the call's exception suppressed in it. */
    private static Exception deliver(Task<?> task, Throwable e) throws Exception {
        try {
            task.checkpointIfCancelled();
        } catch (CancelledError c) {
            c.addSuppressed(e);
            throw c;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return (Exception) e;
    }

    private static void handToLoop(EventLoop loop, Runnable r) {
        try {
            loop.callSoonThreadsafe(r);
        } catch (RuntimeException closed) {
            // The loop closed while the call ran: nobody is left to resume.
        }
    }

    /** Runs the canceller on a new virtual thread (it may block: it can open a connection). */
    static void startCanceller(EventLoop loop, Runnable canceller) {
        Thread.ofVirtual().name("aio4j-blocking-cancel").start(() -> {
            try {
                canceller.run();
            } catch (Throwable e) {
                handToLoop(loop, () -> loop.callExceptionHandler(ExceptionContext.of(
                        "the onCancel action of a Lowlevel.callBlocking call failed", e)));
            }
        });
    }
}
