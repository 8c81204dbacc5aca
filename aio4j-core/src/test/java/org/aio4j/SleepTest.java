package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Aio#sleep}: timing on the virtual clock, {@code sleep(0)} as a single yield, cancellation. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SleepTest {

    @Test
    void sleepSuspendsForTheGivenVirtualTime() {
        List<Double> times = VirtualRun.run(() -> {
            List<Double> t = new CopyOnWriteArrayList<>();
            t.add(VirtualRun.now());
            Aio.sleep(1.5);
            t.add(VirtualRun.now());
            Aio.sleep(Duration.ofMillis(250));
            t.add(VirtualRun.now());
            return t;
        });
        assertThat(times).containsExactly(0.0, 1.5, 1.75);
    }

    @Test
    void sleepReturnsTheGivenResult() {
        assertThat(VirtualRun.run(() -> Aio.sleep(1.0, "value"))).isEqualTo("value");
        assertThat(VirtualRun.run(() -> Aio.sleep(Duration.ofSeconds(1), 7))).isEqualTo(7);
    }

    @Test
    void sleepsEndInDeadlineOrder() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Task<Void> a = Aio.createTask(Aio.async(() -> {
                Aio.sleep(3.0);
                trace.add("a@" + VirtualRun.now());
            }));
            Task<Void> b = Aio.createTask(Aio.async(() -> {
                Aio.sleep(1.0);
                trace.add("b@" + VirtualRun.now());
            }));
            Task<Void> c = Aio.createTask(Aio.async(() -> {
                Aio.sleep(2.0);
                trace.add("c@" + VirtualRun.now());
            }));
            Aio.await(a);
            Aio.await(b);
            Aio.await(c);
        });
        assertThat(trace).containsExactly("b@1.0", "c@2.0", "a@3.0");
    }

    @Test
    void sleepZeroYieldsExactlyOnce() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Task<Void> a = Aio.createTask(Aio.async(() -> loop("a", trace)));
            Task<Void> b = Aio.createTask(Aio.async(() -> loop("b", trace)));
            Aio.await(a);
            Aio.await(b);
            assertThat(VirtualRun.now()).isEqualTo(0.0);
        });
        assertThat(trace).containsExactly("a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3");
    }

    private static void loop(String name, List<String> trace) {
        for (int i = 0; i < 4; i++) {
            trace.add(name + i);
            Aio.sleep(0);
        }
    }

    @Test
    void sleepZeroLetsReadyCallbacksRunAndThenContinues() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.runningLoop().callSoon(() -> trace.add("callback"));
            trace.add("before");
            Aio.sleep(0);
            trace.add("after");
        });
        assertThat(trace).containsExactly("before", "callback", "after");
    }

    @Test
    void negativeSleepIsLikeSleepZero() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.runningLoop().callSoon(() -> trace.add("callback"));
            Aio.sleep(-5.0);
            trace.add("after");
            Aio.runningLoop().callSoon(() -> trace.add("callback 2"));
            Aio.sleep(Duration.ofSeconds(-1));
            trace.add("after 2");
            assertThat(VirtualRun.now()).isEqualTo(0.0);
        });
        assertThat(trace).containsExactly("callback", "after", "callback 2", "after 2");
    }

    @Test
    void sleepWithNanThrowsIllegalArgument() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.sleep(Double.NaN))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        });
    }

    @Test
    void sleepWithNullDurationThrowsNullPointer() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.sleep((Duration) null)).isInstanceOf(NullPointerException.class);
        });
    }

    @Test
    void cancelledSleepEndsAtTheCancellationTime() {
        VirtualRun.run(() -> {
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(100.0)));
            Aio.sleep(1.0);
            sleeper.cancel();
            assertThatThrownBy(() -> Aio.await(sleeper)).isInstanceOf(CancelledError.class);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void cancelledSleepDoesNotKeepTheLoopBusyUntilItsDeadline() {
        // The sleep's timer is cancelled with it: the loop has nothing left and the run ends at t=1.
        double end = VirtualRun.run(() -> {
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(1000.0)));
            Aio.sleep(1.0);
            sleeper.cancel();
            Aio.sleep(0);
            Aio.sleep(2.0);
            return VirtualRun.now();
        });
        assertThat(end).isEqualTo(3.0);
    }

    @Test
    void veryLongSleepIsAllowedAndCancellable() {
        VirtualRun.run(() -> {
            Task<Void> forever = Aio.createTask(Aio.async(() -> Aio.sleep(Double.MAX_VALUE)));
            Task<Void> forever2 = Aio.createTask(Aio.async(() -> Aio.sleep(Duration.ofSeconds(Long.MAX_VALUE))));
            Aio.sleep(1.0);
            forever.cancel();
            forever2.cancel();
            Aio.sleep(0);
            assertThat(forever.cancelled()).isTrue();
            assertThat(forever2.cancelled()).isTrue();
        });
    }
}
