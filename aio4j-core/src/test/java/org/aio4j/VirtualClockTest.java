package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VirtualClock}: auto-jump, manual advance, and how the loop waits when it cannot jump. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class VirtualClockTest {

    @Test
    void newVirtualClockStartsAtZeroWithAutoJump() {
        VirtualClock c = Clock.virtual();
        assertThat(c.nanoTime()).isZero();
        assertThat(c.autoJump()).isTrue();
    }

    @Test
    void advanceByMovesTimeForwardAndNeverBack() {
        VirtualClock c = Clock.virtual();
        c.advanceBy(1_500);
        c.advanceBy(Duration.ofSeconds(2));
        assertThat(c.nanoTime()).isEqualTo(2_000_001_500L);
        assertThatThrownBy(() -> c.advanceBy(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backwards");
        assertThat(c.nanoTime()).isEqualTo(2_000_001_500L);
    }

    @Test
    void hourLongSleepTakesNoRealTime() {
        long realStart = System.nanoTime();
        double virtualEnd = VirtualRun.run(() -> {
            Aio.sleep(3600.0);
            return VirtualRun.now();
        });
        assertThat(virtualEnd).isEqualTo(3600.0);
        assertThat(Duration.ofNanos(System.nanoTime() - realStart)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void withoutAutoJumpTheLoopWaitsUntilTheClockIsAdvanced() throws Exception {
        VirtualClock clock = Clock.virtual().autoJump(false);
        assertThat(clock.autoJump()).isFalse();
        EventLoop loop = EventLoop.create(clock);
        List<String> trace = new CopyOnWriteArrayList<>();
        try {
            loop.callLater(5.0, () -> {
                trace.add("timer at " + loop.time());
                loop.stop();
            });
            // Nothing moves time but this thread, which hands the loop an advance after a real pause.
            Thread advancer = new Thread(() -> {
                EventLoopTest.sleepQuietly(50);
                loop.callSoonThreadsafe(() -> {
                    trace.add("advance at " + loop.time());
                    clock.advanceBy(Duration.ofSeconds(5));
                });
            });
            advancer.start();
            loop.runForever();
            advancer.join();
        } finally {
            loop.close();
        }
        assertThat(trace).containsExactly("advance at 0.0", "timer at 5.0");
    }
}
