package org.aio4j;

/**
 * The monotonic time source of an {@link EventLoop}, in nanoseconds.
 *
 * <p>Only {@link #system()} reads {@link System#nanoTime()}; everything in aio4j that needs the time
 * asks the loop's clock, so a test can give the loop a {@link VirtualClock} and control time
 * completely. Values are only meaningful as differences; compare them wrap-safe
 * ({@code a - b < 0}, never {@code a < b}).
 *
 * <p>Thread-safety: {@link #system()} may be read from any thread; a {@link VirtualClock} belongs
 * to the loop that uses it.
 */
public interface Clock {

    /** The current time of this clock, in nanoseconds, monotonic. */
    long nanoTime();

    /** The real monotonic clock ({@link System#nanoTime()}). */
    static Clock system() {
        return SystemClock.INSTANCE;
    }

    /**
     * A new virtual clock at time 0 that jumps to the next timer whenever the loop has nothing else
     * to do.
     */
    static VirtualClock virtual() {
        return new VirtualClock();
    }
}
