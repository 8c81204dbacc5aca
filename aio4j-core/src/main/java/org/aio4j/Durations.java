package org.aio4j;

import java.time.Duration;

/** Delays in seconds or {@link Duration}s, as loop nanoseconds: NaN refused, negatives as zero, clamped. */
final class Durations {
    private Durations() {
    }

    /** Delays longer than this are "forever" (~73 years): keeps deadline arithmetic from overflowing. */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    static long secondsToNanos(double seconds, String what) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(what + ": the delay is NaN; pass a number of seconds");
        }
        if (seconds <= 0) {
            return 0;
        }
        double nanos = seconds * 1e9;
        return nanos >= MAX_DELAY_NANOS ? MAX_DELAY_NANOS : (long) Math.ceil(nanos);
    }

    static long durationToNanos(Duration d) {
        if (d == null) {
            throw new NullPointerException("the duration is null");
        }
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) >= 0 ? MAX_DELAY_NANOS : d.toNanos();
    }

}
