package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The loop's timer heap on its own: timers come out in deadline order (wrap-safe), ties in
 * scheduling order, cancelled ones never, across growth, purges and deadlines near Long.MAX_VALUE.
 */
class TimerQueueTest {
    private final EventLoop loop = EventLoop.create();
    private final TimerQueue queue = new TimerQueue();
    private final LoopWatch watch = new LoopWatch();

    @AfterEach
    void close() {
        loop.close();
    }

    private TimerHandle timer(long deadline) {
        return new TimerHandle(loop, () -> { }, deadline, queue.nextSequence(), null);
    }

    private List<TimerHandle> popAll(long now) {
        ArrayDeque<Object> ready = new ArrayDeque<>();
        queue.popDue(now, ready, watch);
        List<TimerHandle> out = new ArrayList<>();
        ready.forEach(o -> out.add((TimerHandle) o));
        return out;
    }

    @Test
    void timersComeOutInDeadlineOrderWithTiesInSchedulingOrder() {
        Random random = new Random(42);
        List<TimerHandle> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            TimerHandle h = timer(random.nextInt(500)); // many equal deadlines
            all.add(h);
            queue.add(h);
        }
        List<TimerHandle> expected = new ArrayList<>(all);
        expected.sort(TimerHandle::compare);
        assertThat(popAll(1_000)).containsExactlyElementsOf(expected);
        assertThat(queue.size()).isZero();
    }

    @Test
    void onlyTimersDueAtNowArePoppedAndPeekSkipsCancelledOnes() {
        TimerHandle early = timer(10);
        TimerHandle cancelled = timer(5);
        TimerHandle late = timer(20);
        queue.add(late);
        queue.add(early);
        queue.add(cancelled);
        cancelled.cancelled = true;
        queue.cancelled();
        assertThat(queue.peek()).isSameAs(early);
        assertThat(popAll(15)).containsExactly(early);
        assertThat(popAll(25)).containsExactly(late);
    }

    @Test
    void purgeDropsCancelledTimersAndKeepsTheOrderOfTheRest() {
        List<TimerHandle> live = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            TimerHandle h = timer((i * 7919L) % 1_000);
            queue.add(h);
            if (i % 3 == 0) {
                live.add(h);
            } else {
                h.cancelled = true;
                queue.cancelled();
            }
        }
        queue.purgeIfWorthIt();
        assertThat(queue.size()).isEqualTo(live.size());
        live.sort(TimerHandle::compare);
        assertThat(popAll(10_000)).containsExactlyElementsOf(live);
    }

    @Test
    void deadlinesAreComparedWrapSafelyAcrossLongMaxValue() {
        TimerHandle before = timer(Long.MAX_VALUE - 5);
        TimerHandle after = timer(Long.MIN_VALUE + 5); // 11 ns later, past the wrap
        queue.add(after);
        queue.add(before);
        assertThat(popAll(Long.MIN_VALUE + 10)).containsExactly(before, after);
    }
}
