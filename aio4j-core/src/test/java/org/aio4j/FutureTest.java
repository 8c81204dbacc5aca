package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Future}: states, completion rules, done callbacks, awaiting. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FutureTest {

    private final EventLoop loop = EventLoop.create(Clock.virtual());
    private final List<String> trace = new ArrayList<>();

    @AfterEach
    void closeLoop() {
        loop.close();
    }

    private void runOnce() {
        loop.stop();
        loop.runForever();
    }

    // ------------------------------------------------------------ states

    @Test
    void newFutureIsPending() {
        Future<String> f = loop.createFuture();
        assertThat(f.state()).isEqualTo(Future.State.PENDING);
        assertThat(f.done()).isFalse();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.getLoop()).isSameAs(loop);
    }

    @Test
    void futureWithAResultIsSucceeded() {
        Future<String> f = loop.createFuture();
        f.setResult("value");
        assertThat(f.state()).isEqualTo(Future.State.SUCCEEDED);
        assertThat(f.done()).isTrue();
        assertThat(f.result()).isEqualTo("value");
        assertThat(f.exception()).isNull();
        assertThat(f.toString()).contains("succeeded").contains("value");
    }

    @Test
    void nullIsAValidResult() {
        Future<String> f = loop.createFuture();
        f.setResult(null);
        assertThat(f.state()).isEqualTo(Future.State.SUCCEEDED);
        assertThat(f.result()).isNull();
    }

    @Test
    void futureWithAnExceptionIsFailedAndResultRethrowsItUnchanged() {
        Future<String> f = loop.createFuture();
        IOException boom = new IOException("checked");
        f.setException(boom);
        assertThat(f.state()).isEqualTo(Future.State.FAILED);
        assertThat(f.done()).isTrue();
        assertThat(f.cancelled()).isFalse();
        assertThat(f.exception()).isSameAs(boom);
        assertThatThrownBy(f::result).isSameAs(boom);
    }

    @Test
    void setExceptionNullIsRejected() {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> f.setException(null)).isInstanceOf(NullPointerException.class);
        assertThat(f.done()).isFalse();
    }

    @Test
    void resultOfAPendingFutureThrowsIllegalState() {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(f::result).isInstanceOf(IllegalStateException.class).hasMessageContaining("not ready");
        assertThatThrownBy(f::exception).isInstanceOf(IllegalStateException.class).hasMessageContaining("not set");
    }

    @Test
    void settingTheOutcomeTwiceThrowsIllegalStateNamingTheState() {
        Future<String> f = loop.createFuture();
        f.setResult("first");
        assertThatThrownBy(() -> f.setResult("second"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SUCCEEDED");
        assertThatThrownBy(() -> f.setException(new RuntimeException()))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("SUCCEEDED");
        assertThat(f.result()).isEqualTo("first");

        Future<String> failed = loop.createFuture();
        failed.setException(new IllegalArgumentException("x"));
        assertThatThrownBy(() -> failed.setResult("late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("FAILED");
        failed.exception();

        Future<String> cancelled = loop.createFuture();
        cancelled.cancel();
        assertThatThrownBy(() -> cancelled.setResult("late"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("CANCELLED");
    }

    @Test
    void cancelReturnsTrueOnceAndFalseWhenDone() {
        Future<String> f = loop.createFuture();
        assertThat(f.cancel()).isTrue();
        assertThat(f.cancel()).isFalse();
        assertThat(f.state()).isEqualTo(Future.State.CANCELLED);
        assertThat(f.cancelled()).isTrue();
        assertThat(f.done()).isTrue();

        Future<String> succeeded = loop.createFuture();
        succeeded.setResult("v");
        assertThat(succeeded.cancel()).isFalse();
        assertThat(succeeded.cancelled()).isFalse();
    }

    @Test
    void resultAndExceptionOfACancelledFutureThrowCancelledErrorWithTheMessage() {
        Future<String> f = loop.createFuture();
        f.cancel("shutting down");
        assertThatThrownBy(f::result).isInstanceOf(CancelledError.class).hasMessage("shutting down");
        assertThatThrownBy(f::exception).isInstanceOf(CancelledError.class).hasMessage("shutting down");
        assertThat(f.toString()).contains("cancelled").contains("shutting down");
    }

    @Test
    void inDebugModeReadingAFutureFromAnotherThreadWhileTheLoopRunsThrowsWrongThread() {
        Future<String> f = loop.createFuture();
        f.setResult("v");
        List<Object> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        loop.slowCallbackDuration(60); // the callback waits for a thread: not what this test is about
        loop.callSoon(() -> {
            Thread reader = new Thread(() -> {
                loop.setDebug(false);
                seen.add(f.result()); // reads are not checked outside debug mode (cheap)
                loop.setDebug(true);
                try {
                    seen.add(f.result());
                } catch (Throwable e) {
                    seen.add(e);
                }
            });
            reader.start();
            EventLoopTest.joinQuietly(reader);
        });
        runOnce();
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).isEqualTo("v");
        assertThat(seen.get(1)).isInstanceOf(WrongThreadException.class);
    }

    // ------------------------------------------------------------ done callbacks

    @Test
    void doneCallbacksAreScheduledWithCallSoonNotRunInline() {
        Future<String> f = loop.createFuture();
        loop.callSoon(() -> trace.add("scheduled before completion"));
        f.addDoneCallback(done -> trace.add("done callback: " + done.result()));
        f.setResult("v");
        assertThat(trace).as("nothing runs inside setResult").isEmpty();
        runOnce();
        assertThat(trace).containsExactly("scheduled before completion", "done callback: v");
    }

    @Test
    void doneCallbacksRunInRegistrationOrderWithTheFuture() {
        Future<String> f = loop.createFuture();
        List<Future<String>> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            int n = i;
            f.addDoneCallback(done -> {
                trace.add("cb" + n);
                seen.add(done);
            });
        }
        f.cancel();
        runOnce();
        assertThat(trace).containsExactly("cb0", "cb1", "cb2", "cb3");
        assertThat(seen).allSatisfy(x -> assertThat(x).isSameAs(f));
    }

    @Test
    void doneCallbackAddedToADoneFutureIsScheduledNotRunInline() {
        Future<String> f = loop.createFuture();
        f.setResult("v");
        f.addDoneCallback(done -> trace.add("late callback"));
        assertThat(trace).isEmpty();
        runOnce();
        assertThat(trace).containsExactly("late callback");
    }

    @Test
    void removeDoneCallbackRemovesEveryRegistrationAndReturnsTheCount() {
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> twice = done -> trace.add("twice");
        Consumer<Future<String>> kept = done -> trace.add("kept");
        f.addDoneCallback(twice);
        f.addDoneCallback(kept);
        f.addDoneCallback(twice);
        assertThat(f.removeDoneCallback(twice)).isEqualTo(2);
        assertThat(f.removeDoneCallback(twice)).isZero();
        f.setResult("v");
        runOnce();
        assertThat(trace).containsExactly("kept");
    }

    @Test
    void removeTheOnlyDoneCallbackReturnsOne() {
        Future<String> f = loop.createFuture();
        Consumer<Future<String>> only = done -> trace.add("only");
        f.addDoneCallback(only);
        assertThat(f.removeDoneCallback(only)).isEqualTo(1);
        f.setResult("v");
        runOnce();
        assertThat(trace).isEmpty();
    }

    @Test
    void addDoneCallbackNullIsRejected() {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> f.addDoneCallback(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void exceptionInADoneCallbackGoesToTheExceptionHandler() {
        List<ExceptionContext> reports = new ArrayList<>();
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
        Future<String> f = loop.createFuture();
        RuntimeException boom = new RuntimeException("in callback");
        f.addDoneCallback(done -> {
            throw boom;
        });
        f.addDoneCallback(done -> trace.add("next callback"));
        f.setResult("v");
        runOnce();
        assertThat(trace).containsExactly("next callback");
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.message()).startsWith("Exception in callback");
            assertThat(r.exception()).isSameAs(boom);
        });
    }

    // ------------------------------------------------------------ awaiting

    @Test
    void awaitReturnsTheResultSetByACallback() {
        String result = loop.runUntilComplete(Aio.async(() -> {
            Future<String> f = loop.createFuture();
            loop.callLater(1.0, () -> f.setResult("later"));
            return Aio.await(f) + " at " + loop.time();
        }));
        assertThat(result).isEqualTo("later at 1.0");
    }

    @Test
    void futureAwaitMethodIsTheSameAsAioAwait() {
        String result = loop.runUntilComplete(Aio.async(() -> {
            Future<String> f = loop.createFuture();
            loop.callSoon(() -> f.setResult("v"));
            return f.await();
        }));
        assertThat(result).isEqualTo("v");
    }

    @Test
    void checkedExceptionPropagatesUnchangedThroughAwait() {
        IOException boom = new IOException("disk on fire");
        Throwable caught = loop.runUntilComplete(Aio.async(() -> {
            Future<String> f = loop.createFuture();
            loop.callSoon(() -> f.setException(boom));
            try {
                Aio.await(f);
                return null;
            } catch (Exception e) { // the compiler cannot see IOException: await declares none
                return e;
            }
        }));
        assertThat(caught).isSameAs(boom);
    }

    @Test
    void awaitOfACancelledFutureRaisesCancelledErrorWithTheMessage() {
        CancelledError caught = loop.runUntilComplete(Aio.async(() -> {
            Future<String> f = loop.createFuture();
            loop.callSoon(() -> f.cancel("not needed"));
            try {
                Aio.await(f);
                return null;
            } catch (CancelledError e) {
                return e;
            }
        }));
        assertThat(caught).hasMessage("not needed");
    }

    @Test
    void awaitingAFutureOfAnotherLoopThrowsIllegalState() {
        EventLoop other = EventLoop.create(Clock.virtual());
        try {
            Future<String> foreign = other.createFuture();
            Throwable caught = loop.runUntilComplete(Aio.async(() -> {
                try {
                    Aio.await(foreign);
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            }));
            assertThat(caught).hasMessageContaining("different loop");
        } finally {
            other.close();
        }
    }

    @Test
    void taskAwaitingItselfThrowsIllegalState() {
        Throwable caught = loop.runUntilComplete(Aio.async(() -> {
            try {
                Aio.await(Aio.currentTask());
                return null;
            } catch (IllegalStateException e) {
                return e;
            }
        }));
        assertThat(caught).hasMessageContaining("cannot await itself");
    }

    @Test
    void severalTasksAwaitingOneFutureAreWokenInTheOrderTheyStartedWaiting() {
        List<String> order = loop.runUntilComplete(Aio.async(() -> {
            Future<String> f = loop.createFuture();
            List<String> woken = new ArrayList<>();
            List<Task<Void>> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                int n = i;
                waiters.add(Aio.createTask(Aio.async(() -> {
                    Aio.await(f);
                    woken.add("waiter" + n);
                })));
            }
            Aio.sleep(0); // all three are waiting now
            f.setResult("go");
            for (Task<Void> w : waiters) {
                Aio.await(w);
            }
            return woken;
        }));
        assertThat(order).containsExactly("waiter0", "waiter1", "waiter2");
    }

    // ------------------------------------------------------------ CompletableFuture bridge

    @Test
    void toCompletableFutureCompletesWithTheResult() throws Exception {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        assertThat(cf).isNotDone();
        f.setResult("v");
        runOnce();
        assertThat(cf.get()).isEqualTo("v");
    }

    @Test
    void toCompletableFutureCompletesExceptionallyWithTheSameException() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        IOException boom = new IOException("x");
        f.setException(boom);
        runOnce();
        assertThatThrownBy(cf::get).isInstanceOf(ExecutionException.class).cause().isSameAs(boom);
    }

    @Test
    void toCompletableFutureIsCancelledWhenTheFutureIs() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        f.cancel();
        runOnce();
        assertThat(cf).isCancelled();
        assertThatThrownBy(cf::get).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingTheCompletableFutureCancelsTheFuture() {
        Future<String> f = loop.createFuture();
        CompletableFuture<String> cf = f.toCompletableFuture();
        cf.cancel(true);
        runOnce();
        assertThat(f.cancelled()).isTrue();
    }
}
