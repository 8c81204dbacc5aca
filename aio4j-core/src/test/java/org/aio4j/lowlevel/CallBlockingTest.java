package org.aio4j.lowlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.ContextVar;
import org.aio4j.ExceptionContext;
import org.aio4j.Runner;
import org.aio4j.StrandMode;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Lowlevel#callBlocking}: a blocking call that leaves the loop free (on the task's own
 * virtual thread in LOOP_SCHEDULED mode, on a worker in PORTABLE mode), and that cancellation stops
 * with the caller's action instead of an interrupt, waiting for the call to end. Real time, both
 * strand modes; the blocking is on latches, released by the test, so no timing is asserted.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallBlockingTest {

    private static void runRealTime(AsyncRunnable body) {
        try (Runner runner = Runner.create()) {
            runner.run(Aio.async(body));
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        if (!latch.await(15, TimeUnit.SECONDS)) {
            throw new AssertionError("latch never released");
        }
    }

    @Test
    void callReturnsItsValueWhileOtherTasksOfTheLoopKeepRunning() {
        runRealTime(() -> {
            CountDownLatch ticked = new CountDownLatch(3);
            Task<Void> ticker = Aio.createTask(Aio.async(() -> {
                while (true) {
                    Aio.sleep(0.01);
                    ticked.countDown();
                }
            }));
            // The call blocks until the ticker has ticked three times: only possible if the loop runs.
            String v = Lowlevel.callBlocking(() -> {
                await(ticked);
                return "done";
            }, () -> { });
            assertThat(v).isEqualTo("done");
            ticker.cancel();
        });
    }

    @Test
    void callRunsOnTheTasksOwnThreadInLoopScheduledModeAndOnAnotherInPortableMode() {
        runRealTime(() -> {
            Thread taskThread = Thread.currentThread();
            Thread callThread = Lowlevel.callBlocking(Thread::currentThread, () -> { });
            if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
                assertThat(callThread).isSameAs(taskThread);
            } else {
                assertThat(callThread).isNotSameAs(taskThread);
                assertThat(callThread.isVirtual()).isTrue();
            }
        });
    }

    @Test
    void callSeesTheTasksContextVariablesInBothModes() {
        ContextVar<String> user = ContextVar.of("user");
        runRealTime(() -> {
            user.set("ada");
            String seen = Lowlevel.callBlocking(user::get, () -> { });
            assertThat(seen).isEqualTo("ada");
        });
    }

    @Test
    void callsExceptionIsRethrownUnchanged() {
        IOException boom = new IOException("disk on fire");
        runRealTime(() -> assertThat(catchThrowable(() -> Lowlevel.callBlocking(() -> {
            throw boom;
        }, () -> { }))).isSameAs(boom));
    }

    @Test
    void cancellingRunsOnCancelInsteadOfInterruptingAndWaitsForTheCallToEnd() {
        List<String> trace = new CopyOnWriteArrayList<>();
        runRealTime(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inCall = new CountDownLatch(1);
            Task<String> t = Aio.createTask(Aio.async(() -> Lowlevel.callBlocking(() -> {
                inCall.countDown();
                release.await(15, TimeUnit.SECONDS); // an interrupt would throw here
                trace.add("call ended, interrupted=" + Thread.currentThread().isInterrupted());
                return "value dropped";
            }, () -> {
                trace.add("onCancel");
                release.countDown();
            })));
            Lowlevel.callBlocking(() -> {
                await(inCall);
                return null;
            }, () -> { });
            t.cancel("stop it");
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop it");
        });
        assertThat(trace).containsExactly("onCancel", "call ended, interrupted=false");
    }

    @Test
    void callsExceptionCausedByTheCancelIsSuppressedInTheCancelledError() {
        runRealTime(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inCall = new CountDownLatch(1);
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                Lowlevel.callBlocking(() -> {
                    inCall.countDown();
                    release.await(15, TimeUnit.SECONDS);
                    throw new IOException("canceling statement due to user request");
                }, release::countDown);
            }));
            Lowlevel.callBlocking(() -> {
                await(inCall);
                return null;
            }, () -> { });
            t.cancel();
            Throwable e = catchThrowable(() -> Aio.await(t));
            assertThat(e).isInstanceOf(CancelledError.class);
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(e.getSuppressed()[0]).isInstanceOf(IOException.class)
                    .hasMessage("canceling statement due to user request");
        });
    }

    @Test
    void timeoutScopeStopsTheCallWithOnCancelAndRaisesTimeoutError() {
        AtomicInteger cancels = new AtomicInteger();
        runRealTime(() -> {
            CountDownLatch release = new CountDownLatch(1);
            assertThatThrownBy(() -> Aio.timeout(0.05, () -> Lowlevel.callBlocking(() -> {
                release.await(15, TimeUnit.SECONDS);
                return "late";
            }, () -> {
                cancels.incrementAndGet();
                release.countDown();
            }))).isInstanceOf(TimeoutError.class);
        });
        assertThat(cancels).hasValue(1);
    }

    @Test
    void secondCancelDuringTheCallDoesNotRunOnCancelAgain() {
        AtomicInteger cancels = new AtomicInteger();
        runRealTime(() -> {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inCall = new CountDownLatch(1);
            CountDownLatch onCancelRan = new CountDownLatch(1);
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                Lowlevel.callBlocking(() -> {
                    inCall.countDown();
                    return release.await(15, TimeUnit.SECONDS);
                }, () -> {
                    cancels.incrementAndGet();
                    onCancelRan.countDown();
                });
            }));
            Lowlevel.callBlocking(() -> {
                await(inCall);
                return null;
            }, () -> { });
            t.cancel();
            t.cancel();
            Lowlevel.callBlocking(() -> {
                await(onCancelRan);
                return null;
            }, () -> { });
            Aio.sleep(0.02);
            t.cancel();
            release.countDown();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        });
        assertThat(cancels).hasValue(1);
    }

    @Test
    void taskAlreadyCancelledDoesNotStartTheCall() {
        AtomicInteger calls = new AtomicInteger();
        runRealTime(() -> {
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                Aio.currentTask().cancel();
                Lowlevel.callBlocking(calls::incrementAndGet, () -> { });
            }));
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        });
        assertThat(calls).hasValue(0);
    }

    @Test
    void onCancelFailureGoesToTheLoopsExceptionHandler() {
        AtomicReference<ExceptionContext> reported = new AtomicReference<>();
        runRealTime(() -> {
            Aio.runningLoop().setExceptionHandler((loop, context) -> reported.set(context));
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch inCall = new CountDownLatch(1);
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                Lowlevel.callBlocking(() -> {
                    inCall.countDown();
                    return release.await(15, TimeUnit.SECONDS);
                }, () -> {
                    release.countDown();
                    throw new IllegalStateException("cancel request refused");
                });
            }));
            Lowlevel.callBlocking(() -> {
                await(inCall);
                return null;
            }, () -> { });
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            for (int i = 0; i < 500 && reported.get() == null; i++) {
                Aio.sleep(0.01);
            }
        });
        assertThat(reported.get()).isNotNull();
        assertThat(reported.get().message()).contains("onCancel");
        assertThat(reported.get().exception()).hasMessage("cancel request refused");
    }

    @Test
    void outsideACoroutineItRaisesIllegalStateException() {
        assertThatThrownBy(() -> Lowlevel.callBlocking(() -> 1, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("callBlocking");
    }

    @Test
    void nullCallOrOnCancelIsRejectedWithWhatToPass() {
        runRealTime(() -> {
            assertThatThrownBy(() -> Lowlevel.callBlocking(null, () -> { }))
                    .isInstanceOf(NullPointerException.class).hasMessageContaining("onCancel () -> { }");
            assertThatThrownBy(() -> Lowlevel.callBlocking(() -> 1, null))
                    .isInstanceOf(NullPointerException.class);
        });
    }
}
