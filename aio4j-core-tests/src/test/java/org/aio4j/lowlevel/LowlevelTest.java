package org.aio4j.lowlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Lowlevel} and {@link Waker}: where code runs ({@code currentLoop}, {@code currentTask}), the
 * park / wake protocol with its abort hook, {@code checkpointIfCancelled}, {@code awaitUntil}, and the
 * misuse of each. Readiness is {@code ReadinessTest} (real I/O, in aio4j-core).
 */
class LowlevelTest {

    /** Starts {@code body} as a task and runs until it (and everything else) is parked. */
    private static <T> Task<T> started(org.aio4j.Coro<T> body) {
        Task<T> t = Aio.createTask(body);
        TestLoop.current().waitAllTasksBlocked();
        return t;
    }

    /** What {@code call} throws when run as a plain callback of {@code loop} (no task), or null. */
    private static Throwable thrownInCallback(EventLoop loop, Runnable call) {
        Future<Throwable> outcome = loop.createFuture();
        loop.callSoon(() -> {
            try {
                call.run();
                outcome.setResult(null);
            } catch (Throwable t) {
                outcome.setResult(t);
            }
        });
        return Aio.await(outcome);
    }

    // ================================================================ where code runs

    @Test
    @Timeout(10)
    void outsideAnyLoopThereIsNeitherACurrentLoopNorACurrentTask() {
        assertThat(Lowlevel.currentLoop()).isEmpty();
        assertThat(Lowlevel.currentTask()).isEmpty();
    }

    @AioTest
    void insideATaskBothAreTheRunningOnes(EventLoop loop) {
        assertThat(Lowlevel.currentLoop()).containsSame(loop);
        assertThat(Lowlevel.currentTask()).containsSame(Aio.currentTask());
        Task<Optional<Task<?>>> other = Aio.createTask(Aio.async(Lowlevel::currentTask));
        assertThat(Aio.await(other)).containsSame(other);
    }

    @AioTest
    void aPlainCallbackHasTheLoopButNoTask(EventLoop loop) {
        Future<List<Optional<?>>> seen = loop.createFuture();
        loop.callSoon(() -> seen.setResult(List.of(Lowlevel.currentLoop(), Lowlevel.currentTask())));
        List<Optional<?>> both = Aio.await(seen);
        assertThat(both.get(0)).isEqualTo(Optional.of(loop));
        assertThat(both.get(1)).isEmpty();
    }

    @AioTest
    void anotherThreadWhileTheLoopRunsSeesNeither() {
        CompletableFuture<List<Optional<?>>> seen = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> seen.complete(List.of(Lowlevel.currentLoop(), Lowlevel.currentTask())));
        assertThat(Aio.await(seen)).containsExactly(Optional.empty(), Optional.empty());
    }

    // ================================================================ park and wake

    @AioTest
    void parkReturnsTheValueTheWakerIsWokenWith(EventLoop loop) {
        Waker<String> w = Lowlevel.newWaker();
        assertThat(w.task()).isSameAs(Aio.currentTask());
        assertThat(w.isPending()).isTrue();
        loop.callSoon(() -> assertThat(w.wake("hello")).isTrue());
        assertThat(Lowlevel.park(w, () -> true)).isEqualTo("hello");
        assertThat(w.isPending()).isFalse();
    }

    @AioTest
    void aWakeBeforeTheParkMakesItReturnAtOnceWithoutSuspending(EventLoop loop) {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("callback"));
        Waker<String> w = Lowlevel.newWaker();
        assertThat(w.wake("early")).isTrue();
        assertThat(Lowlevel.park(w, () -> true)).isEqualTo("early");
        trace.add("park returned");
        Aio.sleep(0);
        assertThat(trace).containsExactly("park returned", "callback");
    }

    @AioTest
    void wakeWithErrorMakesTheParkThrowThatVeryError(EventLoop loop) {
        IOException boom = new IOException("boom"); // checked: thrown as it is
        Waker<String> w = Lowlevel.newWaker();
        loop.callSoon(() -> assertThat(w.wakeWithError(boom)).isTrue());
        assertThatThrownBy(() -> Lowlevel.park(w, () -> true)).isSameAs(boom);
    }

    @AioTest
    void wakeWithErrorOfNullIsRefused() {
        Waker<String> w = Lowlevel.newWaker();
        assertThatThrownBy(() -> w.wakeWithError(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pass the exception the park should throw");
        assertThat(w.isPending()).isTrue();
    }

    @AioTest
    void onlyTheFirstWakeCountsLaterOnesReturnFalse(EventLoop loop) {
        Waker<Integer> w = Lowlevel.newWaker();
        loop.callSoon(() -> {
            assertThat(w.wake(1)).isTrue();
            assertThat(w.wake(2)).isFalse();
            assertThat(w.wakeWithError(new IllegalStateException("late"))).isFalse();
        });
        assertThat(Lowlevel.park(w, () -> true)).isEqualTo(1);
        assertThat(w.wake(3)).isFalse();
    }

    @AioTest
    void anAbortThatWithdrawsTheWaitMakesTheParkThrowCancelledError() {
        AtomicInteger aborts = new AtomicInteger();
        List<Waker<String>> wakers = new ArrayList<>();
        Task<String> t = started(Aio.async(() -> {
            Waker<String> w = Lowlevel.newWaker();
            wakers.add(w);
            return Lowlevel.park(w, () -> {
                aborts.incrementAndGet();
                return true;
            });
        }));
        assertThat(t.cancel("stop")).isTrue();
        assertThat(aborts).hasValue(1); // called at once, by cancel()
        Waker<String> w = wakers.get(0);
        assertThat(w.isPending()).isFalse();
        assertThat(w.wake("too late")).isFalse();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(aborts).hasValue(1);
    }

    @AioTest
    void anAbortThatRefusesKeepsTheTaskParkedUntilWokenAndTheCancellationComesAtTheNextAwait(TestLoop test) {
        List<String> trace = new ArrayList<>();
        List<Waker<String>> wakers = new ArrayList<>();
        Task<String> t = started(Aio.async(() -> {
            Waker<String> w = Lowlevel.newWaker();
            wakers.add(w);
            String v = Lowlevel.park(w, () -> {
                trace.add("abort");
                return false;
            });
            trace.add("park returned " + v);
            try {
                Aio.sleep(10);
                trace.add("slept");
            } catch (CancelledError e) {
                trace.add("next await: " + e.getMessage());
                throw e;
            }
            return v;
        }));
        assertThat(t.cancel("stop")).isTrue();
        test.advanceBy(5);
        assertThat(t.done()).isFalse(); // still parked: only the wake ends this park
        assertThat(wakers.get(0).isPending()).isTrue();
        assertThat(trace).containsExactly("abort");
        assertThat(wakers.get(0).wake("item")).isTrue();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(trace).containsExactly("abort", "park returned item", "next await: stop");
        assertThat(test.time()).isEqualTo(5.0); // the sleep did not run
    }

    @AioTest
    void checkpointIfCancelledDeliversAPostponedCancellationAtOnce(EventLoop loop) {
        List<String> trace = new ArrayList<>();
        List<Waker<String>> wakers = new ArrayList<>();
        Task<String> t = started(Aio.async(() -> {
            Waker<String> w = Lowlevel.newWaker();
            wakers.add(w);
            String v = Lowlevel.park(w, () -> false);
            trace.add("park returned " + v);
            loop.callSoon(() -> trace.add("callback"));
            try {
                Lowlevel.checkpointIfCancelled();
            } catch (CancelledError e) {
                trace.add("checkpoint: " + e.getMessage()); // before the callback: it did not suspend
                throw e;
            }
            return v;
        }));
        t.cancel("stop");
        wakers.get(0).wake("item");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
        Aio.sleep(0);
        assertThat(trace).containsExactly("park returned item", "checkpoint: stop", "callback");
    }

    @AioTest
    void checkpointIfCancelledWithoutACancellationNeitherThrowsNorSuspends(EventLoop loop) {
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("callback"));
        Lowlevel.checkpointIfCancelled();
        trace.add("after checkpoint");
        Aio.sleep(0);
        assertThat(trace).containsExactly("after checkpoint", "callback");
    }

    @AioTest
    void theAbortHookIsCalledAtMostOnceEvenWhenTheTaskIsCancelledTwice() {
        AtomicInteger aborts = new AtomicInteger();
        List<Waker<String>> wakers = new ArrayList<>();
        Task<String> t = started(Aio.async(() -> {
            Waker<String> w = Lowlevel.newWaker();
            wakers.add(w);
            String v = Lowlevel.park(w, () -> {
                aborts.incrementAndGet();
                return false;
            });
            Lowlevel.checkpointIfCancelled();
            return v;
        }));
        assertThat(t.cancel("first")).isTrue();
        assertThat(t.cancel("second")).isTrue();
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(aborts).hasValue(1);
        wakers.get(0).wake("item");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(aborts).hasValue(1);
    }

    @AioTest
    void theAbortHookIsCalledAtMostOnceWhenItWithdrewTheWaitToo() {
        AtomicInteger aborts = new AtomicInteger();
        Task<String> t = started(Aio.async(() -> Lowlevel.park(Lowlevel.<String>newWaker(), () -> {
            aborts.incrementAndGet();
            return true;
        })));
        t.cancel("first");
        t.cancel("second");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("first");
        assertThat(aborts).hasValue(1);
    }

    @AioTest
    void aTaskCancelledBeforeItParksHasItsAbortHookCalledOnPark() {
        AtomicInteger aborts = new AtomicInteger();
        Task<String> t = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel("early");
            return Lowlevel.park(Lowlevel.<String>newWaker(), () -> {
                aborts.incrementAndGet();
                return true;
            });
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("early");
        assertThat(aborts).hasValue(1);
    }

    @AioTest
    void aWakerMadeByAnotherTaskIsRefused() {
        Task<Waker<String>> other = Aio.createTask(Aio.async(() -> Lowlevel.<String>newWaker()), "maker");
        Waker<String> foreign = Aio.await(other);
        assertThat(foreign.task()).isSameAs(other);
        assertThatThrownBy(() -> Lowlevel.park(foreign, () -> true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("can only be parked on by the task that made it (maker)")
                .hasMessageContaining("not by " + Aio.currentTask().getName());
    }

    @AioTest
    void aWakerParkedOnTwiceIsRefused() {
        Waker<String> w = Lowlevel.newWaker();
        w.wake("once");
        assertThat(Lowlevel.park(w, () -> true)).isEqualTo("once");
        assertThatThrownBy(() -> Lowlevel.park(w, () -> true)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already parked on")
                .hasMessageContaining("make a new one per park (Lowlevel.newWaker())");
    }

    @AioTest
    void aWakerNotMadeByAio4jIsRefused() {
        Waker<String> fake = new Waker<>() {
            @Override
            public Task<?> task() {
                return Aio.currentTask();
            }

            @Override
            public boolean wake(String value) {
                return false;
            }

            @Override
            public boolean wakeWithError(Throwable error) {
                return false;
            }

            @Override
            public boolean isPending() {
                return true;
            }
        };
        assertThatThrownBy(() -> Lowlevel.park(fake, () -> true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pass a Waker made by Lowlevel.newWaker()");
    }

    @AioTest
    void aMissingAbortHookIsRefused() {
        Waker<String> w = Lowlevel.newWaker();
        assertThatThrownBy(() -> Lowlevel.park(w, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pass the abort hook");
        assertThat(w.isPending()).isTrue();
    }

    @Test
    @Timeout(10)
    void newWakerOutsideACoroutineIsRefusedNamingTheCall() {
        assertThatThrownBy(Lowlevel::newWaker).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.newWaker(...) was called outside a coroutine");
        assertThatThrownBy(Lowlevel::checkpointIfCancelled).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.checkpointIfCancelled(...) was called outside a coroutine");
    }

    @AioTest
    void parkAndTheOtherTaskCallsInAPlainCallbackAreRefusedNamingTheCall(EventLoop loop) {
        Waker<String> w = Lowlevel.newWaker();
        Future<String> f = loop.createFuture();
        BooleanSupplier abort = () -> true;
        assertThat(thrownInCallback(loop, () -> Lowlevel.park(w, abort))).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.park(...) was called outside a coroutine");
        assertThat(thrownInCallback(loop, Lowlevel::newWaker)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.newWaker(...) was called outside a coroutine");
        assertThat(thrownInCallback(loop, Lowlevel::checkpointIfCancelled)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.checkpointIfCancelled(...) was called outside a coroutine");
        assertThat(thrownInCallback(loop, () -> Lowlevel.awaitUntil(f, Deadline.NONE)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Lowlevel.awaitUntil(...) was called outside a coroutine");
        assertThat(w.isPending()).isTrue();
        assertThat(f.done()).isFalse();
    }

    @AioTest
    void aWakeFromAnotherThreadIsRefusedWithTheWayToDoIt(EventLoop loop) {
        Waker<String> w = Lowlevel.newWaker();
        CompletableFuture<Throwable> thrown = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                w.wake("from afar");
                thrown.complete(null);
            } catch (Throwable e) {
                thrown.complete(e);
            }
        });
        assertThat(Aio.await(thrown)).isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("callSoonThreadsafe");
        assertThat(w.isPending()).isTrue();
        // The documented way: hand the wake to the loop. (Awaiting the thread's completion keeps
        // virtual time from jumping ahead while it runs.)
        CompletableFuture<Void> posted = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            loop.callSoonThreadsafe(() -> w.wake("via the loop"));
            posted.complete(null);
        });
        Aio.await(posted);
        assertThat(Lowlevel.park(w, () -> true)).isEqualTo("via the loop");
    }

    // ================================================================ awaitUntil

    @AioTest
    void awaitUntilReturnsTrueWhenTheFutureCompletesBeforeTheDeadline(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callLater(1.0, () -> f.setResult("done"));
        assertThat(Lowlevel.awaitUntil(f, loop.deadlineAfter(5.0))).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(f.result()).isEqualTo("done");
    }

    @AioTest
    void awaitUntilReturnsFalseAtTheDeadlineAndLeavesTheFuturePending(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThat(Lowlevel.awaitUntil(f, loop.deadlineAfter(2.0))).isFalse();
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(f.done()).isFalse(); // never cancelled
        f.setResult("later");
        assertThat(Lowlevel.awaitUntil(f, Deadline.NONE)).isTrue();
    }

    @AioTest
    void awaitUntilWithNoDeadlineWaitsAsLongAsItTakes(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        loop.callLater(3600.0, () -> f.setResult("an hour later"));
        assertThat(Lowlevel.awaitUntil(f, Deadline.NONE)).isTrue();
        assertThat(test.time()).isEqualTo(3600.0);
    }

    @AioTest
    void awaitUntilWithADeadlineInThePastStillSuspendsOnceAndReturnsFalse(TestLoop test, EventLoop loop) {
        Aio.sleep(10);
        List<String> trace = new ArrayList<>();
        loop.callSoon(() -> trace.add("callback"));
        Future<String> f = loop.createFuture();
        assertThat(Lowlevel.awaitUntil(f, Deadline.atTime(1.0))).isFalse();
        assertThat(trace).containsExactly("callback");
        assertThat(test.time()).isEqualTo(10.0);
        f.cancel();
    }

    @AioTest
    void awaitUntilOfADoneFutureStillSuspendsOnce(EventLoop loop) {
        List<String> trace = new ArrayList<>();
        Future<String> f = loop.createFuture();
        f.setResult("already");
        loop.callSoon(() -> trace.add("callback"));
        assertThat(Lowlevel.awaitUntil(f, Deadline.NONE)).isTrue();
        trace.add("awaitUntil returned");
        assertThat(trace).containsExactly("callback", "awaitUntil returned");
    }

    @AioTest
    void awaitUntilOfADoneFutureIsACancellationPoint(EventLoop loop) {
        Future<String> f = loop.createFuture();
        f.setResult("already");
        Task<Boolean> t = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel("pending cancellation");
            return Lowlevel.awaitUntil(f, Deadline.NONE);
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("pending cancellation");
    }

    @AioTest
    void cancellingATaskInAwaitUntilThrowsCancelledErrorAndLeavesTheFutureAlone(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Boolean> t = started(Aio.async(() -> Lowlevel.awaitUntil(f, loop.deadlineAfter(60.0))));
        test.advanceBy(1.0);
        t.cancel("stop");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(f.done()).isFalse();
        test.advanceBy(120.0); // the deadline's timer is gone with the wait: nothing fires
        assertThat(f.done()).isFalse();
        f.setResult("unaffected");
        assertThat(f.result()).isEqualTo("unaffected");
    }

    @AioTest
    void aCancellationArrivingWithTheCompletionStillThrows(EventLoop loop) {
        Future<String> f = loop.createFuture();
        Task<Boolean> t = started(Aio.async(() -> Lowlevel.awaitUntil(f, Deadline.NONE)));
        f.setResult("done");   // wakes the task ...
        t.cancel("stop");      // ... and the cancellation comes before it resumes: asyncio delivers it
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(f.result()).isEqualTo("done");
    }

    @AioTest
    void awaitUntilOfAFutureOfAnotherLoopIsRefused() {
        EventLoop other = EventLoop.create();
        try {
            Future<String> foreign = other.createFuture();
            assertThatThrownBy(() -> Lowlevel.awaitUntil(foreign, Deadline.NONE))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to another event loop");
        } finally {
            other.close();
        }
    }

    @AioTest
    void awaitUntilOfNullIsRefused(EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> Lowlevel.awaitUntil(null, Deadline.NONE)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Lowlevel.awaitUntil(f, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Deadline.NONE");
    }

    @AioTest(realTime = true)
    void awaitUntilOnTheRealClockReturnsAtTheDeadline(EventLoop loop) {
        Future<String> f = loop.createFuture();
        long start = System.nanoTime();
        assertThat(Lowlevel.awaitUntil(f, loop.deadlineAfter(0.05))).isFalse();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(45);
    }
}
