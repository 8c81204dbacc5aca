package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Cancelling a task parked inside a blocking JDK call (LOOP_SCHEDULED mode: in PORTABLE mode such a
 * call holds the loop, so nothing can cancel it meanwhile): the task's thread is interrupted. Real
 * time, with a 10 s sleep that must end at once; the tolerance is wide.
 */
@Tag("slow")
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class BlockingCallCancelTest {

    private static final double PROMPT_SECONDS = 3.0;

    @BeforeEach
    void loopScheduledOnly() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED);
    }

    /** Runs {@code body} on a real-time loop. */
    private static void runRealTime(AsyncRunnable body) {
        try (Runner runner = Runner.create()) {
            runner.run(Aio.async(body));
        }
    }

    @Test
    void taskSleepingInThreadSleepIsInterruptedAndEndsCancelled() {
        List<String> trace = new CopyOnWriteArrayList<>();
        runRealTime(() -> {
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                trace.add("blocking");
                Thread.sleep(10_000);
                trace.add("slept to the end");
            }));
            Aio.sleep(0); // t runs until it parks in Thread.sleep, then we continue
            assertThat(trace).containsExactly("blocking");
            long start = System.nanoTime();
            assertThat(t.cancel("stop sleeping")).isTrue();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop sleeping");
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(PROMPT_SECONDS);
            assertThat(t.cancelled()).isTrue();
        });
        assertThat(trace).containsExactly("blocking");
    }

    @Test
    void taskThatCatchesTheInterruptGetsCancelledErrorAtItsNextAwait() {
        List<String> trace = new CopyOnWriteArrayList<>();
        runRealTime(() -> {
            Task<String> t = Aio.createTask(Aio.async(() -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    trace.add("interrupted");
                }
                try {
                    Aio.sleep(1.0);
                } catch (CancelledError e) {
                    trace.add("cancelled at the await");
                    throw e;
                }
                return "not reached";
            }));
            Aio.sleep(0);
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            assertThat(t.cancelled()).isTrue();
        });
        assertThat(trace).containsExactly("interrupted", "cancelled at the await");
    }

    @Test
    void taskThatCatchesTheInterruptAndReturnsEndsCancelled() {
        // Like a task cancelled during its last step: the pending cancellation still ends it cancelled.
        runRealTime(() -> {
            Task<String> t = Aio.createTask(Aio.async(() -> {
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return "swallowed the interrupt";
                }
                return "slept";
            }));
            Aio.sleep(0);
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            assertThat(t.cancelled()).isTrue();
        });
    }

    @Test
    void onlyTheCancelledTaskIsInterrupted() {
        runRealTime(() -> {
            Task<Void> victim = Aio.createTask(Aio.async(() -> Thread.sleep(10_000)));
            Task<String> bystander = Aio.createTask(Aio.async(() -> {
                Thread.sleep(100);
                return "bystander slept";
            }));
            Aio.sleep(0);
            victim.cancel();
            assertThatThrownBy(() -> Aio.await(victim)).isInstanceOf(CancelledError.class);
            assertThat(Aio.await(bystander)).isEqualTo("bystander slept");
        });
    }

    @Test
    void cancelOfATaskParkedAtAnAwaitDoesNotInterruptItsThread() {
        List<String> trace = new CopyOnWriteArrayList<>();
        runRealTime(() -> {
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                try {
                    Aio.await(Aio.runningLoop().createFuture());
                } catch (CancelledError e) {
                    Thread.sleep(20); // a blocking call in the cleanup is not interrupted
                    trace.add("cleanup slept; interrupted=" + Thread.currentThread().isInterrupted());
                    throw e;
                }
            }));
            Aio.sleep(0);
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        });
        assertThat(trace).containsExactly("cleanup slept; interrupted=false");
    }

    @Test
    void timeoutExpiringDuringABlockingCallRaisesTimeoutError() {
        runRealTime(() -> {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> {
                Thread.sleep(10_000);
            })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(InterruptedException.class);
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(PROMPT_SECONDS);
            assertThat(Aio.currentTask().cancelling()).isZero();
            Aio.sleep(0.01); // not cancelled afterwards
        });
    }

    @Test
    void waitForExpiringOnATaskInABlockingCallInterruptsItAndRaisesTimeoutError() {
        runRealTime(() -> {
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Thread.sleep(10_000)));
            long start = System.nanoTime();
            assertThatThrownBy(() -> Aio.waitFor(sleeper, 0.05)).isInstanceOf(TimeoutError.class);
            assertThat((System.nanoTime() - start) / 1e9).isLessThan(PROMPT_SECONDS);
            assertThat(sleeper.cancelled()).isTrue();
        });
    }

    @Test
    void abortingTaskGroupInterruptsABlockedChildWhichEndsCancelledNotFailed() {
        IOException boom = new IOException("boom");
        runRealTime(() -> {
            AtomicReference<Task<Void>> blocked = new AtomicReference<>();
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                blocked.set(tg.createTask(Aio.async(() -> Thread.sleep(10_000))));
                tg.createTask(Aio.async(() -> {
                    Aio.sleep(0.02);
                    throw boom;
                }));
            }));
            assertThat(thrown).isInstanceOf(ExceptionGroup.class);
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
            assertThat(blocked.get().cancelled()).isTrue();
        });
    }
}
