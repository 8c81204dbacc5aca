package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A blocking JDK call made by mistake inside a coroutine (docs/architecture.md, "How a coroutine suspends"): in LOOP_SCHEDULED
 * mode it parks only its task; in PORTABLE mode it holds the loop, as in asyncio. Debug mode reports
 * it, and slow steps.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingCallTest {

    /** Task A blocks in Thread.sleep(50); task B runs three short steps. */
    private static List<String> blockingTaskAndBusyTask(boolean debug) {
        List<String> trace = new CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setDebug(debug);
            runner.run(Aio.async(() -> {
                Task<Void> a = Aio.createTask(Aio.async(() -> {
                    trace.add("A blocks");
                    Thread.sleep(50);
                    trace.add("A back");
                }), "blocker");
                Task<Void> b = Aio.createTask(Aio.async(() -> {
                    for (int i = 0; i < 3; i++) {
                        trace.add("B" + i);
                        Aio.sleep(0);
                    }
                }));
                Aio.await(a);
                Aio.await(b);
            }));
        }
        return trace;
    }

    @Test
    void blockingJdkCallDoesNotFreezeTheLoopInLoopScheduledMode() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED);
        assertThat(blockingTaskAndBusyTask(false)).containsExactly("A blocks", "B0", "B1", "B2", "A back");
    }

    @Test
    void blockingJdkCallHoldsTheLoopInPortableMode() {
        assumeTrue(Aio.strandMode() == StrandMode.PORTABLE);
        assertThat(blockingTaskAndBusyTask(false)).containsExactly("A blocks", "A back", "B0", "B1", "B2");
    }

    @Test
    void debugModeReportsATaskParkedInABlockingCall() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED);
        try (LogCapture log = LogCapture.start()) {
            blockingTaskAndBusyTask(true);
            assertThat(log.records()).anySatisfy(r -> {
                assertThat(r.getMessage()).contains("'blocker'").contains("parked inside a blocking call");
                assertThat(r.getThrown().getStackTrace()).anySatisfy(
                        e -> assertThat(e.getMethodName()).isEqualTo("sleep"));
            });
        }
    }

    @Test
    void blockingCallIsNotReportedWithoutDebugMode() {
        try (LogCapture log = LogCapture.start()) {
            blockingTaskAndBusyTask(false);
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).contains("parked inside a blocking call"));
        }
    }

    @Test
    void virtualClockDoesNotJumpWhileATaskIsBlockedInAJdkCall() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED);
        double backAt = VirtualRun.run(() -> {
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(100.0)));
            Task<Double> blocker = Aio.createTask(Aio.async(() -> {
                Thread.sleep(50);
                return VirtualRun.now();
            }));
            double t = Aio.await(blocker);
            sleeper.cancel();
            return t;
        });
        assertThat(backAt).isEqualTo(0.0);
    }

    @Test
    void debugModeReportsATaskStepSlowerThanSlowCallbackDuration() {
        try (LogCapture log = LogCapture.start(); Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setDebug(true);
            runner.getLoop().slowCallbackDuration(0.01);
            runner.run(Aio.async(() -> {
                Aio.await(Aio.createTask(Aio.async(() -> {
                    long end = System.nanoTime() + 40_000_000L; // busy: holds the loop in any mode
                    while (System.nanoTime() - end < 0) {
                        Thread.onSpinWait();
                    }
                }), "cruncher"));
            }));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                    .startsWith("Executing").contains("cruncher").contains("took"));
        }
    }

    @Test
    void fastStepsAreNotReportedInDebugMode() {
        try (LogCapture log = LogCapture.start(); Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setDebug(true);
            runner.getLoop().slowCallbackDuration(5.0);
            runner.run(Aio.async(() -> Aio.sleep(1.0)));
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).startsWith("Executing"));
        }
    }

    @Test
    void threadYieldInsideATaskIsNotReportedAsABlockingCall() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED, "only loop-scheduled strands detect blocking calls");
        try (LogCapture log = LogCapture.start(); Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setDebug(true);
            double end = runner.run(Aio.async(() -> {
                Task<Void> other = Aio.createTask(Aio.async(() -> Aio.sleep(0)));
                Thread.yield(); // a plain JDK yield in coroutine code
                Aio.await(other);
                Aio.sleep(60); // virtual time still jumps: the task was not counted as blocked
                return Aio.runningLoop().time();
            }));
            assertThat(end).isEqualTo(60.0);
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).contains("parked inside a blocking call"));
        }
    }
}
