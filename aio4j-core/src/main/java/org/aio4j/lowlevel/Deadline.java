package org.aio4j.lowlevel;

import java.util.Locale;

/**
 * A point in loop time (the nanoseconds of the loop's {@link org.aio4j.Clock}), or {@link #NONE}:
 * the one way aio4j spells a deadline. {@code sleep}, {@code timeout}, {@code timeoutAt},
 * {@code waitFor}, {@code waitDone} and {@code asCompleted} all turn their arguments into one.
 *
 * <p>Make one with {@code loop.deadlineAfter(seconds)} (or a {@code Duration}), {@link #atTime} for an
 * absolute loop time in seconds, or {@link #atNanos}. Deadlines compare wrap-safe, as
 * {@link System#nanoTime()} values do; {@code NONE} is later than every deadline.
 *
 * <p>An immutable value; safe on any thread.
 */
public final class Deadline implements Comparable<Deadline> {
    /** Deadlines are clamped to +-this (~73 years of nanoseconds): arithmetic on them cannot overflow. */
    private static final long LIMIT = Long.MAX_VALUE >> 2;

    /** No deadline: waits forever. */
    public static final Deadline NONE = new Deadline(0, true);

    private final long nanos;
    private final boolean none;

    private Deadline(long nanos, boolean none) {
        this.nanos = nanos;
        this.none = none;
    }

    /** The deadline at loop time {@code loopNanos} (as {@code EventLoop.timeNanos()}). */
    public static Deadline atNanos(long loopNanos) {
        return new Deadline(loopNanos, false);
    }

    /**
     * The deadline at loop time {@code loopSeconds} (as {@code EventLoop.time()});
     * {@code Double.POSITIVE_INFINITY} is {@link #NONE}.
     *
     * @throws IllegalArgumentException if {@code loopSeconds} is NaN
     */
    public static Deadline atTime(double loopSeconds) {
        if (Double.isNaN(loopSeconds)) {
            throw new IllegalArgumentException("a deadline at loop time NaN: pass a loop time in seconds, or"
                    + " Double.POSITIVE_INFINITY for none");
        }
        if (loopSeconds == Double.POSITIVE_INFINITY) {
            return NONE;
        }
        double n = loopSeconds * 1e9;
        long clamped = n >= LIMIT ? LIMIT : n <= -(double) LIMIT ? -LIMIT : Math.round(n);
        return new Deadline(clamped, false);
    }

    /**
     * The deadline {@code delayNanos} after loop time {@code nowNanos}; a negative delay is "now",
     * a delay of {@code Long.MAX_VALUE} or more than ~73 years is clamped to ~73 years.
     */
    public static Deadline after(long nowNanos, long delayNanos) {
        return new Deadline(nowNanos + Math.min(Math.max(delayNanos, 0), LIMIT), false);
    }

    /** Whether this is {@link #NONE}. */
    public boolean isNone() {
        return none;
    }

    /**
     * The loop time in nanoseconds.
     *
     * @throws IllegalStateException for {@link #NONE}
     */
    public long nanos() {
        if (none) {
            throw new IllegalStateException("Deadline.NONE has no time; check isNone() first");
        }
        return nanos;
    }

    /** The loop time in seconds; {@code Double.POSITIVE_INFINITY} for {@link #NONE}. */
    public double seconds() {
        return none ? Double.POSITIVE_INFINITY : nanos / 1e9;
    }

    /** Nanoseconds left at loop time {@code nowNanos} (negative once passed); {@code Long.MAX_VALUE} for NONE. */
    public long remainingNanos(long nowNanos) {
        return none ? Long.MAX_VALUE : nanos - nowNanos;
    }

    /** Whether the deadline has passed (or is now) at loop time {@code nowNanos}; never for NONE. */
    public boolean passed(long nowNanos) {
        return !none && nanos - nowNanos <= 0;
    }

    /** The earlier of the two. */
    public Deadline min(Deadline other) {
        return compareTo(other) <= 0 ? this : other;
    }

    @Override
    public int compareTo(Deadline o) {
        if (none || o.none) {
            return Boolean.compare(none, o.none);
        }
        long d = nanos - o.nanos;
        return d == 0 ? 0 : d < 0 ? -1 : 1;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Deadline d && d.none == none && d.nanos == nanos;
    }

    @Override
    public int hashCode() {
        return none ? -1 : Long.hashCode(nanos);
    }

    @Override
    public String toString() {
        return none ? "Deadline[none]" : String.format(Locale.ROOT, "Deadline[loop time %.6f s]", nanos / 1e9);
    }
}
