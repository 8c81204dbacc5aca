package org.aio4j.sync;

import java.util.ArrayDeque;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Future;

/**
 * The FIFO of parked tasks under every primitive of this package: each waiting task parks on a
 * future of its own, and a wake completes that future. Built on the public {@link Future} API only,
 * so a user-defined primitive can be built the same way.
 *
 * <p>The abort protocol: a parked task always leaves the lot when it resumes, woken or not. If it
 * resumes with {@link CancelledError} (it was cancelled before its wake, or in the same loop
 * iteration as it), {@link #park} first calls the primitive's {@link CancelHook} exactly once,
 * telling it whether a wake had reached this task, so the primitive can hand that wake on: that is
 * how no permit, notification or item is lost to a cancelled waiter.
 *
 * <p>Loop thread only.
 */
final class ParkingLot {
    /*
     * Waiters stay in the deque until their own task resumes and removes them (as in asyncio), so a
     * waiter that was woken or cancelled but has not run yet is still counted and still blocks
     * barging where the primitive says so (Lock). removeFirstOccurrence is O(n) only for a waiter
     * that leaves from the middle (a cancellation); the normal wake leaves from the front.
     */

    /** What a primitive does when one of its waiters is cancelled. */
    @FunctionalInterface
    interface CancelHook {
        /**
         * Called once, before the {@link CancelledError} propagates, after the waiter left the lot.
         *
         * @param woken whether a wake had completed this waiter before the cancellation reached it
         */
        void cancelled(boolean woken);
    }

    /** A hook for primitives that have nothing to hand on. */
    static final CancelHook NOTHING = woken -> { };

    private final ArrayDeque<Future<Void>> waiters = new ArrayDeque<>(4);

    /**
     * Parks the current task (which runs on {@code loop}) at the back of the lot until a wake reaches
     * it, then returns. Always leaves the lot.
     *
     * @throws CancelledError if the task is cancelled first; {@code onCancel} has run by then
     */
    void park(EventLoop loop, CancelHook onCancel) {
        Future<Void> waiter = loop.createFuture();
        waiters.addLast(waiter);
        try {
            try {
                waiter.await();
            } finally {
                waiters.removeFirstOccurrence(waiter);
            }
        } catch (CancelledError e) {
            onCancel.cancelled(waiter.done() && !waiter.cancelled());
            throw e;
        }
    }

    /** The number of parked tasks, including woken or cancelled ones that have not resumed yet. */
    int size() {
        return waiters.size();
    }

    boolean isEmpty() {
        return waiters.isEmpty();
    }

    /** Whether every parked waiter is cancelled (also when none is parked). */
    boolean allCancelled() {
        for (Future<Void> w : waiters) {
            if (!w.cancelled()) {
                return false;
            }
        }
        return true;
    }

    /** Wakes the head of the lot if it has not been woken or cancelled yet (asyncio Lock's rule). */
    boolean wakeHead() {
        Future<Void> head = waiters.peekFirst();
        if (head != null && !head.done()) {
            head.setResult(null);
            return true;
        }
        return false;
    }

    /** Wakes the first waiter that has not been woken or cancelled yet; whether there was one. */
    boolean wakeNext() {
        for (Future<Void> w : waiters) {
            if (!w.done()) {
                w.setResult(null);
                return true;
            }
        }
        return false;
    }

    /** Wakes the first {@code n} waiters not yet woken or cancelled; returns how many it woke. */
    int wake(int n) {
        int woken = 0;
        for (Future<Void> w : waiters) {
            if (woken >= n) {
                break;
            }
            if (!w.done()) {
                w.setResult(null);
                woken++;
            }
        }
        return woken;
    }

    /** Wakes every waiter not yet woken or cancelled. */
    int wakeAll() {
        return wake(Integer.MAX_VALUE);
    }
}
