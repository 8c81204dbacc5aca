package org.aio4j.sync;

import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A counting semaphore for coroutines: Python's {@code asyncio.Semaphore} and, made with
 * {@link #bounded(int)}, {@code asyncio.BoundedSemaphore}.
 *
 * <pre>{@code
 * Semaphore connections = Semaphore.create(10);
 * try (Acquired permit = connections.acquire()) {   // Python: async with connections:
 *     ... // at most 10 tasks at a time here
 * }
 * }</pre>
 *
 * <p>The semaphore holds a number of permits: {@link #acquire()} takes one, waiting while none is
 * free, and {@link #release()} gives one back. As in asyncio permits have no owner (any task or
 * callback may release), and a semaphore made with {@link #create(int)} may be released more often
 * than it was acquired, which raises its count above the initial value; one made with
 * {@link #bounded(int)} refuses that, which catches a double release.
 *
 * <p>Waiters get permits in FIFO order, and nobody barges: while a task waits (or has been handed a
 * permit but has not resumed yet), {@link #acquire()} and {@link #tryAcquire()} queue behind it even
 * if a permit is free at that moment.
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}.
 */
public final class Semaphore implements Acquired.Releasable {
    /*
     * CPython 3.11.7 locks.Semaphore, the version with the lost-wakeup fix: a release hands its permit
     * to the first waiter not yet woken by decrementing value on the waiter's behalf (wakeUpNext),
     * so a woken waiter that has not resumed yet already owns its permit and nobody can take it.
     *
     * Invariants: value >= 0; the permits not in value are held by acquirers, one each, and a woken
     * waiter that has not resumed yet counts as an acquirer; value > 0 with a waiter not yet woken
     * happens only transiently, and the next waiter to resume passes a free permit on (below).
     *
     * Cancellation: a waiter cancelled after its wake gives the permit back and wakes the next
     * waiter (3.11.7's "if not fut.cancelled()" branch; the ParkingLot reports the wake as
     * `woken`, which is 3.13's stricter "done and not cancelled"). A waiter cancelled before any wake
     * had nothing, so it does nothing. A woken waiter that resumes normally wakes one more waiter if
     * permits are still free: releases made while it was queued behind others are passed along one
     * waiter at a time. (3.13 wakes as many as there are free permits at once; the permits and the
     * order are the same, only the wakes are spread over more loop steps. aio4j follows 3.11.7, the
     * project's reference version.)
     *
     * Differences from asyncio: Python's ValueError for a bad initial value is IllegalArgumentException;
     * BoundedSemaphore's ValueError for an extra release is IllegalStateException (a misuse of the
     * object's state, not a bad argument); BoundedSemaphore is a factory, not a subclass (STYLE rule 5:
     * final classes); tryAcquire() is new (STYLE rule 12) and takes exactly the fast path of acquire().
     * Python's unbounded int has no overflow; release() past Integer.MAX_VALUE throws.
     *
     * The bound check counts the permits in flight to woken waiters (`handed`) as taken. Python
     * compares only _value with the bound, and _value already lacks those permits: an extra release
     * made while a permit is in flight passes, and the error hits the innocent waiter's own release
     * later. Here it hits the extra release itself. `handed` is exact because every wake is matched
     * by exactly one resumption of that waiter, normal or cancelled.
     */

    private final LoopBinding binding = new LoopBinding(this);
    private final ParkingLot waiters = new ParkingLot(() -> "acquire() of " + this);
    /** The initial value of a bounded semaphore, or -1 for an unbounded one. */
    private final int bound;
    /** Free permits, not counting those already handed to woken waiters. */
    private int value;
    /** Permits handed to woken waiters that have not resumed yet (for the bound check only). */
    private int handed;

    private Semaphore(int value, int bound) {
        this.value = value;
        this.bound = bound;
    }

    /**
     * A semaphore with {@code value} free permits (Python's {@code asyncio.Semaphore(value)}).
     * {@link #release()} may raise the count above {@code value}.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Semaphore create(int value) {
        return new Semaphore(checkValue(value, "create"), -1);
    }

    /**
     * A semaphore with {@code value} free permits that may never hold more than that (Python's
     * {@code asyncio.BoundedSemaphore(value)}): a {@link #release()} that would raise the count
     * above {@code value} throws, which catches releasing one acquisition twice.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static Semaphore bounded(int value) {
        return new Semaphore(checkValue(value, "bounded"), value);
    }

    private static int checkValue(int value, String factory) {
        if (value < 0) {
            throw new IllegalArgumentException("Semaphore." + factory + "(" + value + "): the initial value is the"
                    + " number of free permits and must be >= 0 (0 makes every acquire() wait for a release())");
        }
        return value;
    }

    /**
     * Whether {@link #acquire()} would have to wait: no permit is free, or tasks are queued for one
     * (Python's {@code locked()}).
     *
     * @throws WrongThreadException from another thread while the semaphore's loop runs
     */
    public boolean locked() {
        binding.checkThread();
        return isLocked();
    }

    private boolean isLocked() {
        return value == 0 || !waiters.allCancelled();
    }

    /**
     * Waits until a permit is free and it is this task's turn, and takes the permit, returning an
     * {@link Acquired} whose {@code close()} releases it (Python's {@code await sem.acquire()}
     * returns {@code True}). Returns at once, without suspending, when a permit is free and nobody
     * is queued.
     *
     * <p>Cancellation-atomic: either it returns holding a permit, or it throws
     * {@link CancelledError} holding none; a permit that a release had already handed to this
     * waiter goes back and on to the next waiter.
     *
     * @throws IllegalStateException outside a coroutine, or on another loop than the semaphore's
     * @throws WrongThreadException from another thread while the semaphore's loop runs
     * @throws CancelledError if the task is cancelled while waiting
     */
    public Acquired acquire() {
        Task<?> task = binding.task("acquire()");
        if (!isLocked()) {
            value--;
            return new Acquired(this);
        }
        binding.bind(task);
        waiters.park(woken -> {
            if (woken) {
                // The permit wakeUpNext took for us: give it back and pass it on.
                handed--;
                value++;
                wakeUpNext();
            }
        });
        handed--;
        if (value > 0) {
            wakeUpNext();
        }
        return new Acquired(this);
    }

    /**
     * Takes a permit if that is possible without waiting: a permit is free and no task is queued
     * ahead (so it never barges past a waiter). Python has no such method; it is {@code acquire()}'s
     * fast path. Release the permit with {@link #release()}.
     *
     * @return whether a permit was taken
     * @throws WrongThreadException from another thread while the semaphore's loop runs
     */
    public boolean tryAcquire() {
        binding.checkThread();
        if (isLocked()) {
            return false;
        }
        value--;
        return true;
    }

    /**
     * Gives a permit back and hands it to the first waiter, if any. Never waits; may be called from
     * a coroutine or a plain callback.
     *
     * @throws IllegalStateException for a {@linkplain #bounded(int) bounded} semaphore all of whose
     *                               permits are already back (released more often than acquired; a
     *                               permit on its way to a woken waiter counts as taken, so the error
     *                               hits the extra release and not, as in Python, that waiter's own
     *                               release later), or when the count would exceed
     *                               {@link Integer#MAX_VALUE}
     * @throws WrongThreadException from another thread while the semaphore's loop runs
     */
    @Override
    public void release() {
        binding.checkThread();
        if (bound >= 0 && value + handed >= bound) {
            throw new IllegalStateException("BoundedSemaphore released too many times: it already has all "
                    + bound + " of its permits; release() only what acquire() or tryAcquire() took, once");
        }
        if (value == Integer.MAX_VALUE) {
            throw new IllegalStateException("Semaphore value would exceed Integer.MAX_VALUE: release() was"
                    + " called far more often than acquire()");
        }
        value++;
        wakeUpNext();
    }

    /** Hands one free permit to the first waiter not yet woken or cancelled, if there is one. */
    private void wakeUpNext() {
        if (waiters.wakeNext()) {
            value--;
            handed++;
        }
    }

    /**
     * A snapshot for monitoring: free permits and how many tasks wait for one.
     *
     * @throws WrongThreadException from another thread while the semaphore's loop runs
     */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(value, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param value   free permits (Python's {@code _value}); permits already handed to woken waiters
     *                that have not resumed yet are not free
     * @param waiting tasks parked in {@link #acquire()}, including woken ones that have not resumed
     */
    public record Statistics(int value, int waiting) {
    }

    /** Python's repr: {@code Semaphore[unlocked, value:2]}, {@code BoundedSemaphore[locked, waiters:1]}. */
    @Override
    public String toString() {
        String s = isLocked() ? "locked" : "unlocked, value:" + value;
        return (bound >= 0 ? "BoundedSemaphore[" : "Semaphore[")
                + (waiters.isEmpty() ? s : s + ", waiters:" + waiters.size()) + "]";
    }
}
