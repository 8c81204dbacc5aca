package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.aio4j.sync.SyncTesting.started;
import static org.aio4j.sync.SyncTesting.thrownInCallback;
import static org.aio4j.sync.SyncTesting.thrownOnPlainThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract every lock-like primitive of the package keeps, written once and run against each:
 * {@link Lock}, {@code Semaphore.create(1)}, {@code Semaphore.bounded(1)} and {@link Condition} (as a
 * lock). Exclusive access, FIFO order, no barging, every cancellation race (before the wake, in the
 * same iteration as the wake, by timeout), and the loop and thread rules.
 */
@SuppressWarnings("try") // the idiom try (Acquired held = x.acquire()) { ... } never reads held
class LockLikeContractTest {

    /** A lock-like primitive seen through the operations they share. */
    record Mutex(Object primitive, Supplier<Acquired> acquirer, Runnable releaser, BooleanSupplier lockedProbe) {
        Acquired acquire() {
            return acquirer.get();
        }

        void release() {
            releaser.run();
        }

        boolean locked() {
            return lockedProbe.getAsBoolean();
        }

        @Override
        public String toString() {
            return primitive.toString();
        }
    }

    @Nested
    class OnLock extends Contract {
        @Override
        Mutex create() {
            Lock l = Lock.create();
            return new Mutex(l, l::acquire, l::release, l::locked);
        }
    }

    @Nested
    class OnSemaphoreOfOne extends Contract {
        @Override
        Mutex create() {
            Semaphore s = Semaphore.create(1);
            return new Mutex(s, s::acquire, s::release, s::locked);
        }
    }

    @Nested
    class OnBoundedSemaphoreOfOne extends Contract {
        @Override
        Mutex create() {
            Semaphore s = Semaphore.bounded(1);
            return new Mutex(s, s::acquire, s::release, s::locked);
        }
    }

    @Nested
    class OnCondition extends Contract {
        @Override
        Mutex create() {
            Condition c = Condition.create();
            return new Mutex(c, c::acquire, c::release, c::locked);
        }
    }

    abstract static class Contract {

        abstract Mutex create();

        /**
         * A task that takes {@code m}, records {@code name}, yields once while holding it, and releases;
         * started and run until it parks (or ends), so that waiters queue in the order of the calls.
         */
        static Task<Void> taker(Mutex m, String name, List<String> trace) {
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                try (Acquired held = m.acquire()) {
                    trace.add(name);
                    Aio.sleep(0);
                }
            }), name);
            settle();
            return t;
        }

        @AioTest
        void acquireOfAFreePrimitiveTakesItWithoutSuspending(TestLoop test) {
            Mutex m = create();
            assertThat(m.locked()).isFalse();
            Task<Void> other = Aio.createTask(Aio.async(() -> test.expect(3)));
            test.expect(1);
            try (Acquired held = m.acquire()) {
                test.expect(2); // the other task has not run: acquire() did not suspend
                assertThat(held.held()).isTrue();
                assertThat(m.locked()).isTrue();
            }
            assertThat(m.locked()).isFalse();
            Aio.await(other);
            test.finish(4);
        }

        @AioTest
        void onlyOneTaskHoldsItAtATime() {
            Mutex m = create();
            int[] inside = {0};
            int[] most = {0};
            List<Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                tasks.add(Aio.createTask(Aio.async(() -> {
                    for (int round = 0; round < 3; round++) {
                        try (Acquired held = m.acquire()) {
                            inside[0]++;
                            most[0] = Math.max(most[0], inside[0]);
                            Aio.sleep(0.1);
                            inside[0]--;
                        }
                    }
                })));
            }
            Aio.await(Aio.gather(tasks));
            assertThat(most[0]).isEqualTo(1);
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void waitersAcquireInFifoOrder() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            List<Task<Void>> tasks = new ArrayList<>();
            try (Acquired held = m.acquire()) {
                for (String name : List.of("a", "b", "c", "d")) {
                    tasks.add(taker(m, name, trace));
                }
                settle();
                assertThat(trace).isEmpty();
            }
            Aio.await(Aio.gather(tasks));
            assertThat(trace).containsExactly("a", "b", "c", "d");
        }

        @AioTest
        void aNewcomerDoesNotBargePastAWokenWaiter() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Acquired held = m.acquire();
            Task<Void> waiter = taker(m, "waiter", trace);
            settle();
            held.close(); // wakes the waiter, which has not run yet
            try (Acquired mine = m.acquire()) { // free at this instant, but the waiter comes first
                trace.add("newcomer");
            }
            Aio.await(waiter);
            assertThat(trace).containsExactly("waiter", "newcomer");
        }

        @AioTest
        void waiterCancelledBeforeAnyReleaseLeavesNoTrace() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Task<Void> a;
            Task<Void> b;
            try (Acquired held = m.acquire()) {
                a = taker(m, "a", trace);
                b = taker(m, "b", trace);
                settle();
                a.cancel();
                settle();
                assertThat(a.cancelled()).isTrue();
                assertThat(m.locked()).isTrue();
            }
            Aio.await(b);
            assertThat(trace).containsExactly("b");
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void cancelledWaiterHandsTheReleaseOnToTheNext() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Acquired held = m.acquire();
            Task<Void> a = taker(m, "a", trace);
            Task<Void> b = taker(m, "b", trace);
            Task<Void> c = taker(m, "c", trace);
            settle();
            held.close(); // chooses a...
            a.cancel();   // ...which is cancelled in the same loop iteration, before it runs
            assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
            Aio.await(Aio.gather(b, c));
            assertThat(trace).containsExactly("b", "c");
            assertThat(m.locked()).isFalse();
            Aio.sleep(0);
            try (Acquired again = m.acquire()) {
                assertThat(again.held()).isTrue();
            }
        }

        @AioTest
        void twoWaitersCancelledInTheSameIterationAsTheReleaseLoseNothing() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Acquired held = m.acquire();
            Task<Void> a = taker(m, "a", trace);
            Task<Void> b = taker(m, "b", trace);
            Task<Void> c = taker(m, "c", trace);
            settle();
            held.close();
            a.cancel();
            b.cancel();
            Aio.await(c);
            assertThat(trace).containsExactly("c");
            assertThat(a.cancelled()).isTrue();
            assertThat(b.cancelled()).isTrue();
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void cancelledHolderReleasesThroughTryWithResources() {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Task<Void> holder = started(Aio.async(() -> {
                try (Acquired held = m.acquire()) {
                    Aio.sleep(100);
                }
            }));
            Task<Void> next = started(Aio.async(() -> {
                try (Acquired held = m.acquire()) {
                    trace.add("next");
                }
            }));
            holder.cancel();
            Aio.await(next);
            assertThat(holder.cancelled()).isTrue();
            assertThat(trace).containsExactly("next");
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void timeoutWhileWaitingLeavesNothingBehind(TestLoop test) {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Acquired held = m.acquire();
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> m.acquire())).isInstanceOf(TimeoutError.class);
            assertThat(test.time()).isEqualTo(1.0);
            Task<Void> later = taker(m, "later", trace);
            settle();
            held.close();
            Aio.await(later);
            assertThat(trace).containsExactly("later");
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void acquireWithinTheTimeoutHoldsIt(TestLoop test, EventLoop loop) {
            Mutex m = create();
            Acquired held = m.acquire();
            loop.callLater(0.5, held::close);
            try (Acquired mine = Aio.timeout(1.0, () -> m.acquire())) {
                assertThat(test.time()).isEqualTo(0.5);
                assertThat(m.locked()).isTrue();
            }
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void timeoutExpiringInTheSameIterationAsTheReleaseLosesNothing(TestLoop test, EventLoop loop) {
            Mutex m = create();
            List<String> trace = new ArrayList<>();
            Acquired held = m.acquire();
            loop.callLater(1.0, held::close); // due at the same time as the timeout, and scheduled first
            Task<String> timed = started(Aio.async(() -> {
                try {
                    Aio.timeout(1.0, () -> m.acquire());
                    return "acquired";
                } catch (TimeoutError e) {
                    return "timed out";
                }
            }));
            Task<Void> next = taker(m, "next", trace);
            // The release wakes the timed waiter; the expiry cancels it before it runs: it times out
            // and the release goes on to the next waiter.
            assertThat(Aio.await(timed)).isEqualTo("timed out");
            Aio.await(next);
            assertThat(trace).containsExactly("next");
            assertThat(test.time()).isEqualTo(1.0);
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void anyTaskMayReleaseIt() {
            Mutex m = create();
            m.acquire();
            Aio.await(Aio.createTask(Aio.async(m::release)));
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void aPlainCallbackMayReleaseButNotAcquire(EventLoop loop) {
            Mutex m = create();
            m.acquire();
            assertThat(thrownInCallback(loop, m::release)).isNull();
            assertThat(m.locked()).isFalse();
            assertThat(thrownInCallback(loop, m::acquire))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("acquire() may wait")
                    .hasMessageContaining("not from a plain loop callback");
        }

        @AioTest
        void callsFromAnotherThreadWhileTheLoopRunsAreRejected() {
            Mutex m = create();
            bindToTheRunningLoop(m);
            assertThat(thrownOnPlainThread(m::locked)).isInstanceOf(WrongThreadException.class)
                    .hasMessageContaining("callSoonThreadsafe");
            assertThat(thrownOnPlainThread(m::release)).isInstanceOf(WrongThreadException.class);
            assertThat(thrownOnPlainThread(m::acquire)).isInstanceOf(WrongThreadException.class);
            assertThat(m.locked()).isFalse();
        }

        @AioTest
        void anUnboundPrimitiveMayBeUsedFromAnyThreadBeforeItsFirstWait() {
            Mutex m = create();
            assertThat(thrownOnPlainThread(m::locked)).isNull();
        }

        @Test
        @Timeout(10)
        void acquireFromAnotherLoopIsRejected() {
            Mutex m = create();
            Aio.run(Aio.async(() -> bindToTheRunningLoop(m)));
            Aio.run(Aio.async(() -> {
                assertThatThrownBy(m::acquire).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("bound to a different event loop");
            }));
        }

        @Test
        @Timeout(10)
        void acquireOutsideACoroutineIsRejected() {
            Mutex m = create();
            assertThatThrownBy(m::acquire).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("acquire() may wait, so it must be called from a coroutine");
        }

        /** Waits on {@code m}, which binds it to the running loop; leaves it free. */
        static void bindToTheRunningLoop(Mutex m) {
            Acquired held = m.acquire();
            Aio.runningLoop().callLater(0.001, held::close);
            m.acquire().close(); // parks until the callback releases
        }
    }
}
