package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Aio#await(CompletionStage)} and {@link Aio#wrapFuture}: the bridge from Java's futures. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionStageAwaitTest {

    private static void completeLater(Runnable r) {
        Thread t = new Thread(() -> {
            EventLoopTest.sleepQuietly(30);
            r.run();
        }, "completer");
        t.setDaemon(true);
        t.start();
    }

    @Test
    void completedFromAnotherThreadResumesTheTaskWithTheValue() {
        AtomicReference<Thread> resumedOn = new AtomicReference<>();
        Thread loopThread = Thread.currentThread();
        String value = VirtualRun.run(() -> {
            Task<?> me = Aio.currentTask();
            CompletableFuture<String> cf = new CompletableFuture<>();
            completeLater(() -> cf.complete("from another thread"));
            String v = Aio.await(cf);
            assertThat(Aio.currentTask()).isSameAs(me);
            resumedOn.set(Thread.currentThread());
            return v;
        });
        assertThat(value).isEqualTo("from another thread");
        assertThat(resumedOn.get().isVirtual()).isTrue();
        assertThat(resumedOn.get()).isNotSameAs(loopThread);
    }

    @Test
    void alreadyCompletedStageReturnsAtOnce() {
        VirtualRun.run(() -> {
            assertThat(Aio.await(CompletableFuture.completedFuture("done"))).isEqualTo("done");
        });
    }

    @Test
    void failureIsRethrownUnwrappedFromCompletionException() {
        IOException boom = new IOException("checked");
        VirtualRun.run(() -> {
            CompletableFuture<String> source = new CompletableFuture<>();
            // A dependent stage fails with CompletionException(boom).
            CompletableFuture<String> dependent = source.thenApply(s -> {
                throw new CompletionException(boom);
            });
            completeLater(() -> source.complete("x"));
            assertThatThrownBy(() -> Aio.await(dependent)).isSameAs(boom);
        });
    }

    @Test
    void failureOfAnAlreadyFailedStageIsRethrownUnwrapped() {
        IOException boom = new IOException("checked");
        VirtualRun.run(() -> {
            CompletableFuture<String> failed = CompletableFuture.failedFuture(boom);
            assertThatThrownBy(() -> Aio.await(failed)).isSameAs(boom);
            CompletableFuture<String> dependent = failed.thenApply(s -> s);
            assertThatThrownBy(() -> Aio.await(dependent)).isSameAs(boom);
        });
    }

    @Test
    void exceptionFromAnotherThreadIsRethrownAsIs() {
        IllegalStateException boom = new IllegalStateException("remote");
        VirtualRun.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            completeLater(() -> cf.completeExceptionally(boom));
            assertThatThrownBy(() -> Aio.await(cf)).isSameAs(boom);
        });
    }

    @Test
    void cancellingTheAwaitingTaskCancelsTheCompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        VirtualRun.run(() -> {
            Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.await(cf)));
            Aio.sleep(0);
            waiter.cancel();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
        });
        assertThat(cf).isCancelled();
    }

    @Test
    void cancelledCompletableFutureRaisesCancelledErrorInTheAwaitingTask() {
        VirtualRun.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            completeLater(() -> cf.cancel(false));
            assertThatThrownBy(() -> Aio.await(cf)).isInstanceOf(CancelledError.class);
            assertThatThrownBy(() -> Aio.await(CompletableFuture.<String>failedFuture(
                    new java.util.concurrent.CancellationException()))).isInstanceOf(CancelledError.class);
        });
    }

    @Test
    void virtualTimeDoesNotJumpWhileAStageIsAwaited() {
        double at = VirtualRun.run(() -> {
            Task<Void> timer = Aio.createTask(Aio.async(() -> Aio.sleep(100.0)));
            CompletableFuture<String> cf = new CompletableFuture<>();
            completeLater(() -> cf.complete("x"));
            Aio.await(cf);
            double now = VirtualRun.now();
            timer.cancel();
            return now;
        });
        assertThat(at).isEqualTo(0.0);
    }

    @Test
    void wrapFutureGivesAFutureOfTheRunningLoop() {
        VirtualRun.run(() -> {
            CompletableFuture<Integer> cf = new CompletableFuture<>();
            Future<Integer> f = Aio.wrapFuture(cf);
            assertThat(f.getLoop()).isSameAs(Aio.runningLoop());
            assertThat(f.done()).isFalse();
            completeLater(() -> cf.complete(5));
            assertThat(Aio.await(f)).isEqualTo(5);
        });
    }

    @Test
    void cancellingAWrappedFutureCancelsTheStage() {
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        VirtualRun.run(() -> {
            Future<Integer> f = Aio.wrapFuture(cf);
            f.cancel();
        });
        assertThat(cf).isCancelled();
    }

    @Test
    void stageThatIsNotACompletableFutureWorks() {
        VirtualRun.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            CompletionStage<String> minimal = cf.minimalCompletionStage();
            completeLater(() -> cf.complete("minimal"));
            assertThat(Aio.await(minimal)).isEqualTo("minimal");
        });
    }

    @Test
    void cancellingATaskAwaitingAMinimalStageLeavesTheSourceAlone() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            java.util.List<ExceptionContext> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            runner.run(Aio.async(() -> {
                Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.await(cf.minimalCompletionStage())));
                Aio.sleep(0);
                waiter.cancel();
                assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
                Aio.sleep(0);
            }));
            assertThat(reports).isEmpty();
        }
        assertThat(cf).isNotDone();
    }
    @Test
    void stageCompletedOnTheLoopThreadSettlesTheWrappedFutureAtALaterIterationSoACancelMadeMeanwhileWins() {
        // CPython test_futures: test_wrap_future_cancel2.
        CompletableFuture<Integer> cf = new CompletableFuture<>();
        VirtualRun.run(() -> {
            Future<Integer> f = Aio.wrapFuture(cf);
            cf.complete(42);
            assertThat(f.done()).as("not settled inside complete()").isFalse();
            assertThat(f.cancel()).isTrue();
            Aio.sleep(0);
            assertThat(f.cancelled()).isTrue();
            assertThat(Aio.runningLoop().outsideWorkCount()).as("nothing left in flight").isZero();
        });
        assertThat(cf).isCompletedWithValue(42);
    }

    @Test
    void stageCompletedOnTheLoopThreadSettlesTheWrappedFutureAtTheNextIteration() {
        VirtualRun.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> f = Aio.wrapFuture(cf);
            Aio.runningLoop().callSoon(() -> cf.complete("from a callback"));
            Aio.sleep(0); // the callback runs; the settling is scheduled behind it
            assertThat(f.done()).isFalse();
            Aio.sleep(0);
            assertThat(f.result()).isEqualTo("from a callback");
            assertThat(Aio.runningLoop().outsideWorkCount()).isZero();
        });
    }

    @Test
    void stageFailedOnTheLoopThreadFailsTheWrappedFutureAtALaterIteration() {
        IOException boom = new IOException("failed on the loop");
        VirtualRun.run(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> f = Aio.wrapFuture(cf);
            cf.completeExceptionally(boom);
            assertThat(f.done()).isFalse();
            assertThatThrownBy(() -> Aio.await(f)).isSameAs(boom);
        });
    }

    @Test
    void awaitOfAnAlreadyCompletedStageDoesNotSuspend() {
        java.util.List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.createTask(Aio.async(() -> {
                trace.add("other task ran");
            }));
            assertThat(Aio.await(CompletableFuture.completedFuture("done"))).isEqualTo("done");
            trace.add("after await");
            Aio.sleep(0);
        });
        assertThat(trace).containsExactly("after await", "other task ran");
    }
}
