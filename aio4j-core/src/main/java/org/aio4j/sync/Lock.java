package org.aio4j.sync;

import org.aio4j.CancelledError;
import org.aio4j.Task;
import java.util.List;
import org.aio4j.lowlevel.ParkingLot;
import org.aio4j.lowlevel.WaitTarget;

/**
 * A mutual-exclusion lock for coroutines: Python's {@code asyncio.Lock}.
 *
 * <pre>{@code
 * Lock lock = Lock.create();
 * try (Acquired held = lock.acquire()) {   // Python: async with lock:
 *     ... // one task at a time here
 * }
 * }</pre>
 *
 * <p>As in asyncio the lock has no owner: any task (or callback) may {@link #release()} it, and it
 * is not reentrant: a task that acquires a lock it already holds waits for itself forever.
 * Waiters acquire it in FIFO order, and a task that calls {@link #acquire()} while others wait
 * queues behind them even if the lock is free at that moment (no barging).
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}.
 */
public final class Lock implements Acquired.Releasable {
    /*
     * CPython 3.11 locks.Lock, step for step, on a ParkingLot. The woken waiter stays in the lot
     * until it runs, which is what stops a newcomer from barging in between the release and the
     * waiter's resumption: acquire() takes the fast path only when every parked waiter is cancelled.
     * A waiter cancelled while the lock is free wakes the head, so a release is never lost.
     */

    private final LoopBinding binding = new LoopBinding(this);
    private final ParkingLot waiters = new ParkingLot(new WaitTarget() {
        @Override
        public String describeWait() {
            return "acquire() of " + Lock.this + (holder != null ? " held by Task '" + holder.getName() + "'" : "");
        }

        @Override
        public List<Task<?>> blockingTasks() {
            return holder != null && !holder.done() ? List.of(holder) : List.of();
        }
    });
    private boolean locked;
    /**
     * The task that took the lock and has not released it, for the await graph only: a waiter waits
     * for it, so two tasks each holding the lock the other wants form a cycle, a deadlock. It gives
     * the lock no owner (any task may still release it, as in asyncio).
     */
    private Task<?> holder;

    private Lock() {
    }

    /** A new, unlocked lock. */
    public static Lock create() {
        return new Lock();
    }

    /**
     * Whether the lock is held (by any task: the lock has no owner).
     *
     * @throws WrongThreadException from another thread while the lock's loop runs
     */
    public boolean locked() {
        binding.checkThread();
        return locked;
    }

    /** The lock's loop binding, which a Condition on this lock shares. */
    LoopBinding binding() {
        return binding;
    }

    /** {@link #locked()} without the thread check, for {@code toString()} of this and of a Condition. */
    boolean isLocked() {
        return locked;
    }

    /**
     * Waits until the lock is free and takes it, returning an {@link Acquired} whose
     * {@code close()} releases it (Python's {@code await lock.acquire()} returns {@code True}).
     *
     * <p>Cancellation-atomic: either it returns with the lock held, or it throws
     * {@link CancelledError} without holding it, and a release that had already chosen this waiter
     * is handed to the next one.
     *
     * @throws IllegalStateException outside a coroutine, or on another loop than the lock's
     * @throws WrongThreadException from another thread while the lock's loop runs
     * @throws CancelledError if the task is cancelled while waiting
     */
    public Acquired acquire() {
        Task<?> task = binding.task("acquire()");
        if (!locked && waiters.allCancelled()) {
            locked = true;
            holder = task;
            return new Acquired(this);
        }
        binding.bind(task);
        waiters.park(woken -> {
            if (!locked) {
                waiters.wakeHead();
            }
        });
        locked = true;
        holder = task;
        return new Acquired(this);
    }

    /**
     * Releases the lock and lets the first waiter, if any, take it.
     *
     * @throws IllegalStateException if the lock is not held
     * @throws WrongThreadException from another thread while the lock's loop runs
     */
    @Override
    public void release() {
        binding.checkThread();
        if (!locked) {
            throw new IllegalStateException("Lock is not acquired: release() was called without a matching"
                    + " acquire() (or twice for one acquire)");
        }
        locked = false;
        holder = null;
        waiters.wakeHead();
    }

    /**
     * A snapshot for monitoring: whether the lock is held and how many tasks wait for it.
     *
     * @throws WrongThreadException from another thread while the lock's loop runs
     */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(locked, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param locked  whether the lock is held
     * @param waiting tasks parked in {@link #acquire()}
     */
    public record Statistics(boolean locked, int waiting) {
    }

    /** Python's repr: {@code Lock[locked, waiters:2]}. */
    @Override
    public String toString() {
        String s = locked ? "locked" : "unlocked";
        return "Lock[" + (waiters.isEmpty() ? s : s + ", waiters:" + waiters.size()) + "]";
    }
}
