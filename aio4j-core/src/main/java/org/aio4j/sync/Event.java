package org.aio4j.sync;

import org.aio4j.Awaitable;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * A flag that tasks can wait for: Python's {@code asyncio.Event}.
 *
 * <pre>{@code
 * Event ready = Event.create();
 * Aio.createTask(Aio.async(() -> { load(); ready.set(); }));
 * Aio.await(ready);          // Python: await ready.wait()
 * }</pre>
 *
 * <p>The flag starts unset. {@link #set()} sets it and wakes every task waiting for it; while it is
 * set, waiting returns at once; {@link #clear()} unsets it again.
 *
 * <p><b>Waiting is {@link #await()}, not {@code wait()}.</b> Python's method is {@code wait()}, but
 * Java cannot give a class a method of that name: {@link Object#wait()} is final (and calling it
 * here would throw {@link IllegalMonitorStateException}). An event is an {@link Awaitable}, so
 * {@code Aio.await(event)}, {@code event.await()}, {@code Aio.waitFor(event, 1.0)} and
 * {@code Aio.gather(event, ...)} all work (the last two run the wait as a task of its own, as
 * asyncio does for {@code ev.wait()}).
 *
 * <p>Loop-bound and loop-thread only; see the {@linkplain org.aio4j.sync package contract}.
 */
public final class Event implements Awaitable<Boolean> {
    /*
     * CPython 3.11 locks.Event on a ParkingLot. set() wakes every waiter that is parked at that moment;
     * a woken waiter returns TRUE even if clear() ran before it resumed (as in asyncio: the wake is the
     * answer, not a re-read of the flag), and waiters that arrive after the clear() wait for the next
     * set(). Waking is a broadcast, so a waiter that is cancelled after its wake has nothing to hand
     * on: the others were woken by the same set(), and the flag itself is not consumed.
     */

    private final LoopBinding binding = new LoopBinding(this);
    private final ParkingLot waiters = new ParkingLot(() -> "wait() on " + this);
    private boolean value;

    private Event() {
    }

    /** A new event whose flag is not set. */
    public static Event create() {
        return new Event();
    }

    /**
     * Whether the flag is set (Python's {@code is_set()}).
     *
     * @throws WrongThreadException from another thread while the event's loop runs
     */
    public boolean isSet() {
        binding.checkThread();
        return value;
    }

    /**
     * Sets the flag and wakes every task waiting for it. Does nothing if it is already set. Tasks
     * that wait later return at once until {@link #clear()} is called. May be called from a
     * coroutine or a plain callback.
     *
     * @throws WrongThreadException from another thread while the event's loop runs (use
     *                              {@code loop.callSoonThreadsafe(event::set)})
     */
    public void set() {
        binding.checkThread();
        if (!value) {
            value = true;
            waiters.wakeAll();
        }
    }

    /**
     * Unsets the flag: tasks that wait from now on wait for the next {@link #set()}. Tasks already
     * woken by a {@code set()} still return {@code TRUE}.
     *
     * @throws WrongThreadException from another thread while the event's loop runs
     */
    public void clear() {
        binding.checkThread();
        value = false;
    }

    /**
     * Waits until the flag is set and returns {@code TRUE} (Python's {@code await event.wait()});
     * returns at once if it is set already, without suspending.
     *
     * <p>Cancellation-atomic: either it returns {@code TRUE}, or it throws {@link CancelledError} and
     * the event is unchanged. Nothing is lost when the cancellation arrives in the same loop
     * iteration as the {@code set()}: the flag stays set and the other waiters were woken too.
     *
     * @throws IllegalStateException outside a coroutine, or on another loop than the event's
     * @throws CancelledError if the task is cancelled while waiting
     */
    @Override
    public Boolean await() {
        Task<?> task = binding.task("await()");
        if (value) {
            return Boolean.TRUE;
        }
        binding.bind(task);
        waiters.park(ParkingLot.NOTHING);
        return Boolean.TRUE;
    }

    /**
     * A snapshot for monitoring: whether the flag is set and how many tasks wait for it.
     *
     * @throws WrongThreadException from another thread while the event's loop runs
     */
    public Statistics statistics() {
        binding.checkThread();
        return new Statistics(value, waiters.size());
    }

    /**
     * What {@link #statistics()} returns.
     *
     * @param set     whether the flag is set
     * @param waiting tasks parked in {@link #await()}, including woken ones that have not resumed yet
     */
    public record Statistics(boolean set, int waiting) {
    }

    /** Python's repr: {@code Event[unset, waiters:2]}. */
    @Override
    public String toString() {
        String s = value ? "set" : "unset";
        return "Event[" + (waiters.isEmpty() ? s : s + ", waiters:" + waiters.size()) + "]";
    }
}
