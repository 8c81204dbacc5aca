package org.aio4j.lowlevel;

import java.util.ArrayDeque;
import java.util.Iterator;
import org.aio4j.CancelledError;

/**
 * A FIFO of parked tasks: the queue under every primitive of {@code org.aio4j.sync}, built on
 * {@link Lowlevel#park} exactly as a user-defined primitive would be.
 *
 * <h2>The cancel hook</h2>
 * A parked task always leaves the lot when it resumes, woken or not. If it resumes with
 * {@link CancelledError} (it was cancelled before its wake, or in the same loop iteration as it),
 * {@link #park} first calls the primitive's {@link CancelHook} exactly once, telling it whether a
 * wake had reached this task, so the primitive can hand that wake on: that is how no permit,
 * notification or item is lost to a cancelled waiter. This is asyncio's semantics: a task woken and
 * cancelled in the same iteration sees the cancellation, not the wake.
 *
 * <h2>Counting</h2>
 * Waiters stay in the lot until their own task resumes (as in asyncio), so a waiter that was woken or
 * cancelled but has not run yet is still counted by {@link #size()} and, if woken, still blocks
 * barging where the primitive says so ({@link #allCancelled()}).
 *
 * <p>Loop thread only.
 */
public final class ParkingLot {
    /*
     * Each waiter is a Waker; "cancelled" is a waiter whose park was aborted (the abort hook marks it,
     * and it stays queued until its task runs), "woken" one whose waker fired. removeFirstOccurrence is
     * O(n) only for a waiter that leaves from the middle (a cancellation); the normal wake leaves from
     * the front.
     */

    /** What a primitive does when one of its waiters is cancelled. */
    @FunctionalInterface
    public interface CancelHook {
        /**
         * Called once, before the {@link CancelledError} propagates, after the waiter left the lot.
         *
         * @param woken whether a wake had reached this waiter before the cancellation did
         */
        void cancelled(boolean woken);
    }

    /** A hook for primitives that have nothing to hand on. */
    public static final CancelHook NOTHING = woken -> { };

    /** One parked task. */
    private static final class Waiter {
        final Waker<Object> waker;
        boolean aborted;

        Waiter(Waker<Object> waker) {
            this.waker = waker;
        }

        boolean waiting() {
            return !aborted && waker.isPending();
        }
    }

    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>(4);
    private final WaitTarget target;

    /** A new, empty lot. */
    public ParkingLot() {
        this(null);
    }

    /**
     * A new, empty lot whose waiters wait on {@code target}: the await graph and task dumps show
     * what they wait for, and its {@link WaitTarget#blockingTasks() blocking tasks} (see
     * {@link Lowlevel#park(Waker, java.util.function.BooleanSupplier, WaitTarget)}).
     *
     * @param target what a task parked here waits on; null says nothing
     */
    public ParkingLot(WaitTarget target) {
        this.target = target;
    }

    /**
     * Parks the current task at the back of the lot until a wake reaches it, then returns. Always
     * leaves the lot.
     *
     * @throws CancelledError if the task is cancelled first; {@code onCancel} has run by then
     * @throws IllegalStateException outside a coroutine
     */
    public void park(CancelHook onCancel) {
        Waiter w = new Waiter(Lowlevel.newWaker());
        waiters.addLast(w);
        try {
            try {
                Lowlevel.park(w.waker, () -> {
                    w.aborted = true; // stays queued, counted as cancelled, until its task runs
                    return true;
                }, target);
                Lowlevel.checkpointIfCancelled(); // woken, then cancelled before it ran: asyncio's choice
            } finally {
                waiters.removeFirstOccurrence(w);
            }
        } catch (CancelledError e) {
            onCancel.cancelled(!w.aborted);
            throw e;
        }
    }

    /** The number of parked tasks, including woken or cancelled ones that have not resumed yet. */
    public int size() {
        return waiters.size();
    }

    /** Whether no task is parked (counting as {@link #size()} does). */
    public boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** Whether every parked waiter is cancelled (also when none is parked). */
    public boolean allCancelled() {
        for (Waiter w : waiters) {
            if (!w.aborted) {
                return false;
            }
        }
        return true;
    }

    /** Wakes the head of the lot if it has not been woken or cancelled yet (asyncio Lock's rule). */
    public boolean wakeHead() {
        Waiter head = waiters.peekFirst();
        return head != null && head.waiting() && head.waker.wake(null);
    }

    /** Wakes the first waiter that has not been woken or cancelled yet; whether there was one. */
    public boolean wakeNext() {
        for (Waiter w : waiters) {
            if (w.waiting()) {
                return w.waker.wake(null);
            }
        }
        return false;
    }

    /** Wakes the first {@code n} waiters not yet woken or cancelled; returns how many it woke. */
    public int wake(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("wake(" + n + "): the count must be >= 0");
        }
        int woken = 0;
        for (Iterator<Waiter> it = waiters.iterator(); it.hasNext() && woken < n; ) {
            Waiter w = it.next();
            if (w.waiting() && w.waker.wake(null)) {
                woken++;
            }
        }
        return woken;
    }

    /** Wakes every waiter not yet woken or cancelled; returns how many it woke. */
    public int wakeAll() {
        return wake(Integer.MAX_VALUE);
    }

    @Override
    public String toString() {
        return "ParkingLot[waiters=" + waiters.size() + "]";
    }
}
