package org.aio4j.lowlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Clock;
import org.aio4j.EventLoop;
import org.aio4j.VirtualClock;
import org.junit.jupiter.api.Test;

/**
 * {@link Deadline}: {@code NONE}, the factories and their clamping, wrap-safe ordering, and
 * {@code EventLoop.deadlineAfter}. A value type: plain JUnit, no loop running.
 */
class DeadlineTest {

    /** Deadlines are clamped to this many nanoseconds (~73 years); see Deadline. */
    private static final long LIMIT = Long.MAX_VALUE >> 2;

    // ================================================================ NONE

    @Test
    void noneHasNoTimeAndNeverPasses() {
        Deadline none = Deadline.NONE;
        assertThat(none.isNone()).isTrue();
        assertThat(none.seconds()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(none.remainingNanos(0)).isEqualTo(Long.MAX_VALUE);
        assertThat(none.remainingNanos(Long.MAX_VALUE)).isEqualTo(Long.MAX_VALUE);
        assertThat(none.passed(0)).isFalse();
        assertThat(none.passed(Long.MAX_VALUE)).isFalse();
        assertThat(none.passed(Long.MIN_VALUE)).isFalse();
        assertThatThrownBy(none::nanos).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("check isNone() first");
        assertThat(none).hasToString("Deadline[none]");
    }

    @Test
    void noneIsLaterThanEveryDeadlineAndEqualToItself() {
        for (long n : new long[] {Long.MIN_VALUE, -1, 0, 1, LIMIT, Long.MAX_VALUE}) {
            Deadline d = Deadline.atNanos(n);
            assertThat(d.isNone()).isFalse();
            assertThat(Deadline.NONE.compareTo(d)).isPositive();
            assertThat(d.compareTo(Deadline.NONE)).isNegative();
            assertThat(d.min(Deadline.NONE)).isSameAs(d);
            assertThat(Deadline.NONE.min(d)).isSameAs(d);
            assertThat(d).isNotEqualTo(Deadline.NONE);
        }
        assertThat(Deadline.NONE.compareTo(Deadline.NONE)).isZero();
        assertThat(Deadline.NONE.min(Deadline.NONE)).isSameAs(Deadline.NONE);
        assertThat(Deadline.NONE).isEqualTo(Deadline.NONE);
    }

    @Test
    void noneIsNotTheDeadlineAtNanosecondZero() {
        // NONE keeps 0 in its time field: equality and hashing must not mistake it for atNanos(0).
        assertThat(Deadline.NONE).isNotEqualTo(Deadline.atNanos(0));
        assertThat(Deadline.atNanos(0)).isNotEqualTo(Deadline.NONE);
        assertThat(Deadline.NONE.hashCode()).isNotEqualTo(Deadline.atNanos(0).hashCode());
    }

    // ================================================================ factories

    @Test
    void atNanosKeepsTheExactTime() {
        Deadline d = Deadline.atNanos(1_234_567_890L);
        assertThat(d.nanos()).isEqualTo(1_234_567_890L);
        assertThat(d.seconds()).isEqualTo(1.23456789);
        assertThat(d).hasToString("Deadline[loop time 1.234568 s]");
        assertThat(Deadline.atNanos(Long.MIN_VALUE).nanos()).isEqualTo(Long.MIN_VALUE); // not clamped
    }

    @Test
    void atTimeConvertsSecondsToNanoseconds() {
        assertThat(Deadline.atTime(1.5).nanos()).isEqualTo(1_500_000_000L);
        assertThat(Deadline.atTime(0).nanos()).isZero();
        assertThat(Deadline.atTime(-2.25).nanos()).isEqualTo(-2_250_000_000L);
        assertThat(Deadline.atTime(1e-9).nanos()).isEqualTo(1L);
    }

    @Test
    void atTimeOfNaNIsRefused() {
        assertThatThrownBy(() -> Deadline.atTime(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("NaN")
                .hasMessageContaining("Double.POSITIVE_INFINITY for none");
    }

    @Test
    void atTimeOfPositiveInfinityIsNone() {
        assertThat(Deadline.atTime(Double.POSITIVE_INFINITY)).isSameAs(Deadline.NONE);
    }

    @Test
    void atTimeClampsHugeTimesToAboutSeventyThreeYears() {
        assertThat(Deadline.atTime(1e300).nanos()).isEqualTo(LIMIT);
        assertThat(Deadline.atTime(Double.MAX_VALUE).nanos()).isEqualTo(LIMIT);
        assertThat(Deadline.atTime(-1e300).nanos()).isEqualTo(-LIMIT);
        assertThat(Deadline.atTime(Double.NEGATIVE_INFINITY).nanos()).isEqualTo(-LIMIT);
        assertThat(Deadline.atTime(Double.NEGATIVE_INFINITY).isNone()).isFalse();
        assertThat(LIMIT / 1e9 / (365.25 * 24 * 3600)).isBetween(73.0, 74.0);
        // The clamp leaves room: the difference of two clamped deadlines does not overflow.
        assertThat(Deadline.atTime(1e300).compareTo(Deadline.atTime(-1e300))).isPositive();
        assertThat(Deadline.atTime(1e300).remainingNanos(-LIMIT)).isEqualTo(2 * LIMIT);
    }

    @Test
    void afterAddsTheDelayAndTreatsANegativeOneAsNow() {
        assertThat(Deadline.after(100, 50).nanos()).isEqualTo(150);
        assertThat(Deadline.after(100, 0).nanos()).isEqualTo(100);
        assertThat(Deadline.after(100, -50).nanos()).isEqualTo(100);
        assertThat(Deadline.after(100, Long.MIN_VALUE).nanos()).isEqualTo(100);
    }

    @Test
    void afterClampsHugeDelaysToAboutSeventyThreeYears() {
        assertThat(Deadline.after(100, Long.MAX_VALUE).nanos()).isEqualTo(100 + LIMIT);
        assertThat(Deadline.after(100, LIMIT + 1).nanos()).isEqualTo(100 + LIMIT);
        assertThat(Deadline.after(0, LIMIT).nanos()).isEqualTo(LIMIT);
        // Still in the future, also from a clock reading near the end of the long range.
        long now = Long.MAX_VALUE - 5;
        Deadline far = Deadline.after(now, Long.MAX_VALUE);
        assertThat(far.passed(now)).isFalse();
        assertThat(far.remainingNanos(now)).isEqualTo(LIMIT);
        assertThat(far.compareTo(Deadline.atNanos(now))).isPositive();
    }

    // ================================================================ ordering and time left

    @Test
    void compareToOrdersByTime() {
        List<Deadline> ds = new ArrayList<>(List.of(Deadline.atNanos(30), Deadline.NONE, Deadline.atNanos(-5),
                Deadline.atNanos(10)));
        ds.sort(null);
        assertThat(ds).containsExactly(Deadline.atNanos(-5), Deadline.atNanos(10), Deadline.atNanos(30),
                Deadline.NONE);
        assertThat(Deadline.atNanos(7).compareTo(Deadline.atNanos(7))).isZero();
        assertThat(Deadline.atNanos(7).min(Deadline.atNanos(8))).isEqualTo(Deadline.atNanos(7));
        assertThat(Deadline.atNanos(8).min(Deadline.atNanos(7))).isEqualTo(Deadline.atNanos(7));
    }

    @Test
    void compareToIsWrapSafeAcrossTheEndOfTheLongRange() {
        // As with System.nanoTime(): a time just past Long.MAX_VALUE wraps to a negative long, and is
        // still later.
        Deadline before = Deadline.atNanos(Long.MAX_VALUE - 10);
        Deadline after = Deadline.after(Long.MAX_VALUE - 10, 20); // wraps
        assertThat(after.nanos()).isNegative();
        assertThat(after.compareTo(before)).isPositive();
        assertThat(before.compareTo(after)).isNegative();
        assertThat(before.min(after)).isSameAs(before);
        assertThat(after.passed(Long.MAX_VALUE)).isFalse();
        assertThat(after.remainingNanos(Long.MAX_VALUE)).isEqualTo(10);
        assertThat(after.passed(Long.MIN_VALUE + 9)).isTrue();
    }

    @Test
    void passedIsTrueFromTheDeadlineOnAndRemainingNanosGoesNegative() {
        Deadline d = Deadline.atNanos(1_000);
        assertThat(d.passed(999)).isFalse();
        assertThat(d.remainingNanos(999)).isEqualTo(1);
        assertThat(d.passed(1_000)).isTrue(); // "has passed (or is now)"
        assertThat(d.remainingNanos(1_000)).isZero();
        assertThat(d.passed(1_001)).isTrue();
        assertThat(d.remainingNanos(1_500)).isEqualTo(-500);
    }

    // ================================================================ equality

    @Test
    void equalDeadlinesAreTheSameTimeAndHashAlike() {
        assertThat(Deadline.atNanos(42)).isEqualTo(Deadline.atNanos(42));
        assertThat(Deadline.atNanos(42).hashCode()).isEqualTo(Deadline.atNanos(42).hashCode());
        assertThat(Deadline.atTime(1.5)).isEqualTo(Deadline.atNanos(1_500_000_000L));
        assertThat(Deadline.after(1_000_000_000L, 500_000_000L)).isEqualTo(Deadline.atTime(1.5));
        assertThat(Deadline.atNanos(42)).isNotEqualTo(Deadline.atNanos(43));
        assertThat(Deadline.atNanos(42)).isNotEqualTo(42L);
        assertThat(Deadline.atNanos(42).equals(null)).isFalse();
    }

    // ================================================================ EventLoop.deadlineAfter

    @Test
    void deadlineAfterSecondsIsThatFarFromTheLoopsNow() {
        VirtualClock clock = Clock.virtual();
        clock.advanceBy(5_000_000_000L);
        EventLoop loop = EventLoop.create(clock);
        try {
            assertThat(loop.deadlineAfter(1.5)).isEqualTo(Deadline.atNanos(6_500_000_000L));
            assertThat(loop.deadlineAfter(0)).isEqualTo(Deadline.atNanos(5_000_000_000L));
            assertThat(loop.deadlineAfter(-3)).isEqualTo(Deadline.atNanos(5_000_000_000L));
            assertThat(loop.deadlineAfter(Double.POSITIVE_INFINITY)).isSameAs(Deadline.NONE);
            assertThat(loop.deadlineAfter(Double.NEGATIVE_INFINITY)).isEqualTo(Deadline.atNanos(5_000_000_000L));
            assertThat(loop.deadlineAfter(1e300)).isEqualTo(Deadline.atNanos(5_000_000_000L + LIMIT));
            assertThatThrownBy(() -> loop.deadlineAfter(Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("deadlineAfter").hasMessageContaining("NaN");
            assertThat(loop.deadlineAfter(1.5).passed(loop.timeNanos())).isFalse();
            clock.advanceBy(1_500_000_000L);
            assertThat(loop.deadlineAfter(0).passed(loop.timeNanos())).isTrue();
        } finally {
            loop.close();
        }
    }

    @Test
    void deadlineAfterADurationIsThatFarFromTheLoopsNow() {
        VirtualClock clock = Clock.virtual();
        clock.advanceBy(2_000_000_000L);
        EventLoop loop = EventLoop.create(clock);
        try {
            assertThat(loop.deadlineAfter(Duration.ofMillis(250))).isEqualTo(Deadline.atNanos(2_250_000_000L));
            assertThat(loop.deadlineAfter(Duration.ZERO)).isEqualTo(Deadline.atNanos(2_000_000_000L));
            assertThat(loop.deadlineAfter(Duration.ofSeconds(-3))).isEqualTo(Deadline.atNanos(2_000_000_000L));
            assertThat(loop.deadlineAfter(ChronoUnit.FOREVER.getDuration()))
                    .isEqualTo(Deadline.atNanos(2_000_000_000L + LIMIT));
            assertThatThrownBy(() -> loop.deadlineAfter((Duration) null)).isInstanceOf(NullPointerException.class);
        } finally {
            loop.close();
        }
    }

    @Test
    void deadlineAfterIsWrapSafeOnAClockNearTheEndOfTheLongRange() {
        long[] now = {Long.MAX_VALUE - 100};
        EventLoop loop = EventLoop.create(() -> now[0]);
        try {
            Deadline d = loop.deadlineAfter(1.0);
            assertThat(d.passed(loop.timeNanos())).isFalse();
            assertThat(d.remainingNanos(loop.timeNanos())).isEqualTo(1_000_000_000L);
            assertThat(d.compareTo(loop.deadlineAfter(0))).isPositive();
            now[0] += 1_000_000_000L; // wraps
            assertThat(d.passed(loop.timeNanos())).isTrue();
            assertThat(d.remainingNanos(loop.timeNanos())).isZero();
        } finally {
            loop.close();
        }
    }
}
