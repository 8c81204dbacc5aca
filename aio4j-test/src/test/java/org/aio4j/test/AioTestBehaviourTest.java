package org.aio4j.test;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Clock;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.VirtualClock;

/** What an {@code @AioTest} method can do, on virtual time. */
class AioTestBehaviourTest {

    @AioTest
    void sleepingAnHourTakesNoRealTime(TestLoop test) {
        long started = System.nanoTime();
        sleep(3600);
        assertThat(test.time()).isEqualTo(3600.0);
        assertThat((System.nanoTime() - started) / 1e9).isLessThan(5.0);
    }

    @AioTest
    void bodyRunsAsTheMainTaskOfARunningLoop(EventLoop loop) {
        assertThat(Aio.runningLoop()).isSameAs(loop);
        assertThat(Aio.currentTask()).isNotNull();
        assertThat(Aio.currentTask().getName()).isEqualTo("test-main");
    }

    @AioTest
    void loopClockAndTestLoopAreInjected(TestLoop test, EventLoop loop, VirtualClock clock, Clock plain) {
        assertThat(test.loop()).isSameAs(loop);
        assertThat(loop.clock()).isSameAs(clock).isSameAs(plain);
        assertThat(TestLoop.current()).isSameAs(test);
    }

    @AioTest
    void advanceByRunsEachTimerAtItsOwnTime(TestLoop test, EventLoop loop) {
        List<String> seen = new ArrayList<>();
        loop.callLater(1.0, () -> seen.add("1s at " + loop.time()));
        loop.callLater(2.5, () -> seen.add("2.5s at " + loop.time()));
        loop.callLater(4.0, () -> seen.add("4s at " + loop.time()));
        test.advanceBy(3);
        assertThat(seen).containsExactly("1s at 1.0", "2.5s at 2.5");
        assertThat(test.time()).isEqualTo(3.0);
        test.advanceBy(1);
        assertThat(seen).containsExactly("1s at 1.0", "2.5s at 2.5", "4s at 4.0");
    }

    @AioTest
    void advanceByLetsTasksProgressStepByStep(TestLoop test) {
        List<Double> ticks = new ArrayList<>();
        Task<Void> ticker = createTask(async(() -> {
            for (int i = 0; i < 3; i++) {
                sleep(10);
                ticks.add(Aio.runningLoop().time());
            }
        }));
        test.advanceBy(9.99);
        assertThat(ticks).isEmpty();
        test.advanceBy(0.01);
        assertThat(ticks).containsExactly(10.0);
        test.advanceBy(20);
        assertThat(ticks).containsExactly(10.0, 20.0, 30.0);
        assertThat(ticker.done()).isTrue();
    }

    @AioTest
    void runCurrentRunsReadyWorkWithoutMovingTime(TestLoop test) {
        List<String> seen = new ArrayList<>();
        createTask(async(() -> {
            seen.add("a");
            sleep(0);
            seen.add("b");
            sleep(5);
            seen.add("c");
        }));
        test.runCurrent();
        assertThat(seen).containsExactly("a", "b");
        assertThat(test.time()).isEqualTo(0.0);
        test.advanceUntilIdle();
        assertThat(seen).containsExactly("a", "b", "c");
        assertThat(test.time()).isEqualTo(5.0);
    }

    @AioTest
    void advanceUntilIdleFollowsTimersThatScheduleTimers(TestLoop test, EventLoop loop) {
        int[] count = {0};
        Runnable[] again = new Runnable[1];
        again[0] = () -> {
            if (++count[0] < 5) {
                loop.callLater(60, again[0]);
            }
        };
        loop.callLater(60, again[0]);
        test.advanceUntilIdle();
        assertThat(count[0]).isEqualTo(5);
        assertThat(test.time()).isEqualTo(300.0);
    }

    @AioTest
    void waitAllTasksBlockedReturnsOnceEveryTaskIsParked(TestLoop test, EventLoop loop) {
        var gate = loop.<String>createFuture();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            createTask(async(() -> {
                sleep(0);
                seen.add("parked " + n);
                seen.add(await(gate) + " " + n);
            }));
        }
        test.waitAllTasksBlocked();
        assertThat(seen).containsExactly("parked 0", "parked 1", "parked 2");
        gate.setResult("woken");
        test.waitAllTasksBlocked();
        assertThat(seen).contains("woken 0", "woken 1", "woken 2");
    }

    @AioTest
    void stepsAssertTheOrderAcrossTasks(TestLoop test) {
        test.expect(1);
        Task<Void> t = createTask(async(() -> {
            test.expect(3);
            sleep(1);
            test.expect(5);
        }));
        test.expect(2);
        sleep(0.5);
        test.expect(4);
        await(t);
        test.finish(6);
    }

    @AioTest
    void sequencerForcesTheInterleaving(TestLoop test) {
        Sequencer seq = test.sequencer();
        List<String> order = new ArrayList<>();
        Task<Void> a = createTask(async(() -> {
            try (var s = seq.step(2)) {
                order.add("a: step 2");
            }
        }));
        Task<Void> b = createTask(async(() -> {
            try (var s = seq.step(0)) {
                order.add("b: step 0");
                sleep(3);
            }
            try (var s = seq.step(3)) {
                order.add("b: step 3");
            }
        }));
        try (var s = seq.step(1)) {
            order.add("main: step 1");
        }
        await(a);
        await(b);
        assertThat(order).containsExactly("b: step 0", "main: step 1", "a: step 2", "b: step 3");
        assertThatThrownBy(() -> seq.step(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already taken");
    }

    @AioTest
    void backgroundTasksDoNotCountAsLeaks(TestLoop test) {
        test.background(async(() -> {
            while (true) {
                sleep(1);
            }
        }));
        sleep(10);
    }

    @AioTest(realTime = true)
    void realTimeTestsRunOnTheSystemClock(TestLoop test, Clock clock) {
        assertThat(clock).isSameAs(Clock.system());
        double before = test.time();
        sleep(0.02);
        assertThat(test.time() - before).isGreaterThanOrEqualTo(0.019);
        assertThatThrownBy(() -> test.advanceBy(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs virtual time");
    }

    @AioTest(shuffle = true, seed = 42)
    void shuffledTestStillSeesFifoWithinOneTask(TestLoop test) {
        List<Integer> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            seen.add(i);
            sleep(0);
        }
        assertThat(seen).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    }

    @AioTest(shuffle = true, timeout = 10)
    void underShuffleSleepZeroStillLetsTheRestOfTheBatchRun(TestLoop test) {
        // Two tasks start in one batch; whichever runs first spins on sleep(0) until the other has
        // run. The shuffled batch is out of the ready queue while it runs: sleep(0) must still see
        // the other task as waiting and yield to it instead of returning at once forever.
        boolean[] ran = new boolean[2];
        List<Task<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            int me = i;
            tasks.add(createTask(async(() -> {
                ran[me] = true;
                int spins = 0;
                while (!ran[1 - me]) {
                    sleep(0);
                    spins++;
                }
                return spins;
            })));
        }
        for (Task<Integer> t : tasks) {
            assertThat(await(t)).isLessThanOrEqualTo(1);
        }
    }
}
