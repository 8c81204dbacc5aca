package org.aio4j.sync;

import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A condition variable for coroutines: Python's {@code asyncio.Condition}. Tasks wait, holding its
 * {@link Lock}, until another task signals that the state they wait for may have changed.
 *
 * <pre>{@code
 * Condition changed = Condition.create();
 * // consumer                                       // producer
 * try (Acquired held = changed.acquire()) {         try (Acquired held = changed.acquire()) {
 *     changed.waitFor(() -> !items.isEmpty());          items.add(item);
 *     take(items.removeFirst());                        changed.signal();
 * }                                                 }
 * }</pre>
 *
 * <p>{@link #acquire()}, {@link #release()} and {@link #locked()} are those of the underlying lock
 * (a new one, or the one given to {@link #create(Lock)}, which several conditions may share).
 * {@link #await()} and {@link #waitFor} must be called holding it, and hold it again when they
 * return or throw; {@link #signal()} and {@link #signalAll()} must be called holding it.
 *
 * <h2>Names</h2>
 * Python's {@code wait()}, {@code wait_for(pred)}, {@code notify(n)} and {@code notify_all()} are
 * {@link #await()}, {@link #waitFor}, {@link #signal(int)} and {@link #signalAll()} here, because
 * {@link Object} already has final methods {@code wait()}, {@code notify()} and {@code notifyAll()}
 * (the names {@link java.util.concurrent.locks.Condition} uses for the same reason).
 * <p><b>Pitfall: {@code cond.notify()} and {@code cond.notifyAll()} compile, but they are
 * {@link Object}'s monitor methods: they wake no task, and throw {@link IllegalMonitorStateException}
 * (outside a {@code synchronized (cond)} block) or silently do nothing useful (inside one). Call
 * {@link #signal()} / {@link #signalAll()}.</b> Likewise {@code cond.wait()} is not
 * {@link #await()}.
 *
 * <h2>Wake-ups</h2>
 * Waiters are signalled in FIFO order. A signalled task returns from {@code await()} only once it
 * has the lock again, after the signalling task released it and after the tasks queued for the
 * lock before it. So the state may have changed again by then: wait in a loop, or use
 * {@link #waitFor}. (aio4j wakes a waiter only for a signal, but a signal says that the state may
 * have changed, not that it is as this waiter needs it.)
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}.
 */
public final class Condition implements Acquired.Releasable {
    /*
     * CPython 3.11 locks.Condition on a ParkingLot, with one change taken from CPython 3.13
     * (gh-112202): a waiter that a signal had already reached, but that then ends with an exception
     * (cancelled in the same iteration as the signal, or while re-acquiring the lock), passes one
     * signal on to the next waiter, as signal(1) would. In 3.11 that signal is lost: with
     * signal(1) and two waiters, cancelling the signalled one leaves the other asleep although the
     * state it waits for has changed, which the package contract forbids. 3.13 passes one on for any
     * exception out of wait(), signalled or not (a waiter that was never signalled causes a spurious
     * wake-up); aio4j passes one on only when a signal had reached this waiter, which loses nothing
     * and wakes nobody for no reason.
     *
     * As in 3.11 the lock is re-acquired even when the task is cancelled (again) while waiting for it;
     * as in 3.13 the CancelledError rethrown then is the last one received, with its message (3.11
     * raises a new, bare one).
     *
     * waitFor checks the lock before the first predicate call: Python only notices a missing lock once
     * the predicate is false, so the misuse hides until the state is unlucky.
     *
     * The condition shares its lock's LoopBinding: whichever of the two is first waited on binds both
     * to that loop (Python binds each separately, but a condition is unusable on any loop but its
     * lock's, so the earlier, clearer error is free).
     *
     * Invariant: the lock is held whenever await() returns or throws CancelledError (re-acquisition
     * loops until it succeeds); other exceptions can only come from misuse of the lock across loops.
     */

    private final LoopBinding binding;
    private final ParkingLot waiters = new ParkingLot(() -> "wait() on " + this);
    private final Lock lock;

    private Condition(Lock lock) {
        this.lock = lock;
        this.binding = LoopBinding.shared(this, lock.binding());
    }

    /** A condition with a lock of its own. */
    public static Condition create() {
        return new Condition(Lock.create());
    }

    /**
     * A condition that uses {@code lock}, which may be shared with other conditions (for example
     * "not empty" and "not full" over one buffer) and used directly.
     *
     * @throws NullPointerException if {@code lock} is null
     */
    public static Condition create(Lock lock) {
        return new Condition(Objects.requireNonNull(lock,
                "Condition.create(null): pass a Lock, or call Condition.create() for a new one"));
    }

    /** The underlying lock. */
    public Lock lock() {
        return lock;
    }

    /**
     * Whether the underlying lock is held (by any task: asyncio locks have no owner).
     *
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    public boolean locked() {
        binding.checkThread();
        return lock.locked();
    }

    /**
     * Acquires the underlying lock: {@link Lock#acquire()}, returning an {@link Acquired} whose
     * {@code close()} releases it. Same waiting and cancellation contract as {@link Lock#acquire()}:
     * cancellation-atomic, either it returns with the lock held, or it throws {@link CancelledError}
     * without it and a release that had chosen this waiter goes to the next one.
     *
     * @throws IllegalStateException outside a coroutine, or on another loop than the condition's
     * @throws WrongThreadException from another thread while the condition's loop runs
     * @throws CancelledError if the task is cancelled while waiting
     */
    public Acquired acquire() {
        binding.task("acquire()");
        lock.acquire();
        return new Acquired(this);
    }

    /**
     * Releases the underlying lock: {@link Lock#release()}.
     *
     * @throws IllegalStateException if the lock is not held
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    @Override
    public void release() {
        binding.checkThread();
        lock.release();
    }

    /**
     * Releases the lock, waits until signalled, then re-acquires the lock and returns {@code true}
     * (Python's {@code await cond.wait()}). The caller must hold the lock, and holds it again
     * whenever this returns or throws {@link CancelledError}. After a signal the lock is taken in
     * the lock's FIFO order, so the state may have changed again: re-check it (or use
     * {@link #waitFor}).
     *
     * <p>Cancellation: the lock is re-acquired even when the task is cancelled, while waiting for
     * the signal or while waiting for the lock; then the {@code CancelledError} is rethrown (the
     * last one, if it was cancelled more than once). No signal is lost: a waiter that had been
     * signalled when the cancellation reached it (in the same loop iteration, or while it waited for
     * the lock) passes the signal on to the next waiter, as {@code signal(1)} would. This follows
     * CPython 3.13; in 3.11 that signal is lost. So either it
     * returns {@code true} having consumed one signal, or it throws {@code CancelledError} and the
     * condition's waiters are as if it had never waited (the lock is held in both cases).
     *
     * @return {@code true}
     * @throws IllegalStateException if the lock is not held, outside a coroutine, or on another loop
     *                               than the condition's
     * @throws WrongThreadException from another thread while the condition's loop runs
     * @throws CancelledError if the task is cancelled while waiting (the lock is held again)
     */
    public boolean await() {
        Task<?> task = binding.task("await()");
        requireLocked("await()", "wait");
        binding.bind(task);
        boolean[] signalled = {false};
        lock.release();
        try {
            CancelledError cancelled = null;
            try {
                waiters.park(woken -> signalled[0] = woken);
                signalled[0] = true;
            } catch (CancelledError e) {
                cancelled = e;
            }
            while (true) {
                try {
                    lock.acquire();
                    break;
                } catch (CancelledError e) {
                    cancelled = e; // keep the lock promise: try again, rethrow the last one
                }
            }
            if (cancelled != null) {
                throw cancelled;
            }
            return true;
        } catch (Throwable t) {
            if (signalled[0]) {
                waiters.wakeNext(); // pass the signal this waiter consumed on (gh-112202)
            }
            throw t;
        }
    }

    /**
     * Waits until {@code predicate} is true (Python's {@code await cond.wait_for(predicate)}): checks
     * it, and while it is false {@link #await()}s and checks again. The predicate runs with the lock
     * held. The caller must hold the lock, and holds it again whenever this returns or throws.
     *
     * <p>Cancellation: as {@link #await()}: it throws {@link CancelledError} with the lock held and
     * any signal it had consumed passed on; the predicate may have been checked several times.
     *
     * @return {@code true}: the predicate's last value (Python returns that value)
     * @throws NullPointerException if {@code predicate} is null
     * @throws IllegalStateException if the lock is not held (checked before the predicate runs,
     *                               unlike Python), outside a coroutine, or on another loop than the
     *                               condition's
     * @throws WrongThreadException from another thread while the condition's loop runs
     * @throws CancelledError if the task is cancelled while waiting (the lock is held again)
     */
    public boolean waitFor(BooleanSupplier predicate) {
        Objects.requireNonNull(predicate, "Condition.waitFor(null): pass the state to wait for, e.g."
                + " cond.waitFor(() -> !queue.isEmpty())");
        binding.task("waitFor()");
        requireLocked("waitFor()", "wait");
        boolean result = predicate.getAsBoolean();
        while (!result) {
            await();
            result = predicate.getAsBoolean();
        }
        return result;
    }

    /**
     * Wakes the first waiter, if any (Python's {@code cond.notify()}). <b>Not</b> {@code notify()}:
     * see the class documentation. The woken task returns from {@link #await()} once it has the lock,
     * so release it after signalling.
     *
     * @throws IllegalStateException if the lock is not held
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    public void signal() {
        signal(1);
    }

    /**
     * Wakes the first {@code n} waiters, or all if fewer wait (Python's {@code cond.notify(n)}).
     * Waiters already signalled but not yet running are not counted again. {@code signal(0)} does
     * nothing.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IllegalStateException if the lock is not held
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    public void signal(int n) {
        binding.checkThread();
        if (n < 0) {
            throw new IllegalArgumentException("Condition.signal(" + n + "): n is how many waiters to wake,"
                    + " and must be >= 0 (signalAll() wakes them all)");
        }
        requireLocked("signal()", "notify");
        waiters.wake(n);
    }

    /**
     * Wakes every waiter (Python's {@code cond.notify_all()}). <b>Not</b> {@code notifyAll()}: see the
     * class documentation.
     *
     * @throws IllegalStateException if the lock is not held
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    public void signalAll() {
        binding.checkThread();
        requireLocked("signalAll()", "notify");
        waiters.wakeAll();
    }

    private void requireLocked(String op, String python) {
        if (!lock.locked()) {
            throw new IllegalStateException("Condition." + op + " requires the condition's lock to be held;"
                    + " call it inside try (Acquired held = cond.acquire()) { ... } (Python: 'cannot "
                    + python + " on un-acquired lock')");
        }
    }

    /**
     * A snapshot for monitoring: whether the lock is held, and how many tasks wait for a signal.
     *
     * @throws WrongThreadException from another thread while the condition's loop runs
     */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(lock.locked(), waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param locked  whether the underlying lock is held
     * @param waiting tasks parked in {@link #await()} for a signal, including signalled ones that have
     *                not resumed yet (not those that wait to re-acquire the lock: see the lock's
     *                statistics)
     */
    public record Statistics(boolean locked, int waiting) {
    }

    /** Python's repr: {@code Condition[locked, waiters:2]}. */
    @Override
    public String toString() {
        String s = lock.isLocked() ? "locked" : "unlocked";
        return "Condition[" + (waiters.isEmpty() ? s : s + ", waiters:" + waiters.size()) + "]";
    }
}
