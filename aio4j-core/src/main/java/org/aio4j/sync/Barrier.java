package org.aio4j.sync;

import java.util.Locale;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A rendezvous for a fixed number of tasks: Python's {@code asyncio.Barrier}. Each task calls
 * {@link #await()}; the call waits until {@code parties} tasks have called it, then all of them
 * continue, each with its own arrival index, and the barrier is ready for the next round.
 *
 * <pre>{@code
 * Barrier ready = Barrier.create(3);
 * // in each of three tasks:
 * int index = ready.await();     // Python: index = await ready.wait()
 * if (index == 0) { ... }        // one task does the round's bookkeeping
 * }</pre>
 *
 * <p>A round: tasks arrive and wait (the barrier is <i>filling</i>); the {@code parties}-th arrival
 * returns at once and releases the others (the barrier is <i>draining</i>); tasks that arrive while
 * it drains wait for the next round until every released task has left {@code await()}. Arrival
 * indices are {@code 0 .. parties - 1}, in arrival order, and {@code parties - 1} is the task that
 * released the round.
 *
 * <p>{@link #abort()} breaks the barrier: waiting tasks and every later arrival get
 * {@link BrokenBarrierError} until {@link #reset()}. {@link #reset()} makes the tasks inside the
 * barrier fail with {@code BrokenBarrierError} and then returns it to the empty, filling state.
 *
 * <p>Python's {@code wait()} is {@link #await()} because {@link Object#wait()} is final in Java, and
 * its {@code n_waiting} property is {@link #waiting()}. Python's {@code reset()} and {@code abort()}
 * are coroutines; here they are plain methods that never wait (see the implementation notes), so
 * a callback may call them too.
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}.
 */
public final class Barrier {
    /*
     * CPython 3.11 locks.Barrier, with the same states, counts, indices and wake-up order. Python
     * builds it on a Condition and wakes everybody (notify_all) at every state change, and every
     * waiter re-checks its predicate in a loop (Condition.wait_for); here the waiters park directly on
     * one ParkingLot that plays the Condition's waiter queue, and the two wait_for loops are the two
     * while loops of await(). A waiter that wakes to find its predicate still false parks again at the
     * back of the lot, as a 3.11 Condition waiter does, so later wake-ups come in the same order.
     *
     * Python's Condition lock is left out. It is never held across a suspension: wait() takes it, and
     * gives it up only inside Condition.wait(), which parks without it; everything else under it is
     * synchronous. So whenever a task asks for it, it is free and uncontended, and taking it never
     * suspends: it adds no ordering and no cancellation point. That is also why reset() and abort(),
     * coroutines in Python only so that they can take that lock, are plain methods here with the
     * same effect.
     *
     * Cancellation, as 3.11: a task cancelled while it waits to enter (the barrier drains or
     * resets) leaves without having counted; a task cancelled while filling leaves and is no longer
     * counted (waiting() drops by one); a task cancelled after the round was released (draining, or
     * in the same loop iteration as the release) raises CancelledError instead of returning its
     * index, and the others still return theirs. Wakes are broadcasts, so a cancelled waiter has
     * nothing to hand on. The CancelledError is the task's own, with its message, as in 3.11 (whose
     * barrier lock, never contended, does not replace it with a bare one; the conformance scenario
     * barrier_cancel_woken_party_message shows it).
     */

    // The lifecycle (STYLE rule 6). count = tasks between their entry check and leaving await().
    //
    //   FILLING ──(parties-th arrival)──> DRAINING ──(last task out)──> FILLING
    //      │                                 │
    //      └──(reset, count > 0)──┐ ┌─(reset)─┘
    //                             ▼ ▼
    //                          RESETTING ──(last task out)──> FILLING
    //                             ▲
    //                             └──(reset, count > 0)── BROKEN <──(abort)── any state
    //                                                       │
    //                                                       └──(reset, count == 0)──> FILLING
    //
    // Arrivals wait while DRAINING or RESETTING, fail at once while BROKEN, and join the round while
    // FILLING. A counted task that resumes to find RESETTING or BROKEN fails; to find DRAINING, it
    // returns its index.
    private enum State {
        FILLING, DRAINING, RESETTING, BROKEN;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final LoopBinding binding = new LoopBinding(this);
    private final ParkingLot waiters = new ParkingLot(() -> "wait() on " + this);
    private final int parties;
    private State state = State.FILLING;
    /** Tasks inside await() past the entry check: arrived this round and not left yet. */
    private int count;

    private Barrier(int parties) {
        this.parties = parties;
    }

    /**
     * A barrier for {@code parties} tasks.
     *
     * @throws IllegalArgumentException if {@code parties} is less than 1
     */
    public static Barrier create(int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("Barrier.create(" + parties + "): parties is the number of tasks"
                    + " that must arrive before they all continue, and must be >= 1");
        }
        return new Barrier(parties);
    }

    /**
     * Waits until {@code parties} tasks have arrived, then returns this task's arrival index,
     * {@code 0 .. parties - 1} (Python's {@code await barrier.wait()}). The {@code parties}-th task
     * returns at once, releasing the others. While the previous round drains or a reset is under
     * way, an arriving task first waits for that to finish.
     *
     * <p>Cancellation is not atomic once the round is released: a task cancelled while it waits to
     * enter, or while the barrier fills, leaves without a trace (it is no longer counted, the others
     * keep waiting for a full set); a task cancelled after the round was released (even in the same
     * loop iteration as the release) throws {@link CancelledError} instead of returning its index,
     * and the round still completes for the others. This is asyncio's behaviour.
     *
     * @return the arrival index of this task in its round
     * @throws BrokenBarrierError if the barrier is broken when the task arrives, or is
     *                            {@linkplain #abort() aborted} or {@linkplain #reset() reset} while it
     *                            waits in a round (before it resumes)
     * @throws IllegalStateException outside a coroutine, or on another loop than the barrier's
     * @throws WrongThreadException from another thread while the barrier's loop runs
     * @throws CancelledError if the task is cancelled while waiting
     */
    public int await() {
        Task<?> task = binding.task("await()");
        while (state == State.DRAINING || state == State.RESETTING) {
            binding.bind(task);
            waiters.park(ParkingLot.NOTHING); // wait for the previous round to end
        }
        if (state == State.BROKEN) {
            throw new BrokenBarrierError("Barrier is broken: abort() was called on it; reset() makes it usable"
                    + " again");
        }
        int index = count++;
        try {
            if (index + 1 == parties) {
                state = State.DRAINING;
                waiters.wakeAll();
            } else {
                while (state == State.FILLING) {
                    binding.bind(task);
                    waiters.park(ParkingLot.NOTHING);
                }
                if (state == State.BROKEN) {
                    throw new BrokenBarrierError("Barrier was aborted while this task waited at it");
                }
                if (state == State.RESETTING) {
                    throw new BrokenBarrierError("Barrier was reset while this task waited at it");
                }
            }
            return index;
        } finally {
            count--;
            if (count == 0) {
                // The last task out ends the round: arrivals waiting to enter may go on.
                if (state == State.RESETTING || state == State.DRAINING) {
                    state = State.FILLING;
                }
                waiters.wakeAll();
            }
        }
    }

    /**
     * Returns the barrier to its initial, filling state. Tasks inside it (waiting in the current
     * round, or released but not yet resumed) get {@link BrokenBarrierError}; once they have left,
     * it fills again. Also repairs a broken barrier. Never waits (Python's is a coroutine, with the
     * same effect).
     *
     * @throws WrongThreadException from another thread while the barrier's loop runs
     */
    public void reset() {
        binding.checkThread();
        state = count > 0 ? State.RESETTING : State.FILLING;
        waiters.wakeAll();
    }

    /**
     * Breaks the barrier: tasks inside it (waiting, or released but not yet resumed) and every task
     * that arrives later get {@link BrokenBarrierError}, until {@link #reset()}. Useful when one
     * party fails and the others must not wait for it forever. Never waits (Python's is a
     * coroutine, with the same effect).
     *
     * @throws WrongThreadException from another thread while the barrier's loop runs
     */
    public void abort() {
        binding.checkThread();
        state = State.BROKEN;
        waiters.wakeAll();
    }

    /** The number of tasks that must arrive to release a round. */
    public int parties() {
        return parties;
    }

    /**
     * The number of tasks waiting in the round that is filling (Python's {@code n_waiting}); 0 while
     * a round drains or resets, or the barrier is broken.
     *
     * @throws WrongThreadException from another thread while the barrier's loop runs
     */
    public int waiting() {
        binding.checkThread();
        return state == State.FILLING ? count : 0;
    }

    /**
     * Whether the barrier is broken ({@link #abort()} was called and no {@link #reset()} since).
     *
     * @throws WrongThreadException from another thread while the barrier's loop runs
     */
    public boolean broken() {
        binding.checkThread();
        return state == State.BROKEN;
    }

    /**
     * A snapshot for monitoring.
     *
     * @throws WrongThreadException from another thread while the barrier's loop runs
     */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(parties, state == State.FILLING ? count : 0, state == State.BROKEN,
                waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param parties the number of tasks that release a round
     * @param waiting {@link #waiting()}: tasks waiting in the round that is filling
     * @param broken  {@link #broken()}
     * @param parked  tasks parked in {@link #await()} for any reason: waiting in the filling round,
     *                waiting to enter while a round drains or resets, or woken and not yet resumed
     */
    public record Statistics(int parties, int waiting, boolean broken, int parked) {
    }

    /** Python's repr: {@code Barrier[filling, waiters:1/3]}, {@code Barrier[broken]}. */
    @Override
    public String toString() {
        String s = state.label();
        if (state != State.BROKEN) {
            s += ", waiters:" + (state == State.FILLING ? count : 0) + "/" + parties;
        }
        return "Barrier[" + s + "]";
    }
}
