package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link EventLoop}: scheduling order, the iteration's batch, timers, running, stopping, closing, threads. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EventLoopTest {

    private final VirtualClock clock = Clock.virtual();
    private final EventLoop loop = EventLoop.create(clock);
    private final List<String> trace = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeLoop() {
        if (!loop.isRunning()) {
            loop.close();
        }
    }

    /** Runs exactly one iteration: stop() before runForever() makes it run once and return. */
    private void runOnce() {
        loop.stop();
        loop.runForever();
    }

    // ------------------------------------------------------------ callSoon and the batch

    @Test
    void callSoonRunsCallbacksInFifoOrder() {
        for (int i = 0; i < 5; i++) {
            int n = i;
            loop.callSoon(() -> trace.add("cb" + n));
        }
        runOnce();
        assertThat(trace).containsExactly("cb0", "cb1", "cb2", "cb3", "cb4");
    }

    @Test
    void callbackScheduledByACallbackRunsAtTheNextIteration() {
        loop.callSoon(() -> {
            trace.add("a");
            loop.callSoon(() -> trace.add("c (scheduled by a)"));
        });
        loop.callSoon(() -> trace.add("b"));

        runOnce();
        assertThat(trace).as("only the callbacks ready when the iteration began").containsExactly("a", "b");

        runOnce();
        assertThat(trace).containsExactly("a", "b", "c (scheduled by a)");
    }

    @Test
    void stopFromACallbackEndsRunForeverAfterTheCurrentBatch() {
        loop.callSoon(() -> {
            trace.add("stopper");
            loop.stop();
            loop.callSoon(() -> trace.add("next iteration"));
        });
        loop.callSoon(() -> trace.add("same batch"));

        loop.runForever();

        assertThat(trace).containsExactly("stopper", "same batch");
        assertThat(loop.isRunning()).isFalse();
        runOnce();
        assertThat(trace).containsExactly("stopper", "same batch", "next iteration");
    }

    @Test
    void stopBeforeRunForeverRunsOneIterationAndReturns() {
        loop.callSoon(() -> trace.add("ran"));
        loop.stop();
        loop.runForever();
        assertThat(trace).containsExactly("ran");
    }

    @Test
    void cancelledHandleDoesNotRun() {
        Handle h = loop.callSoon(() -> trace.add("cancelled one"));
        loop.callSoon(() -> trace.add("other"));
        h.cancel();
        runOnce();
        assertThat(h.cancelled()).isTrue();
        assertThat(trace).containsExactly("other");
    }

    @Test
    void handleCancelledByAnEarlierCallbackOfTheSameBatchDoesNotRun() {
        AtomicReference<Handle> second = new AtomicReference<>();
        loop.callSoon(() -> second.get().cancel());
        second.set(loop.callSoon(() -> trace.add("second")));
        runOnce();
        assertThat(trace).isEmpty();
    }

    // ------------------------------------------------------------ timers

    @Test
    void timersRunByDeadlineThenBySchedulingOrder() {
        loop.callLater(2.0, () -> trace.add("later 2.0 @" + loop.time()));
        loop.callLater(1.0, () -> trace.add("later 1.0 first @" + loop.time()));
        loop.callAt(loop.time() + 1.0, () -> trace.add("at 1.0 second @" + loop.time()));
        loop.callLater(Duration.ofMillis(1000), () -> trace.add("later 1s third @" + loop.time()));
        loop.callLater(0.5, () -> trace.add("later 0.5 @" + loop.time()));
        loop.callLater(3.0, loop::stop);

        loop.runForever();

        assertThat(trace).containsExactly(
                "later 0.5 @0.5",
                "later 1.0 first @1.0",
                "at 1.0 second @1.0",
                "later 1s third @1.0",
                "later 2.0 @2.0");
        assertThat(loop.time()).isEqualTo(3.0);
    }

    @Test
    void timerWithZeroOrNegativeDelayRunsAfterTheCallbacksAlreadyReady() {
        loop.callLater(-1.0, () -> trace.add("timer -1"));
        loop.callLater(0.0, () -> trace.add("timer 0"));
        loop.callSoon(() -> trace.add("soon"));
        runOnce();
        assertThat(trace).containsExactly("soon", "timer -1", "timer 0");
        assertThat(loop.time()).isEqualTo(0.0);
    }

    @Test
    void cancelledTimerHandleDoesNotRun() {
        TimerHandle h = loop.callLater(1.0, () -> trace.add("cancelled timer"));
        loop.callLater(2.0, () -> {
            trace.add("other timer");
            loop.stop();
        });
        h.cancel();
        h.cancel(); // twice is harmless

        loop.runForever();

        assertThat(trace).containsExactly("other timer");
        assertThat(h.cancelled()).isTrue();
        assertThat(h.when()).isEqualTo(1.0);
    }

    @Test
    void timeAdvancesByAutoJumpOfTheVirtualClock() {
        assertThat(loop.time()).isEqualTo(0.0);
        loop.callLater(5.0, () -> {
            trace.add("at " + loop.time());
            loop.callLater(2.5, () -> {
                trace.add("at " + loop.time());
                loop.stop();
            });
        });
        loop.runForever();
        assertThat(trace).containsExactly("at 5.0", "at 7.5");
        assertThat(loop.timeNanos()).isEqualTo(7_500_000_000L);
        assertThat(loop.clock()).isSameAs(clock);
    }

    @Test
    void nanDelaysAreRejected() {
        assertThatThrownBy(() -> loop.callLater(Double.NaN, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
        assertThatThrownBy(() -> loop.callAt(Double.NaN, () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void nullCallbackIsRejected() {
        assertThatThrownBy(() -> loop.callSoon(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> loop.callLater(1.0, null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------ running

    @Test
    void runUntilCompleteReturnsTheResult() {
        assertThat(loop.runUntilComplete(Aio.async(() -> 42))).isEqualTo(42);
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void runUntilCompleteRethrowsTheExceptionUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> loop.runUntilComplete(Aio.async(() -> {
            Aio.sleep(1.0);
            throw boom;
        }))).isSameAs(boom);
        assertThat(loop.time()).isEqualTo(1.0);
    }

    @Test
    void runUntilCompleteOfAFutureThatNeverCompletesFailsWhenTheLoopIsStopped() {
        Future<String> never = loop.createFuture();
        loop.callLater(1.0, loop::stop);
        assertThatThrownBy(() -> loop.runUntilComplete(never))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("stopped before Future completed");
    }

    @Test
    void runUntilCompleteRejectsAFutureOfAnotherLoop() {
        EventLoop other = EventLoop.create(Clock.virtual());
        try {
            Future<String> foreign = other.createFuture();
            assertThatThrownBy(() -> loop.runUntilComplete(foreign))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("another event loop");
        } finally {
            other.close();
        }
    }

    @Test
    void runForeverWhileRunningThrowsIllegalState() {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                loop.runForever();
            } catch (Throwable e) {
                caught.set(e);
            }
        });
        runOnce();
        assertThat(caught.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
    }

    @Test
    void runUntilCompleteInsideATaskThrowsIllegalState() {
        Throwable caught = loop.runUntilComplete(Aio.async(() -> {
            Coro<Integer> inner = Aio.async(() -> 1);
            try {
                loop.runUntilComplete(inner);
                return null;
            } catch (IllegalStateException e) {
                assertThat(inner.isCreated()).as("the refused call must not have claimed the coroutine").isTrue();
                inner.close();
                return e;
            }
        }));
        assertThat(caught).hasMessageContaining("already running");
    }

    @Test
    void isRunningIsTrueOnlyWhileRunning() {
        AtomicReference<Boolean> inside = new AtomicReference<>();
        loop.callSoon(() -> inside.set(loop.isRunning()));
        assertThat(loop.isRunning()).isFalse();
        runOnce();
        assertThat(inside.get()).isTrue();
        assertThat(loop.isRunning()).isFalse();
    }

    @Test
    void runningASecondLoopOnTheSameThreadThrowsIllegalState() {
        EventLoop second = EventLoop.create(Clock.virtual());
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Coro<Integer> coro = Aio.async(() -> 1);
        try {
            loop.callSoon(() -> {
                try {
                    second.runUntilComplete(coro);
                } catch (Throwable e) {
                    caught.set(e);
                }
            });
            runOnce();
        } finally {
            second.close();
        }
        assertThat(caught.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("another loop is running on this thread");
        assertThat(coro.isCreated()).isTrue();
        coro.close();
    }

    @Test
    void loopCreatedOnAPlatformThreadRefusesToRunOnAVirtualThreadInLoopScheduledMode() throws Exception {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                loop.stop();
                loop.runForever();
            } catch (Throwable e) {
                caught.set(e);
            }
        }).join();
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            assertThat(caught.get()).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("platform thread");
        } else {
            assertThat(caught.get()).isNull();
        }
    }

    @Test
    void aLoopCreatedAndRunOnAVirtualThreadRunsTasks() throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.set(VirtualRun.run(() -> {
                    Task<String> t = Aio.createTask(Aio.async(() -> Aio.sleep(1.0, "child")));
                    return Aio.await(t) + " at " + VirtualRun.now();
                }));
            } catch (Throwable e) {
                outcome.set(e);
            }
        }).join();
        assertThat(outcome.get()).isEqualTo("child at 1.0");
    }

    // ------------------------------------------------------------ executors

    @Test
    void runInExecutorRunsTheFunctionOnTheGivenExecutor() {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor(
                r -> new Thread(r, "given-executor"));
        try {
            String thread = loop.runUntilComplete(Aio.async(() -> Aio.await(
                    loop.runInExecutor(pool, () -> Thread.currentThread().getName()))));
            assertThat(thread).isEqualTo("given-executor");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void runInExecutorOnARejectingExecutorGivesAFailedFuture() {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        pool.shutdown();
        Throwable caught = loop.runUntilComplete(Aio.async(() -> {
            try {
                Aio.await(loop.runInExecutor(pool, () -> "never"));
                return null;
            } catch (java.util.concurrent.RejectedExecutionException e) {
                return e;
            }
        }));
        assertThat(caught).isInstanceOf(java.util.concurrent.RejectedExecutionException.class);
    }

    @Test
    void runInExecutorWithNullFunctionIsRejected() {
        assertThatThrownBy(() -> loop.runInExecutor(null, null)).isInstanceOf(NullPointerException.class);
    }

    // ------------------------------------------------------------ closing

    @Test
    void closeWhileRunningThrowsIllegalState() {
        AtomicReference<Throwable> caught = new AtomicReference<>();
        loop.callSoon(() -> {
            try {
                loop.close();
            } catch (Throwable e) {
                caught.set(e);
            }
        });
        runOnce();
        assertThat(caught.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("running");
        assertThat(loop.isClosed()).isFalse();
    }

    @Test
    void closedLoopRejectsNewWorkWithAMessageSayingItIsClosed() {
        loop.close();
        loop.close(); // idempotent
        assertThat(loop.isClosed()).isTrue();
        assertThatThrownBy(() -> loop.callSoon(() -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.callSoonThreadsafe(() -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> loop.callLater(1.0, () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        Coro<Integer> coro = Aio.async(() -> 1);
        assertThatThrownBy(() -> loop.createTask(coro))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(coro.isCreated()).as("a refused coroutine is left unclaimed").isTrue();
        coro.close();
        assertThatThrownBy(loop::runForever)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void closeDropsPendingCallbacks() {
        loop.callSoon(() -> trace.add("dropped"));
        loop.close();
        assertThat(trace).isEmpty();
    }

    @Test
    void closeReportsTasksThatAreStillPending() {
        List<ExceptionContext> reports = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        Coro<Integer> coro = Aio.async(() -> 1);
        Task<Integer> pending = loop.createTask(coro, "left-behind");
        loop.close();
        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).message()).contains("Task was destroyed but it is pending");
        assertThat(reports.get(0).future()).isSameAs(pending);
        assertThat(reports.get(0).taskName()).isEqualTo("left-behind");
    }

    // ------------------------------------------------------------ threads

    @Test
    void callSoonThreadsafeFromAnotherThreadWakesAnIdleLoop() throws Exception {
        EventLoop real = EventLoop.create(); // real clock: the loop really sleeps in its selector
        try {
            Thread helper = new Thread(() -> {
                sleepQuietly(50);
                real.callSoonThreadsafe(() -> {
                    trace.add("from helper, on " + Thread.currentThread().getName());
                    real.stop();
                });
            }, "helper");
            String loopThreadName = Thread.currentThread().getName();
            helper.start();
            real.runForever(); // nothing ready and no timer: waits until woken
            helper.join();
            assertThat(trace).containsExactly("from helper, on " + loopThreadName);
        } finally {
            real.close();
        }
    }

    @Test
    void stopFromAnotherThreadEndsAnIdleLoop() throws Exception {
        EventLoop real = EventLoop.create();
        try {
            Thread helper = new Thread(() -> {
                sleepQuietly(50);
                real.stop();
            });
            helper.start();
            real.runForever();
            helper.join();
            assertThat(real.isRunning()).isFalse();
        } finally {
            real.close();
        }
    }

    @Test
    void loopConfinedMethodFromAnotherThreadWhileRunningThrowsWrongThreadException() {
        List<Throwable> caught = new CopyOnWriteArrayList<>();
        Future<String> future = loop.createFuture();
        Coro<Integer> coro = Aio.async(() -> 1);
        loop.callSoon(() -> {
            Thread other = new Thread(() -> {
                for (Runnable call : List.<Runnable>of(
                        () -> loop.callSoon(() -> trace.add("must not run")),
                        () -> loop.callLater(1.0, () -> trace.add("must not run")),
                        () -> future.setResult("from the wrong thread"),
                        () -> loop.createTask(coro))) {
                    try {
                        call.run();
                        caught.add(new AssertionError("no exception"));
                    } catch (Throwable e) {
                        caught.add(e);
                    }
                }
            }, "intruder");
            other.start();
            joinQuietly(other);
        });
        runOnce();
        runOnce();
        assertThat(caught).hasSize(4).allSatisfy(e -> assertThat(e)
                .isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("intruder")
                .hasMessageContaining("callSoonThreadsafe"));
        assertThat(trace).isEmpty();
        assertThat(future.done()).isFalse();
        assertThat(coro.isCreated()).isTrue();
        coro.close();
    }

    @Test
    void callSoonThreadsafeFromAnotherThreadIsAllowedWhileRunning() {
        loop.callSoon(() -> {
            Thread other = new Thread(() -> loop.callSoonThreadsafe(() -> trace.add("threadsafe")));
            other.start();
            joinQuietly(other);
        });
        runOnce();
        runOnce();
        assertThat(trace).containsExactly("threadsafe");
    }

    // ------------------------------------------------------------ errors

    @Test
    void exceptionInACallbackGoesToTheExceptionHandler() {
        List<ExceptionContext> reports = new ArrayList<>();
        List<EventLoop> loops = new ArrayList<>();
        IllegalArgumentException boom = new IllegalArgumentException("boom");
        loop.setExceptionHandler((l, ctx) -> {
            loops.add(l);
            reports.add(ctx);
        });
        Handle h = loop.callSoon(() -> {
            throw boom;
        });
        loop.callSoon(() -> trace.add("next callback still runs"));

        runOnce();

        assertThat(reports).hasSize(1);
        assertThat(reports.get(0).message()).startsWith("Exception in callback ");
        assertThat(reports.get(0).exception()).isSameAs(boom);
        assertThat(reports.get(0).handle()).isSameAs(h);
        assertThat(loops).containsExactly(loop);
        assertThat(trace).containsExactly("next callback still runs");
    }

    @Test
    void defaultExceptionHandlerLogsTheErrorAndTheLoopKeepsRunning() {
        assertThat(loop.getExceptionHandler()).isNull();
        try (LogCapture log = LogCapture.start()) {
            loop.callSoon(() -> {
                throw new IllegalStateException("callback failure");
            });
            loop.callSoon(() -> trace.add("after"));
            loop.callLater(1.0, () -> trace.add("timer after"));
            loop.callLater(2.0, loop::stop);

            loop.runForever();

            assertThat(trace).containsExactly("after", "timer after");
            assertThat(log.records()).anySatisfy(r -> {
                assertThat(r.getMessage()).startsWith("Exception in callback");
                assertThat(r.getThrown()).hasMessage("callback failure");
            });
        }
    }

    @Test
    void exceptionHandlerThatThrowsFallsBackToTheDefaultHandler() {
        try (LogCapture log = LogCapture.start()) {
            loop.setExceptionHandler((l, ctx) -> {
                throw new IllegalStateException("handler is broken");
            });
            loop.callSoon(() -> {
                throw new IllegalArgumentException("original");
            });
            loop.callSoon(() -> trace.add("still running"));
            runOnce();
            assertThat(trace).containsExactly("still running");
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("Unhandled error in exception handler"));
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).startsWith("Exception in callback"));
        }
    }

    @Test
    void setExceptionHandlerNullRestoresTheDefault() {
        ExceptionHandler h = (l, ctx) -> { };
        loop.setExceptionHandler(h);
        assertThat(loop.getExceptionHandler()).isSameAs(h);
        loop.setExceptionHandler(null);
        assertThat(loop.getExceptionHandler()).isNull();
    }

    // ------------------------------------------------------------ task factory, debug

    @Test
    void eagerTaskFactoryMakesCreateTaskRunTheCoroutineAtOnce() {
        Steps steps = new Steps();
        loop.setTaskFactory(TaskFactory.EAGER);
        assertThat(loop.getTaskFactory()).isSameAs(TaskFactory.EAGER);
        loop.runUntilComplete(Aio.async(() -> {
            steps.expect(1);
            Task<Void> t = Aio.createTask(Aio.async(() -> steps.expect(2)));
            steps.expect(3);
            assertThat(t.done()).isTrue();
        }));
        loop.setTaskFactory(null);
        assertThat(loop.getTaskFactory()).isSameAs(TaskFactory.DEFAULT);
        steps.finish(4);
    }

    @Test
    void customTaskFactoryIsUsedByCreateTask() {
        List<String> made = new ArrayList<>();
        loop.setTaskFactory(request -> {
            made.add(request.coro().name());
            return request.create(request.name() == null ? "custom-" + made.size() : request.name(), false);
        });
        String name = loop.runUntilComplete(Aio.async(() -> Aio.await(Aio.createTask(
                Aio.async("child", () -> Aio.currentTask().getName())))));
        assertThat(made).hasSize(2).endsWith("child");
        assertThat(name).isEqualTo("custom-2");
    }

    @Test
    void debugFlagCanBeReadAndSet() {
        loop.setDebug(true);
        assertThat(loop.isDebug()).isTrue();
        loop.setDebug(false);
        assertThat(loop.isDebug()).isFalse();
    }

    @Test
    void slowCallbackDurationIsValidated() {
        assertThat(loop.slowCallbackDuration()).isEqualTo(0.1);
        loop.slowCallbackDuration(0.25);
        assertThat(loop.slowCallbackDuration()).isEqualTo(0.25);
        loop.slowCallbackDuration(0);
        assertThat(loop.slowCallbackDuration()).isEqualTo(0.0);
        assertThatThrownBy(() -> loop.slowCallbackDuration(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> loop.slowCallbackDuration(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN");
    }

    @Test
    void debugModeLogsACallbackSlowerThanSlowCallbackDuration() {
        try (LogCapture log = LogCapture.start()) {
            loop.setDebug(true);
            loop.slowCallbackDuration(0.01);
            loop.callSoon(() -> sleepQuietly(30)); // a blocking call on the loop thread itself
            loop.callSoon(() -> { });
            runOnce();
            assertThat(log.messages()).filteredOn(m -> m.startsWith("Executing")).hasSize(1)
                    .allSatisfy(m -> assertThat(m).contains("took"));
        }
    }

    @Test
    void turningDebugModeOnInsideACallbackDoesNotReportThatCallbackAsSlow() {
        try (LogCapture log = LogCapture.start()) {
            loop.callSoon(() -> loop.setDebug(true));
            runOnce();
            assertThat(loop.isDebug()).isTrue();
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).startsWith("Executing"));
        }
    }

    @Test
    void createNullClockIsRejected() {
        assertThatThrownBy(() -> EventLoop.create(null)).isInstanceOf(NullPointerException.class);
    }

    static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void joinQuietly(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
