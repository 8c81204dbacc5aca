package org.aio4j.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.Pipe;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.LoopStatistics;
import org.aio4j.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** EventLoop.statistics(): the counters a running loop keeps, read in and outside the loop. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopStatisticsTest {

    @Test
    void theCountersSeeIterationsStepsTasksTimersRegistrationsAndTimeInSelect() throws Exception {
        LoopStatistics[] seen = new LoopStatistics[2];
        Pipe pipe = Pipe.open();
        pipe.source().configureBlocking(false);
        EventLoop[] loop = new EventLoop[1];
        Aio.run(Aio.async(() -> {
            loop[0] = Aio.runningLoop();
            LoopStatistics before = loop[0].statistics();
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(30)), "sleeper");
            loop[0].addReader(pipe.source(), () -> { });
            for (int i = 0; i < 10; i++) {
                Aio.sleep(0);
            }
            Aio.sleep(0.05); // blocks in select for about 50 ms
            seen[0] = loop[0].statistics();
            loop[0].removeReader(pipe.source());
            sleeper.cancel();
            Aio.await(Aio.gather(true, sleeper));
            seen[1] = loop[0].statistics();
            assertThat(seen[0].iterations()).isGreaterThan(before.iterations() + 10);
            assertThat(seen[0].steps()).isGreaterThan(before.steps() + 10);
        }));
        LoopStatistics during = seen[0];
        assertThat(during.tasks()).isEqualTo(2); // main and the sleeper
        assertThat(during.timers()).isGreaterThanOrEqualTo(1); // the sleeper's
        assertThat(during.ioRegistrations()).isEqualTo(1);
        assertThat(during.selectSeconds()).isGreaterThan(0.03);
        assertThat(during.readyLength()).isZero(); // read from the running task: nothing else is ready
        assertThat(seen[1].ioRegistrations()).isZero();
        assertThat(seen[1].tasks()).isEqualTo(1);
        assertThat(loop[0].statistics().iterations()).isGreaterThanOrEqualTo(seen[1].iterations());
        pipe.source().close();
        pipe.sink().close();
    }
}
