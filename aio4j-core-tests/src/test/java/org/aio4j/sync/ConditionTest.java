package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.aio4j.sync.SyncTesting.started;
import static org.aio4j.sync.SyncTesting.thrownOnPlainThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Condition}: await releases and re-acquires the lock, signals in FIFO order, waitFor,
 * misuse messages, re-acquisition on cancellation, and the CPython 3.13 rule that a signalled waiter
 * that is cancelled passes its signal on. The lock-like contract of {@code acquire}/{@code release}
 * is in {@link LockLikeContractTest}.
 */
@SuppressWarnings("try") // the idiom try (Acquired held = x.acquire()) { ... } never reads held
class ConditionTest {

    /**
     * A task that waits on {@code c} once, holding its lock, and records {@code name} when it returns;
     * run until it parks, so that waiters queue in the order of the calls.
     */
    private static Task<Void> waiter(Condition c, String name, List<String> trace) {
        return started(Aio.async(name, () -> {
            try (Acquired held = c.acquire()) {
                c.await();
                assertThat(c.locked()).isTrue();
                trace.add(name);
            }
        }));
    }

    private static void signal(Condition c, int n) {
        try (Acquired held = c.acquire()) {
            c.signal(n);
        }
    }

    @Test
    void createWithANullLockIsRejected() {
        assertThatThrownBy(() -> Condition.create(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("pass a Lock");
    }

    @AioTest
    void awaitWithoutTheLockIsRejectedNamingTheRule() {
        Condition c = Condition.create();
        assertThatThrownBy(c::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Condition.await() requires the condition's lock to be held")
                .hasMessageContaining("cannot wait on un-acquired lock");
        assertThatThrownBy(() -> c.waitFor(() -> true)).isInstanceOf(IllegalStateException.class)
                .as("checked even when the predicate is already true")
                .hasMessageContaining("Condition.waitFor() requires");
        assertThatThrownBy(c::signal).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Condition.signal() requires").hasMessageContaining("cannot notify");
        assertThatThrownBy(c::signalAll).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Condition.signalAll() requires");
    }

    @AioTest
    void negativeSignalCountIsRejected() {
        Condition c = Condition.create();
        try (Acquired held = c.acquire()) {
            assertThatThrownBy(() -> c.signal(-1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("signal(-1)").hasMessageContaining("must be >= 0");
        }
    }

    @AioTest
    void waitForWithANullPredicateIsRejected() {
        Condition c = Condition.create();
        try (Acquired held = c.acquire()) {
            assertThatThrownBy(() -> c.waitFor(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass the state to wait for");
        }
    }

    @Test
    @Timeout(10)
    void awaitOutsideACoroutineIsRejected() {
        Condition c = Condition.create();
        assertThatThrownBy(c::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Condition.await() may wait, so it must be called from a coroutine");
    }

    @AioTest
    void awaitReleasesTheLockWhileWaitingAndHoldsItAgainWhenItReturns() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> w = waiter(c, "w", trace);
        settle();
        assertThat(c.locked()).as("released while waiting").isFalse();
        try (Acquired held = c.acquire()) {
            c.signal();
            settle();
            assertThat(trace).as("the signalled waiter needs the lock first").isEmpty();
        }
        Aio.await(w);
        assertThat(trace).containsExactly("w");
        assertThat(c.locked()).isFalse();
    }

    @AioTest
    void signalWakesWaitersOneAtATimeInFifoOrder() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        List<Task<Void>> ws = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            ws.add(waiter(c, name, trace));
        }
        settle();
        signal(c, 1);
        settle();
        assertThat(trace).containsExactly("a");
        signal(c, 1);
        settle();
        assertThat(trace).containsExactly("a", "b");
        signal(c, 1);
        Aio.await(Aio.gather(ws));
        assertThat(trace).containsExactly("a", "b", "c");
    }

    @AioTest
    void signalNWakesTheFirstNAndSignalAllWakesTheRest() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        List<Task<Void>> ws = new ArrayList<>();
        for (String name : List.of("a", "b", "c", "d", "e")) {
            ws.add(waiter(c, name, trace));
        }
        settle();
        signal(c, 0);
        settle();
        assertThat(trace).isEmpty();
        signal(c, 2);
        settle();
        assertThat(trace).containsExactly("a", "b");
        try (Acquired held = c.acquire()) {
            c.signalAll();
        }
        Aio.await(Aio.gather(ws));
        assertThat(trace).containsExactly("a", "b", "c", "d", "e");
    }

    @AioTest
    void waitersAlreadySignalledAreNotCountedAgain() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(c, "a", trace);
        Task<Void> b = waiter(c, "b", trace);
        settle();
        try (Acquired held = c.acquire()) {
            c.signal();      // a
            c.signal();      // b: a is signalled already
            assertThat(c.statistics()).isEqualTo(new Condition.Statistics(true, 2));
        }
        Aio.await(Aio.gather(a, b));
        assertThat(trace).containsExactly("a", "b");
    }

    @AioTest
    void waitForReturnsAtOnceWhenThePredicateHoldsAndOtherwiseWaitsUntilItDoes() {
        Condition c = Condition.create();
        int[] items = {0};
        int[] checks = {0};
        try (Acquired held = c.acquire()) {
            assertThat(c.waitFor(() -> true)).isTrue();
        }
        Task<Integer> consumer = Aio.createTask(Aio.async(() -> {
            try (Acquired held = c.acquire()) {
                c.waitFor(() -> {
                    checks[0]++;
                    return items[0] >= 2;
                });
                return items[0];
            }
        }));
        settle();
        for (int i = 0; i < 2; i++) {
            try (Acquired held = c.acquire()) {
                items[0]++;
                c.signalAll();
            }
            settle();
        }
        assertThat(Aio.await(consumer)).isEqualTo(2);
        assertThat(checks[0]).as("once at the start, once per signal").isEqualTo(3);
    }

    @AioTest
    void cancelledWaiterHoldsTheLockAgainBeforeTheCancelledErrorPropagates() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> w = started(Aio.async(() -> {
            try (Acquired held = c.acquire()) {
                try {
                    c.await();
                } catch (CancelledError e) {
                    trace.add("cancelled, locked=" + c.locked());
                    throw e;
                }
            }
        }));
        Acquired mine = c.acquire(); // the waiter will have to wait for this to re-acquire
        w.cancel("stop");
        settle();
        assertThat(trace).as("still waiting for the lock").isEmpty();
        mine.close();
        assertThatThrownBy(() -> Aio.await(w)).isInstanceOf(CancelledError.class).hasMessage("stop");
        assertThat(trace).containsExactly("cancelled, locked=true");
        assertThat(c.locked()).isFalse();
    }

    @AioTest
    void cancelledAgainWhileReacquiringItStillReacquiresAndRethrowsTheLastCancellation() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> w = started(Aio.async(() -> {
            try (Acquired held = c.acquire()) {
                try {
                    c.await();
                } catch (CancelledError e) {
                    trace.add(e.getMessage() + ", locked=" + c.locked());
                    throw e;
                }
            }
        }));
        Acquired mine = c.acquire();
        w.cancel("first");
        settle(); // w is parked in the lock's queue now
        w.cancel("second");
        settle();
        assertThat(trace).isEmpty();
        mine.close();
        assertThatThrownBy(() -> Aio.await(w)).isInstanceOf(CancelledError.class).hasMessage("second");
        assertThat(trace).containsExactly("second, locked=true");
        assertThat(c.locked()).isFalse();
    }

    @AioTest
    void awaitingAWaiterCancelledWhileWaitingRethrowsTheCancelledErrorItRaised() {
        // CPython 3.13 test_locks: test_cancelled_error_wakeup.
        Condition c = Condition.create();
        AtomicReference<CancelledError> raised = new AtomicReference<>();
        Task<Void> w = started(Aio.async(() -> {
            try (Acquired held = c.acquire()) {
                try {
                    c.waitFor(() -> false);
                } catch (CancelledError e) {
                    raised.set(e);
                    throw e;
                }
            }
        }));
        w.cancel("foo");
        Throwable awaited = catchThrowable(() -> Aio.await(w));
        assertThat(awaited).isSameAs(raised.get()).hasMessage("foo");
    }

    @AioTest
    void awaitingAWaiterCancelledWhileReacquiringRethrowsTheCancelledErrorItRaised() {
        // CPython 3.13 test_locks: test_cancelled_error_re_aquire.
        Condition c = Condition.create();
        boolean[] wake = {false};
        AtomicReference<CancelledError> raised = new AtomicReference<>();
        Task<Void> w = started(Aio.async(() -> {
            try (Acquired held = c.acquire()) {
                try {
                    c.waitFor(() -> wake[0]);
                } catch (CancelledError e) {
                    raised.set(e);
                    throw e;
                }
            }
        }));
        Acquired mine = c.acquire();
        wake[0] = true;
        c.signal();
        settle(); // w is re-acquiring the lock now
        w.cancel("foo");
        mine.close();
        Throwable awaited = catchThrowable(() -> Aio.await(w));
        assertThat(awaited).isSameAs(raised.get()).hasMessage("foo");
    }

    @AioTest
    void signalledWaiterCancelledBeforeItRunsPassesTheSignalOn() {
        // CPython 3.13 (gh-112202); in 3.11 the signal is lost and b sleeps forever.
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(c, "a", trace);
        Task<Void> b = waiter(c, "b", trace);
        Task<Void> third = waiter(c, "c", trace);
        settle();
        try (Acquired held = c.acquire()) {
            c.signal(); // a
            a.cancel(); // same iteration: a has not run
        }
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        Aio.await(b);
        settle();
        assertThat(trace).as("exactly one signal handed on").containsExactly("b");
        signal(c, 1);
        Aio.await(third);
        assertThat(trace).containsExactly("b", "c");
    }

    @AioTest
    void signalledWaiterCancelledWhileReacquiringTheLockPassesTheSignalOn() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(c, "a", trace);
        Task<Void> b = waiter(c, "b", trace);
        settle();
        Acquired held = c.acquire();
        c.signal();     // a: it will now wait for the lock, which we keep
        settle();
        a.cancel();     // while it waits for the lock
        settle();
        assertThat(trace).isEmpty();
        held.close();   // a re-acquires, passes the signal to b, releases
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        Aio.await(b);
        assertThat(trace).containsExactly("b");
    }

    @AioTest
    void waiterCancelledBeforeAnySignalWakesNobody() {
        Condition c = Condition.create();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(c, "a", trace);
        Task<Void> b = waiter(c, "b", trace);
        settle();
        a.cancel();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        settle();
        assertThat(trace).as("no spurious wake-up for b").isEmpty();
        assertThat(c.statistics()).isEqualTo(new Condition.Statistics(false, 1));
        signal(c, 1);
        Aio.await(b);
        assertThat(trace).containsExactly("b");
    }

    @AioTest
    void timeoutOnAwaitRaisesTimeoutErrorWithTheLockHeld(TestLoop test) {
        Condition c = Condition.create();
        try (Acquired held = c.acquire()) {
            assertThatThrownBy(() -> Aio.timeout(3.0, () -> c.await())).isInstanceOf(TimeoutError.class);
            assertThat(test.time()).isEqualTo(3.0);
            assertThat(c.locked()).isTrue();
        }
        assertThat(c.statistics()).isEqualTo(new Condition.Statistics(false, 0));
    }

    @AioTest
    void conditionsMayShareOneLock() {
        Lock lock = Lock.create();
        Condition notEmpty = Condition.create(lock);
        Condition notFull = Condition.create(lock);
        assertThat(notEmpty.lock()).isSameAs(lock);
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(notEmpty, "notEmpty", trace);
        Task<Void> b = waiter(notFull, "notFull", trace);
        settle();
        try (Acquired held = lock.acquire()) {
            assertThat(notFull.locked()).isTrue();
            notFull.signal();
        }
        Aio.await(b);
        assertThat(trace).containsExactly("notFull");
        signal(notEmpty, 1);
        Aio.await(a);
    }

    @AioTest
    void callsFromAnotherThreadWhileTheLoopRunsAreRejected() {
        Condition c = Condition.create();
        Task<Void> w = waiter(c, "w", new ArrayList<>());
        settle();
        assertThat(thrownOnPlainThread(c::signalAll)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(c::await)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(c::statistics)).isInstanceOf(WrongThreadException.class);
        signal(c, 1);
        Aio.await(w);
    }

    @AioTest
    void statisticsAndToStringFollowPython() {
        Condition c = Condition.create();
        assertThat(c).hasToString("Condition[unlocked]");
        Task<Void> w = waiter(c, "w", new ArrayList<>());
        settle();
        assertThat(c).hasToString("Condition[unlocked, waiters:1]");
        Acquired held = c.acquire();
        assertThat(c).hasToString("Condition[locked, waiters:1]");
        assertThat(held).hasToString("Acquired[Condition[locked, waiters:1]]");
        assertThat(c.statistics()).isEqualTo(new Condition.Statistics(true, 1));
        c.signal();
        held.close();
        Aio.await(w);
        assertThat(c).hasToString("Condition[unlocked]");
    }
}
