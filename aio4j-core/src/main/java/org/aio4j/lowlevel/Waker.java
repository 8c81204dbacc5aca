package org.aio4j.lowlevel;

import org.aio4j.Task;

/**
 * The ticket of one park: made by {@link Lowlevel#newWaker()} for the current task, handed to
 * whatever will wake it (a waiter list, a callback), then passed to {@link Lowlevel#park}. Waking
 * is once-only: the first {@code wake} or {@code wakeWithError} wins, and any later one (or one after
 * the park was aborted by cancellation) returns {@code false} and does nothing, so a waker never
 * needs to know whether its task is still waiting.
 *
 * <p>Implemented by aio4j only. Loop thread only: from another thread, hand the wake to the loop
 * with {@code loop.callSoonThreadsafe(() -> waker.wake(v))}.
 *
 * @param <T> the value the park returns
 */
public interface Waker<T> {
    /** The task this waker resumes. */
    Task<?> task();

    /**
     * Resumes the parked task: its {@link Lowlevel#park} returns {@code value}. A wake before the
     * task parks makes its park return at once.
     *
     * @return false if this waker was already used or the park was aborted
     */
    boolean wake(T value);

    /** Resumes the parked task by throwing {@code error} from its park; see {@link #wake}. */
    boolean wakeWithError(Throwable error);

    /** Whether no wake and no abort has happened yet. */
    boolean isPending();
}
