package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Handle} and {@link TimerHandle}: cancellation and description. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HandleTest {

    private final EventLoop loop = EventLoop.create(Clock.virtual());
    private final List<String> trace = new ArrayList<>();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    @Test
    void cancellingAHandleThatAlreadyRanDoesNothing() {
        Handle h = loop.callSoon(() -> trace.add("ran"));
        loop.stop();
        loop.runForever();
        h.cancel();
        assertThat(trace).containsExactly("ran");
        assertThat(h.cancelled()).isTrue();
    }

    @Test
    void newHandleIsNotCancelled() {
        assertThat(loop.callSoon(() -> { }).cancelled()).isFalse();
        assertThat(loop.callLater(1.0, () -> { }).cancelled()).isFalse();
    }

    @Test
    void timerHandleWhenIsTheLoopTimeItFiresAt() {
        TimerHandle later = loop.callLater(2.5, () -> { });
        TimerHandle at = loop.callAt(7.0, () -> { });
        assertThat(later.when()).isEqualTo(2.5);
        assertThat(at.when()).isEqualTo(7.0);
    }

    @Test
    void toStringShowsCancellationAndTimerDeadline() {
        Handle h = loop.callSoon(() -> { });
        TimerHandle t = loop.callLater(1.0, () -> { });
        h.cancel();
        assertThat(h.toString()).startsWith("Handle[").contains("cancelled");
        assertThat(t.toString()).startsWith("TimerHandle[").contains("when=1.0").doesNotContain("cancelled");
    }

    @Test
    void manyCancelledTimersArePurgedAndOthersStillFire() {
        List<TimerHandle> cancelled = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            cancelled.add(loop.callLater(10.0 + i, () -> trace.add("cancelled timer ran")));
        }
        loop.callLater(5.0, () -> trace.add("kept at " + loop.time()));
        cancelled.forEach(TimerHandle::cancel);
        loop.callLater(20.0, loop::stop);
        loop.runForever();
        assertThat(trace).containsExactly("kept at 5.0");
        assertThat(loop.time()).isEqualTo(20.0);
    }
}
