package org.aio4j;

/**
 * A callback scheduled for a point in loop time by {@link EventLoop#callLater} or
 * {@link EventLoop#callAt}: Python's {@code asyncio.TimerHandle}.
 *
 * <p>Timers that fall due at the same time run in the order they were scheduled. A cancelled timer
 * is removed lazily by the loop (its memory is reclaimed when it would have fired, or when cancelled
 * timers make up most of the heap).
 */
public final class TimerHandle extends Handle {
    final long deadline;
    final long sequence;

    TimerHandle(EventLoop loop, Runnable callback, long deadline, long sequence,
                java.util.Map<ContextVar<?>, Object> contextVars) {
        super(loop, callback, contextVars);
        this.deadline = deadline;
        this.sequence = sequence;
    }

    /** The loop time, in seconds (as {@link EventLoop#time()}), at which the callback runs. */
    public double when() {
        return deadline / 1e9;
    }

    @Override
    public void cancel() {
        if (!cancelled) {
            cancelled = true;
            loop.timerCancelled();
        }
    }

    /** Order of the timer heap: deadline (wrap-safe), then scheduling order. */
    static int compare(TimerHandle a, TimerHandle b) {
        long d = a.deadline - b.deadline;
        if (d != 0) {
            return d < 0 ? -1 : 1;
        }
        return Long.compare(a.sequence, b.sequence);
    }

    @Override
    public String toString() {
        return super.toString() + " when=" + when();
    }
}
