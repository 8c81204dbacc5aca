package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * {@link Aio#sleep}: timing on the virtual clock, {@code sleep(0)} as a single yield, cancellation.
 * Runs on the aio4j-test kit: each test is the main task of a fresh loop on virtual time, and fails
 * if it leaves tasks, unretrieved failures or unawaited coroutines behind.
 */
class SleepTest {

    @AioTest
    void sleepSuspendsForTheGivenVirtualTime(TestLoop test) {
        assertThat(test.time()).isEqualTo(0.0);
        Aio.sleep(1.5);
        assertThat(test.time()).isEqualTo(1.5);
        Aio.sleep(Duration.ofMillis(250));
        assertThat(test.time()).isEqualTo(1.75);
    }

    @AioTest
    void sleepReturnsTheGivenResult() {
        assertThat(Aio.sleep(1.0, "value")).isEqualTo("value");
        assertThat(Aio.sleep(Duration.ofSeconds(1), 7)).isEqualTo(7);
    }

    @AioTest
    void sleepsEndInDeadlineOrder(TestLoop test) {
        List<String> trace = new ArrayList<>();
        List<Task<Void>> tasks = new ArrayList<>();
        for (double d : new double[] {3.0, 1.0, 2.0}) {
            tasks.add(Aio.createTask(Aio.async(() -> {
                Aio.sleep(d);
                trace.add(d + "@" + test.time());
            })));
        }
        Aio.await(Aio.gather(tasks));
        assertThat(trace).containsExactly("1.0@1.0", "2.0@2.0", "3.0@3.0");
    }

    @AioTest
    void sleepZeroYieldsExactlyOnce(TestLoop test) {
        List<String> trace = new ArrayList<>();
        Task<Void> a = Aio.createTask(Aio.async(() -> loop("a", trace)));
        Task<Void> b = Aio.createTask(Aio.async(() -> loop("b", trace)));
        Aio.await(a);
        Aio.await(b);
        assertThat(test.time()).isEqualTo(0.0);
        assertThat(trace).containsExactly("a0", "b0", "a1", "b1", "a2", "b2", "a3", "b3");
    }

    private static void loop(String name, List<String> trace) {
        for (int i = 0; i < 4; i++) {
            trace.add(name + i);
            Aio.sleep(0);
        }
    }

    @AioTest
    void sleepZeroLetsReadyCallbacksRunAndThenContinues(EventLoop loop) {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("callback"));
        trace.add("before");
        Aio.sleep(0);
        trace.add("after");
        assertThat(trace).containsExactly("before", "callback", "after");
    }

    @AioTest
    void negativeSleepIsLikeSleepZero(TestLoop test, EventLoop loop) {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("callback"));
        Aio.sleep(-5.0);
        trace.add("after");
        loop.callSoon(() -> trace.add("callback 2"));
        Aio.sleep(Duration.ofSeconds(-1));
        trace.add("after 2");
        assertThat(test.time()).isEqualTo(0.0);
        assertThat(trace).containsExactly("callback", "after", "callback 2", "after 2");
    }

    @AioTest
    void sleepWithNanThrowsIllegalArgument() {
        assertThatThrownBy(() -> Aio.sleep(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @AioTest
    void sleepWithNullDurationThrowsNullPointer() {
        assertThatThrownBy(() -> Aio.sleep((Duration) null)).isInstanceOf(NullPointerException.class);
    }

    @AioTest
    void cancelledSleepEndsAtTheCancellationTime(TestLoop test) {
        Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(100.0)));
        test.advanceBy(1.0);
        sleeper.cancel();
        assertThatThrownBy(() -> Aio.await(sleeper)).isInstanceOf(CancelledError.class);
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void cancelledSleepLeavesNoTimerBehind(TestLoop test) {
        // The sleep's timer is cancelled with it: nothing is left for time to run to.
        Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(1000.0)));
        test.advanceBy(1.0);
        sleeper.cancel();
        test.advanceUntilIdle();
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(sleeper.cancelled()).isTrue();
    }

    @AioTest
    void veryLongSleepIsAllowedAndCancellable(TestLoop test) {
        Task<Void> forever = Aio.createTask(Aio.async(() -> Aio.sleep(Double.MAX_VALUE)));
        Task<Void> forever2 = Aio.createTask(Aio.async(() -> Aio.sleep(Duration.ofSeconds(Long.MAX_VALUE))));
        test.advanceBy(1.0);
        forever.cancel();
        forever2.cancel();
        test.runCurrent();
        assertThat(forever.cancelled()).isTrue();
        assertThat(forever2.cancelled()).isTrue();
    }
}
