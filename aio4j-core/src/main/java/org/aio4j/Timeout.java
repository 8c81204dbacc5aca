package org.aio4j;

import org.aio4j.lowlevel.Deadline;

/**
 * A deadline on a block of code in a task: Python's {@code asyncio.Timeout}, the object behind
 * {@link Aio#timeout(double, TimeoutBody)} and {@link Aio#timeoutAt(double, TimeoutBody)}.
 *
 * <p>When the deadline passes, the scope cancels its task. When the body then ends with that
 * {@link CancelledError}, the scope turns it into a {@link TimeoutError}, but only if the
 * cancellation was its own: it takes its request back with {@link Task#uncancel()}, and a
 * cancellation requested by anyone else (an outer timeout, a task group, {@code task.cancel()})
 * keeps propagating as a {@code CancelledError}. Nested scopes therefore each raise only for their
 * own expiry, and an outer scope that expires at the same instant as an inner one wins.
 *
 * <h2>States</h2>
 * <pre>
 *   ENTERED --deadline passes--> EXPIRING --body ends--> EXPIRED
 *   ENTERED --body ends before the deadline--> EXITED
 * </pre>
 * {@link #reschedule} works only while ENTERED (before the deadline passed and before the body ended);
 * otherwise it throws {@link IllegalStateException} naming the state.
 *
 * <p>Loop thread only; a handle belongs to the task that entered the scope.
 */
public final class Timeout {
    /*
     * As CPython's timeouts.py: the expiry callback cancels the task and records EXPIRING; exit
     * always uncancels when EXPIRING and converts the CancelledError only when the task's cancelling()
     * count is back to what it was at entry, i.e. no other cancellation is pending. With the
     * Python 3.13 uncancel() (see Task#uncancel) a cancellation that expired but was never delivered
     * (the body ended first) is dropped instead of hitting the task's next await.
     */

    private enum State { ENTERED, EXPIRING, EXPIRED, EXITED }

    private final EventLoop loop;
    private final Task<?> task;
    private final int cancellingAtEntry;
    private State state = State.ENTERED;
    private Deadline deadline = Deadline.NONE;
    private Handle expiry;

    Timeout(Task<?> task, Deadline deadline) {
        this.loop = task.getLoop();
        this.task = task;
        this.cancellingAtEntry = task.cancelling();
        schedule(deadline);
    }

    /** The deadline in loop time (seconds, as {@link EventLoop#time()}), or {@code null} for none. */
    public Double when() {
        return deadline.isNone() ? null : deadline.seconds();
    }

    /** The deadline ({@link Deadline#NONE} for none). */
    public Deadline deadline() {
        return deadline;
    }

    /**
     * Moves the deadline to loop time {@code when} (seconds), or removes it ({@code null}). A deadline
     * already past expires at the next loop iteration.
     *
     * @throws IllegalStateException unless the scope is still running and has not expired
     */
    public void reschedule(Double when) {
        loop.checkThread();
        if (state != State.ENTERED) {
            throw new IllegalStateException("Cannot change state of " + state.name().toLowerCase(java.util.Locale.ROOT)
                    + " Timeout: reschedule only while the body runs and before the deadline passed");
        }
        if (when == null) {
            schedule(Deadline.NONE);
        } else {
            if (when.isNaN()) {
                throw new IllegalArgumentException("reschedule(NaN): pass a loop time in seconds, or null for none");
            }
            schedule(Deadline.atTime(when));
        }
    }

    /** Whether the deadline passed (the scope cancelled, or is about to raise TimeoutError). */
    public boolean expired() {
        return state == State.EXPIRING || state == State.EXPIRED;
    }

    private void schedule(Deadline when) {
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
        deadline = when;
        if (!when.isNone()) {
            expiry = when.passed(loop.timeNanos()) ? loop.callSoon(this::expire) : loop.callAtNanos(when.nanos(), this::expire);
        }
    }

    private void expire() {
        expiry = null;
        task.cancel();
        state = State.EXPIRING;
    }

    /**
     * Leaves the scope; {@code failure} is how the body ended (null: normally). Returns what to throw
     * (null: nothing).
     */
    Throwable exit(Throwable failure) {
        if (expiry != null) {
            expiry.cancel();
            expiry = null;
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            // An InterruptedException is how our cancel ends a blocking JDK call the body was parked in
            // (LOOP_SCHEDULED mode, see Task#cancel): it times out like a CancelledError.
            if (task.uncancel() <= cancellingAtEntry
                    && (failure instanceof CancelledError || failure instanceof InterruptedException)) {
                return new TimeoutError("the timeout of " + describeDeadline() + " expired", failure);
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return failure;
    }

    private String describeDeadline() {
        return String.format(java.util.Locale.ROOT, "loop time %.3f s", deadline.seconds());
    }

    /** Runs {@code body} in a new scope on the current task. */
    static <T> T run(Strand s, Deadline deadline, TimeoutBody<T> body) {
        Timeout t = new Timeout(s.task, deadline);
        T result;
        try {
            result = body.run(t);
        } catch (Throwable e) {
            throw Sneaky.raise(t.exit(e));
        }
        Throwable after = t.exit(null);
        if (after != null) {
            throw Sneaky.raise(after);
        }
        return result;
    }

    @Override
    public String toString() {
        return "Timeout[" + state.name().toLowerCase(java.util.Locale.ROOT) + (deadline.isNone() ? " no deadline" : " when=" + when()) + "]";
    }
}
