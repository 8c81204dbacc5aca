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
     *
     * The expiry timer is armed lazily: a deadline still ahead when the scope is entered (or
     * rescheduled) is not put in the timer heap at once, but on the loop's list of unarmed scopes
     * (ReadyQueue.unarmed), which the loop arms when the current item (the task's step) ends. No
     * timer can run during that item anyway, so nothing fires differently: a scope left within the
     * step that entered it (the common "timeout that did not fire") costs no timer, no heap entry
     * and no clock read beyond the one that computed its deadline. A deadline that passed during
     * the step is still in the past when armed, and fires at the next iteration in deadline order,
     * as it would have from the heap.
     */

    private enum State { ENTERED, EXPIRING, EXPIRED, EXITED }

    /** {@code budgetNanos} of a scope whose deadline was given as a loop time (timeoutAt) or is none. */
    static final long NO_BUDGET = -1;

    private final EventLoop loop;
    private final Task<?> task;
    private final int cancellingAtEntry;
    private State state = State.ENTERED;
    private Deadline deadline = Deadline.NONE;
    private Handle expiry;
    /** Whether the deadline waits on the loop's unarmed list for the end of the current item. */
    private boolean unarmed;
    /** The next scope on that list. */
    Timeout nextUnarmed;
    // for the TimeoutError's message only
    /** The relative deadline {@code timeout(s)} was given, in nanoseconds, or NO_BUDGET. */
    private final long budgetNanos;
    private final long enteredAt;
    private boolean rescheduled;
    /** Loop time at which the deadline was acted on (the task cancelled). */
    private long firedAt;

    Timeout(Task<?> task, Deadline deadline, long budgetNanos) {
        this.loop = task.getLoop();
        this.task = task;
        this.cancellingAtEntry = task.cancelling();
        this.budgetNanos = budgetNanos;
        // timeout(s) computed its deadline from the clock just now: no second read for the message's
        // "entered at"
        this.enteredAt = budgetNanos > 0 && !deadline.isNone() ? deadline.nanos() - budgetNanos : loop.timeNanos();
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
        rescheduled = true;
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
        if (when.isNone()) {
            return; // if on the unarmed list, arm() finds no deadline
        }
        boolean ahead = budgetNanos > 0 && !rescheduled || !when.passed(loop.timeNanos());
        if (!ahead) {
            expiry = loop.callSoon(this::expire); // past already: expires at the next iteration (arm() skips)
        } else if (!unarmed) {
            unarmed = true;
            ReadyQueue q = loop.readyQueue();
            nextUnarmed = q.unarmed;
            q.unarmed = this;
        } // else already on the list: arm() uses the deadline it finds then
    }

    /** The item that entered (or rescheduled) the scope ended: the deadline goes into the timer heap. */
    void arm() {
        unarmed = false;
        if (state == State.ENTERED && !deadline.isNone() && expiry == null) {
            expiry = loop.callAtNanos(deadline.nanos(), this::expire);
        }
    }

    private void expire() {
        firedAt = loop.timeNanos();
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
        if (unarmed) {
            ReadyQueue q = loop.readyQueue();
            if (q.unarmed == this) { // the innermost scope, left in the step that entered it: the usual case
                q.unarmed = nextUnarmed;
                nextUnarmed = null;
                unarmed = false;
            } // else arm() finds the scope exited and skips it
        }
        if (state == State.EXPIRING) {
            state = State.EXPIRED;
            // An InterruptedException is how our cancel ends a blocking JDK call the body was parked in
            // (LOOP_SCHEDULED mode, see Task#cancel): it times out like a CancelledError.
            if (task.uncancel() <= cancellingAtEntry
                    && (failure instanceof CancelledError || failure instanceof InterruptedException)) {
                return new TimeoutError(expiryMessage(), failure);
            }
        } else if (state == State.ENTERED) {
            state = State.EXITED;
        }
        return failure;
    }

    /**
     * "the 1 s timeout expired (fired 0.213 ms late)": the budget as given, and how long after the
     * deadline the loop got to it (a busy loop runs timers late). A deadline given as a loop time, or
     * moved by reschedule(), is described as that loop time and its distance from the scope's entry.
     */
    private String expiryMessage() {
        String what;
        if (budgetNanos != NO_BUDGET && !rescheduled) {
            what = "the " + seconds(budgetNanos, 9) + " timeout";
        } else {
            long fromEntry = deadline.nanos() - enteredAt;
            what = "the timeout " + (rescheduled ? "rescheduled to" : "at") + " loop time " + seconds(deadline.nanos(), 6)
                    + " (" + seconds(Math.abs(fromEntry), 6) + (fromEntry < 0 ? " before" : " after")
                    + " the scope was entered)";
        }
        return what + " expired (fired " + lateness(firedAt - deadline.nanos()) + ")";
    }

    /** {@code nanos} in seconds, to {@code scale} decimals, without trailing zeros: "1 s", "0.25 s". */
    private static String seconds(long nanos, int scale) {
        return java.math.BigDecimal.valueOf(nanos, 9).setScale(scale, java.math.RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString() + " s";
    }

    private static String lateness(long nanos) {
        if (nanos <= 0) {
            return "on time";
        }
        if (nanos < 1_000) {
            return nanos + " ns late";
        }
        return nanos < 1_000_000_000
                ? String.format(java.util.Locale.ROOT, "%.3f ms late", nanos / 1e6)
                : String.format(java.util.Locale.ROOT, "%.3f s late", nanos / 1e9);
    }

    /** Runs {@code body} in a new scope on the current task. */
    static <T> T run(Strand s, Deadline deadline, long budgetNanos, TimeoutBody<T> body) {
        Timeout t = new Timeout(s.task, deadline, budgetNanos);
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
