package org.aio4j.lowlevel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ParkingLot}: FIFO order, what each wake method wakes and counts, the cancel hook (a waiter
 * cancelled before its wake, or woken and cancelled in the same iteration), and the counting of
 * waiters that were woken or cancelled but have not resumed yet.
 */
class ParkingLotTest {

    /** Starts {@code body} as a task named {@code name} and runs until every task is parked. */
    private static <T> Task<T> started(String name, Coro<T> body) {
        Task<T> t = Aio.createTask(body, name);
        TestLoop.current().waitAllTasksBlocked();
        return t;
    }

    /** A task that parks in {@code lot} and logs "name woken", or "name cancelled, hook(woken)". */
    private static Task<Void> waiter(ParkingLot lot, String name, List<String> trace) {
        return started(name, Aio.async(() -> {
            try {
                lot.park(woken -> trace.add(name + " hook(" + woken + ")"));
            } catch (CancelledError e) {
                trace.add(name + " cancelled");
                throw e;
            }
            trace.add(name + " woken");
        }));
    }

    private static void settle() {
        TestLoop.current().waitAllTasksBlocked();
    }

    // ================================================================ order and counts

    @AioTest
    void wakeAllResumesTheWaitersInTheOrderTheyParked() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        List<Task<Void>> ts = new ArrayList<>();
        for (String n : List.of("a", "b", "c", "d")) {
            ts.add(waiter(lot, n, trace));
        }
        assertThat(lot.size()).isEqualTo(4);
        assertThat(lot.wakeAll()).isEqualTo(4);
        Aio.await(Aio.gather(ts));
        assertThat(trace).containsExactly("a woken", "b woken", "c woken", "d woken");
        assertThat(lot.isEmpty()).isTrue();
    }

    @AioTest
    void wakeNextWakesOneWaiterAtATimeInFifoOrder() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        Task<Void> c = waiter(lot, "c", trace);
        assertThat(lot.wakeNext()).isTrue();
        settle();
        assertThat(trace).containsExactly("a woken");
        assertThat(lot.wakeNext()).isTrue();
        assertThat(lot.wakeNext()).isTrue(); // skips b, woken but not resumed yet
        assertThat(lot.wakeNext()).isFalse(); // nobody left to wake
        Aio.await(Aio.gather(a, b, c));
        assertThat(trace).containsExactly("a woken", "b woken", "c woken");
        assertThat(lot.wakeNext()).isFalse();
    }

    @AioTest
    void wakeHeadWakesOnlyAHeadThatIsStillWaiting() {
        ParkingLot lot = new ParkingLot();
        assertThat(lot.wakeHead()).isFalse(); // empty
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        assertThat(lot.wakeHead()).isTrue();
        assertThat(lot.wakeHead()).isFalse(); // the head, a, is woken already: b is not its business
        settle();
        assertThat(trace).containsExactly("a woken");
        assertThat(lot.wakeHead()).isTrue(); // b is the head now
        Aio.await(Aio.gather(a, b));
        assertThat(trace).containsExactly("a woken", "b woken");
    }

    @AioTest
    void wakeHeadDoesNotWakeAnyoneBehindACancelledHead() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        a.cancel();
        assertThat(lot.wakeHead()).isFalse(); // a is still queued, cancelled
        assertThat(lot.wakeNext()).isTrue();  // b
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        Aio.await(b);
        assertThat(trace).containsExactly("a hook(false)", "a cancelled", "b woken");
    }

    @AioTest
    void wakeOfNWakesTheFirstNWaitersAndSaysHowMany() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        List<Task<Void>> ts = new ArrayList<>();
        for (String n : List.of("a", "b", "c", "d", "e")) {
            ts.add(waiter(lot, n, trace));
        }
        assertThat(lot.wake(0)).isZero();
        assertThat(lot.wake(2)).isEqualTo(2);
        assertThat(lot.wake(2)).isEqualTo(2); // c and d: a and b are woken already
        settle();
        assertThat(trace).containsExactly("a woken", "b woken", "c woken", "d woken");
        assertThat(lot.wake(10)).isEqualTo(1);
        assertThat(lot.wake(10)).isZero();
        assertThat(lot.wakeAll()).isZero();
        Aio.await(Aio.gather(ts));
        assertThat(trace).containsExactly("a woken", "b woken", "c woken", "d woken", "e woken");
    }

    @AioTest
    void wakeOfANegativeCountIsRefused() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        assertThatThrownBy(() -> lot.wake(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wake(-1)").hasMessageContaining(">= 0");
        assertThat(lot.wakeAll()).isEqualTo(1);
        Aio.await(a);
    }

    @AioTest
    void wakesSkipCancelledWaitersAndCountOnlyTheWoken() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        Task<Void> c = waiter(lot, "c", trace);
        b.cancel();
        assertThat(lot.wakeAll()).isEqualTo(2);
        Aio.await(a);
        Aio.await(c);
        assertThatThrownBy(() -> Aio.await(b)).isInstanceOf(CancelledError.class);
        // b's cancellation was scheduled first, so it resumes first.
        assertThat(trace).containsExactly("b hook(false)", "b cancelled", "a woken", "c woken");
    }

    // ================================================================ the cancel hook

    @AioTest
    void aWaiterCancelledBeforeItsWakeCallsTheHookWithFalse() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        assertThat(a.cancel("gone")).isTrue();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class).hasMessage("gone");
        assertThat(trace).containsExactly("a hook(false)", "a cancelled");
        assertThat(lot.isEmpty()).isTrue();
        assertThat(lot.wakeNext()).isFalse();
    }

    @AioTest
    void aWaiterWokenAndCancelledInTheSameIterationCallsTheHookWithTrueAndIsCancelled() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        assertThat(lot.wakeNext()).isTrue();  // a ...
        assertThat(a.cancel("gone")).isTrue(); // ... then cancelled before it ran: asyncio's choice
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class).hasMessage("gone");
        assertThat(trace).containsExactly("a hook(true)", "a cancelled");
        // What a primitive's hook does with that: hand the wake on.
        assertThat(lot.wakeNext()).isTrue();
        Aio.await(b);
        assertThat(trace).containsExactly("a hook(true)", "a cancelled", "b woken");
    }

    @AioTest
    void theHookRunsOnceAndBeforeTheCancelledErrorPropagates() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = started("a", Aio.async(() -> {
            try {
                lot.park(woken -> {
                    trace.add("hook(" + woken + ") size=" + lot.size());
                });
            } catch (CancelledError e) {
                trace.add("caught");
                throw e;
            }
        }));
        a.cancel();
        a.cancel();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("hook(false) size=0", "caught"); // it left the lot first
    }

    @AioTest
    void aTaskAlreadyCancelledWhenItParksCallsTheHookWithFalse() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel("early");
            lot.park(woken -> trace.add("hook(" + woken + ")"));
            trace.add("not reached");
        }));
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class).hasMessage("early");
        assertThat(trace).containsExactly("hook(false)");
        assertThat(lot.isEmpty()).isTrue();
    }

    @AioTest
    void theNothingHookDoesNothing() {
        ParkingLot lot = new ParkingLot();
        Task<Void> a = started("a", Aio.async(() -> lot.park(ParkingLot.NOTHING)));
        a.cancel();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThat(lot.isEmpty()).isTrue();
    }

    // ================================================================ counting

    @AioTest
    void sizeCountsWokenAndCancelledWaitersUntilTheyResume() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        assertThat(lot.size()).isZero();
        assertThat(lot.isEmpty()).isTrue();
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        Task<Void> c = waiter(lot, "c", trace);
        assertThat(lot.size()).isEqualTo(3);
        lot.wakeNext();   // a woken
        b.cancel();       // b cancelled
        assertThat(lot.size()).isEqualTo(3); // neither has resumed yet
        assertThat(lot.isEmpty()).isFalse();
        settle();
        assertThat(lot.size()).isEqualTo(1); // c
        lot.wakeAll();
        assertThat(lot.size()).isEqualTo(1);
        Aio.await(c);
        assertThat(lot.size()).isZero();
        Aio.await(a);
        assertThatThrownBy(() -> Aio.await(b)).isInstanceOf(CancelledError.class);
    }

    @AioTest
    void allCancelledIsTrueOnlyWhenEveryQueuedWaiterIsCancelled() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        assertThat(lot.allCancelled()).isTrue(); // also when empty
        Task<Void> a = waiter(lot, "a", trace);
        Task<Void> b = waiter(lot, "b", trace);
        assertThat(lot.allCancelled()).isFalse();
        a.cancel();
        assertThat(lot.allCancelled()).isFalse();
        b.cancel();
        assertThat(lot.allCancelled()).isTrue(); // both still queued, both cancelled
        assertThat(lot.size()).isEqualTo(2);
        settle();
        assertThat(lot.size()).isZero();
        assertThat(lot.allCancelled()).isTrue();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThatThrownBy(() -> Aio.await(b)).isInstanceOf(CancelledError.class);
    }

    @AioTest
    void aWokenWaiterThatHasNotResumedIsNotCountedAsCancelled() {
        ParkingLot lot = new ParkingLot();
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        lot.wakeNext();
        assertThat(lot.allCancelled()).isFalse(); // a woken waiter still blocks barging
        a.cancel(); // woken, then cancelled: not aborted, so still not "cancelled" in the lot
        assertThat(lot.allCancelled()).isFalse();
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("a hook(true)", "a cancelled");
    }

    // ================================================================ misuse and description

    @Test
    @Timeout(10)
    void parkOutsideACoroutineIsRefused() {
        ParkingLot lot = new ParkingLot();
        assertThatThrownBy(() -> lot.park(ParkingLot.NOTHING)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
        assertThat(lot.isEmpty()).isTrue();
    }

    @AioTest
    void parkInAPlainCallbackIsRefused(EventLoop loop) {
        ParkingLot lot = new ParkingLot();
        Future<Throwable> thrown = loop.createFuture();
        loop.callSoon(() -> {
            try {
                lot.park(ParkingLot.NOTHING);
                thrown.setResult(null);
            } catch (Throwable e) {
                thrown.setResult(e);
            }
        });
        assertThat(Aio.await(thrown)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
        assertThat(lot.isEmpty()).isTrue();
    }

    @AioTest
    void toStringShowsTheNumberOfWaiters() {
        ParkingLot lot = new ParkingLot();
        assertThat(lot).hasToString("ParkingLot[waiters=0]");
        List<String> trace = new ArrayList<>();
        Task<Void> a = waiter(lot, "a", trace);
        assertThat(lot).hasToString("ParkingLot[waiters=1]");
        lot.wakeAll();
        Aio.await(a);
        assertThat(lot).hasToString("ParkingLot[waiters=0]");
    }
}
