package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * Cancelling a {@link Task}: requests, delivery at awaits, cleanup, swallowing, propagation.
 * Runs on the aio4j-test kit: each test is the main task of a fresh loop on virtual time, and fails
 * if it leaves tasks, unretrieved failures or unawaited coroutines behind.
 */
class TaskCancellationTest {

    @AioTest
    void cancelBeforeTheFirstStepMeansTheBodyNeverRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            ran.set(true);
        }));
        assertThat(t.cancel()).isTrue();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(t.getCoro().isClosed()).isTrue();
        assertThat(ran).isFalse();
    }

    @AioTest
    void cancellingATaskAwaitingAFutureCancelsThatFuture() {
        Future<String> f = Aio.runningLoop().createFuture();
        Task<String> t = Aio.createTask(Aio.async(() -> Aio.await(f)));
        Aio.sleep(0);
        assertThat(t.cancel("stop waiting")).isTrue();
        assertThat(f.cancelled()).as("cancelled synchronously, by cancel()").isTrue();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop waiting");
        assertThat(t.cancelled()).isTrue();
    }

    @AioTest
    void cancellingATaskAwaitingAnotherTaskCancelsThatTask(TestLoop test) {
        Task<Void> inner = Aio.createTask(Aio.async(() -> Aio.sleep(10.0)));
        Task<Void> outer = Aio.createTask(Aio.async(() -> Aio.await(inner)));
        Aio.sleep(1.0);
        outer.cancel("from the top");
        assertThat(inner.cancelling()).isEqualTo(1);
        assertThatThrownBy(() -> Aio.await(outer)).isInstanceOf(CancelledError.class);
        assertThat(inner.cancelled()).isTrue();
        assertThat(outer.cancelled()).isTrue();
        assertThatThrownBy(inner::result).isInstanceOf(CancelledError.class).hasMessage("from the top");
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void cancelMessageReachesTheCancelledErrorInTheCoroutine() {
        AtomicReference<String> seen = new AtomicReference<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                seen.set(e.getMessage());
                throw e;
            }
        }));
        Aio.sleep(1.0);
        t.cancel("deadline passed");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("deadline passed");
        assertThat(seen).hasValue("deadline passed");
    }

    @AioTest
    void cancelledCoroutineMayAwaitDuringCleanupAndRethrow(TestLoop test) {
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            test.expect(1);
            try {
                Aio.sleep(10.0);
                fail("not reached");
            } catch (CancelledError e) {
                test.expect(3);
                Aio.sleep(2.0); // cleanup that awaits
                test.expect(4);
                throw e;
            } finally {
                test.expect(5);
            }
        }));
        Aio.sleep(1.0);
        test.expect(2);
        t.cancel();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        test.expect(6);
        assertThat(t.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(3.0);
        test.finish(7);
    }

    @AioTest
    void swallowedCancellationLetsTheTaskCompleteNormally() {
        Task<String> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                return "swallowed";
            }
            return "not cancelled";
        }));
        Aio.sleep(1.0);
        assertThat(t.cancel()).isTrue();
        assertThat(Aio.await(t)).isEqualTo("swallowed");
        assertThat(t.cancelled()).isFalse();
        assertThat(t.cancelling()).isEqualTo(1);
        assertThat(t.uncancel()).isZero();
        assertThat(t.cancelling()).isZero();
        assertThat(t.uncancel()).as("never below zero").isZero();
    }

    @AioTest
    void eachCancelRequestIsCountedUntilUncancelled() {
        Task<String> t = Aio.createTask(Aio.async(() -> {
            for (int i = 0; i < 2; i++) {
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    // swallowed twice
                }
            }
            return "done";
        }));
        Aio.sleep(0);
        t.cancel();
        Aio.sleep(0);
        t.cancel();
        assertThat(t.cancelling()).isEqualTo(2);
        assertThat(Aio.await(t)).isEqualTo("done");
        assertThat(t.uncancel()).isEqualTo(1);
        assertThat(t.uncancel()).isZero();
    }

    @AioTest
    void uncancelToZeroDropsACancellationNotYetDelivered() {
        Task<String> t = Aio.createTask(Aio.async(() -> {
            Task<?> self = Aio.currentTask();
            self.cancel(); // pending: delivered at the next suspension...
            self.uncancel(); // ...unless taken back first (Python 3.13 behaviour, documented)
            Aio.sleep(1.0);
            return "not cancelled";
        }));
        assertThat(Aio.await(t)).isEqualTo("not cancelled");
    }

    @AioTest
    void cancelOfADoneTaskReturnsFalse() {
        Task<Integer> t = Aio.createTask(Aio.async(() -> 1));
        Aio.await(t);
        assertThat(t.cancel()).isFalse();
        assertThat(t.cancelling()).isZero();
        assertThat(t.result()).isEqualTo(1);
    }

    @AioTest
    void taskThatCancelsItselfAndReturnsEndsCancelled() {
        Task<Integer> t = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel("self");
            return 1;
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("self");
        assertThat(t.cancelled()).isTrue();
    }

    @AioTest
    void cancelRequestedWhileRunningIsDeliveredAtTheNextAwait() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel();
            trace.add("still running after cancel()");
            Future<String> f = Aio.runningLoop().createFuture();
            try {
                Aio.await(f);
            } catch (CancelledError e) {
                trace.add("cancelled at await; future cancelled=" + f.cancelled());
                throw e;
            }
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("still running after cancel()", "cancelled at await; future cancelled=true");
    }

    @AioTest
    void pendingCancelDeliveredAtAnAwaitStillLetsCallbacksScheduledEarlierRunFirst() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            Aio.runningLoop().callSoon(() -> trace.add("callback"));
            Aio.currentTask().cancel();
            try {
                Aio.await(Aio.runningLoop().createFuture());
            } catch (CancelledError e) {
                trace.add("caught");
                throw e;
            }
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("callback", "caught");
    }

    @AioTest
    void cancelArrivingAfterTheAwaitedFutureCompletedIsStillDelivered() {
        EventLoop loop = Aio.runningLoop();
        Future<String> f = loop.createFuture();
        Task<String> t = Aio.createTask(Aio.async(() -> Aio.await(f)));
        Aio.sleep(0);
        f.setResult("too late"); // wakes t at the next iteration...
        assertThat(t.cancel()).isTrue(); // ...but the cancel comes first
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(f.result()).isEqualTo("too late");
    }

    @AioTest
    void awaitOfADoneFutureIsNotACancellationPoint() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            Future<String> done = Aio.runningLoop().createFuture();
            done.setResult("value");
            Aio.currentTask().cancel();
            trace.add(Aio.await(done)); // does not suspend, so the cancel waits
            try {
                Aio.sleep(0);
            } catch (CancelledError e) {
                trace.add("cancelled at sleep(0)");
                throw e;
            }
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("value", "cancelled at sleep(0)");
    }

    @AioTest
    void sleepZeroWithAPendingCancelRaisesCancelledError() {
        Task<String> t = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel("pending");
            Aio.sleep(0);
            return "not reached";
        }));
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("pending");
    }

    @AioTest
    void cancelledErrorIsAnErrorSoCatchExceptionDoesNotSwallowIt() {
        assertThat(Error.class).isAssignableFrom(CancelledError.class);
        assertThat(Exception.class.isAssignableFrom(CancelledError.class)).isFalse();
        AtomicBoolean caughtAsException = new AtomicBoolean();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (Exception e) {
                caughtAsException.set(true);
            }
        }));
        Aio.sleep(1.0);
        t.cancel();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(caughtAsException).isFalse();
    }

    @AioTest
    void cancellingATaskUnwindsTheCoroutineItAwaitsInline() {
        // Awaiting a coroutine runs it inline: cancelling the task cancels that very code.
        List<String> trace = new CopyOnWriteArrayList<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> Aio.await(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } finally {
                trace.add("inner coroutine unwound");
            }
        }))));
        Aio.sleep(1.0);
        t.cancel();
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("inner coroutine unwound");
    }

    @AioTest
    void cancellingOneAwaiterOfATaskCancelsThatTaskForEveryAwaiter() {
        Task<String> shared = Aio.createTask(Aio.async(() -> Aio.sleep(2.0, "shared result")));
        Task<String> a = Aio.createTask(Aio.async(() -> Aio.await(shared)));
        Task<String> b = Aio.createTask(Aio.async(() -> {
            try {
                return Aio.await(shared);
            } catch (CancelledError e) {
                return "b saw cancellation";
            }
        }));
        Aio.sleep(1.0);
        a.cancel();
        // Cancelling a cancels the task it awaits (asyncio semantics), and b sees that.
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThat(Aio.await(b)).isEqualTo("b saw cancellation");
        assertThat(shared.cancelled()).isTrue();
    }
    @AioTest
    void awaitingACancelledTaskRethrowsTheCancelledErrorItsCoroutineRaised() {
        // CPython 3.13 test_tasks / test_locks: test_cancelled_error_wakeup (the instance is kept).
        AtomicReference<CancelledError> raised = new AtomicReference<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                e.addSuppressed(new IllegalStateException("during cleanup"));
                raised.set(e);
                throw e;
            }
        }));
        Aio.sleep(1.0);
        t.cancel("foo");
        Throwable awaited = catchThrowable(() -> Aio.await(t));
        assertThat(awaited).isSameAs(raised.get()).hasMessage("foo");
        assertThat(awaited.getSuppressed()).hasSize(1);
        assertThat(catchThrowable(t::result)).as("every consumer gets the same one").isSameAs(awaited);
        assertThat(catchThrowable(t::exception)).isSameAs(awaited);
    }

    /** A user's subclass that carries a cause: awaiting the task must give this very object back. */
    static final class ShutdownCancellation extends CancelledError {
        private static final long serialVersionUID = 1L;
        private final Throwable cause;

        ShutdownCancellation(String message, Throwable cause) {
            super(message);
            this.cause = cause;
        }

        @Override
        public synchronized Throwable getCause() {
            return cause;
        }
    }

    @AioTest
    void cancelledErrorRaisedByTheCoroutineItselfIsKeptWithItsTypeMessageCauseAndStack() {
        IllegalStateException cause = new IllegalStateException("the service stops");
        CancelledError own = new ShutdownCancellation("my own", cause);
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            throw own;
        }));
        Throwable awaited = catchThrowable(() -> Aio.await(t));
        assertThat(awaited).isSameAs(own).isInstanceOf(ShutdownCancellation.class).hasMessage("my own")
                .hasCause(cause);
        assertThat(awaited.getStackTrace()).as("debug mode (the kit's default) records where it was made")
                .isNotEmpty();
        assertThat(t.cancelled()).isTrue();
    }

    @AioTest
    void gatherOfACancelledTaskRethrowsTheTasksCancelledError() {
        AtomicReference<CancelledError> raised = new AtomicReference<>();
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                raised.set(e);
                throw e;
            }
        }));
        Future<List<Object>> g = Aio.gather(t);
        Aio.sleep(1.0);
        t.cancel("bar");
        assertThat(catchThrowable(() -> Aio.await(g))).isSameAs(raised.get()).hasMessage("bar");
    }

    @AioTest
    void taskCancelledBeforeItsFirstStepRaisesAFreshCancelledErrorWithTheMessage() {
        Task<Void> t = Aio.createTask(Aio.async(() -> { }));
        t.cancel("early");
        assertThat(catchThrowable(() -> Aio.await(t))).isInstanceOf(CancelledError.class).hasMessage("early");
    }
}
