package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.aio4j.sync.SyncTesting.started;
import static org.aio4j.sync.SyncTesting.thrownOnPlainThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Barrier}: arrival indices, rounds, arrivals while a round drains, abort/reset/broken, and
 * cancellation while filling and after the release. The expected traces are those of CPython 3.11's
 * {@code asyncio.Barrier} for the same scenarios (checked with python3 when the tests were written).
 */
class BarrierTest {

    /** A task that waits at {@code b} and records {@code name:index}, or {@code name:ExceptionName}. */
    private static Task<Void> party(Barrier b, String name, List<String> trace) {
        return Aio.createTask(Aio.async(() -> {
            try {
                trace.add(name + ":" + b.await());
            } catch (BrokenBarrierError | CancelledError e) {
                trace.add(name + ":" + e.getClass().getSimpleName());
                throw e;
            }
        }), name);
    }

    private static void awaitQuietly(Task<?> t) {
        try {
            Aio.await(t);
        } catch (BrokenBarrierError | CancelledError e) {
            // recorded in the trace by party()
        }
    }

    @Test
    void fewerThanOnePartyIsRejected() {
        assertThatThrownBy(() -> Barrier.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Barrier.create(0)").hasMessageContaining("must be >= 1");
        assertThat(Barrier.create(1).parties()).isEqualTo(1);
    }

    @AioTest
    void indicesFollowArrivalOrderAndTheLastArrivalReturnsFirst() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        Task<Void> c = party(b, "b", trace);
        settle();
        assertThat(b.waiting()).isEqualTo(2);
        assertThat(trace).isEmpty();
        Task<Void> last = party(b, "c", trace);
        Aio.await(Aio.gather(a, c, last));
        assertThat(trace).containsExactly("c:2", "a:0", "b:1");
        assertThat(b.waiting()).isZero();
    }

    @AioTest
    void aSinglePartyBarrierReturnsAtOnceEveryTime(TestLoop test) {
        Barrier b = Barrier.create(1);
        Task<Void> other = Aio.createTask(Aio.async(() -> test.expect(2)));
        assertThat(b.await()).isZero();
        assertThat(b.await()).isZero();
        test.expect(1); // nothing suspended
        Aio.await(other);
        test.finish(3);
    }

    @AioTest
    void theBarrierIsReusableRoundAfterRound() {
        Barrier b = Barrier.create(3);
        List<Set<Integer>> rounds = List.of(new HashSet<>(), new HashSet<>(), new HashSet<>(), new HashSet<>());
        List<Task<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            double pause = 0.1 * t;
            tasks.add(Aio.createTask(Aio.async(() -> {
                for (Set<Integer> round : rounds) {
                    Aio.sleep(pause);
                    round.add(b.await());
                }
            })));
        }
        Aio.await(Aio.gather(tasks));
        assertThat(rounds).allSatisfy(r -> assertThat(r).containsExactlyInAnyOrder(0, 1, 2));
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
    }

    @AioTest
    void arrivalsWhileTheRoundDrainsWaitForTheNextRound(TestLoop test) {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        Task<Void> c = Aio.createTask(Aio.async(() -> {
            trace.add("c1:" + b.await());      // releases round 1; a has not left yet
            trace.add("state:" + b);
            trace.add("c2:" + b.await());      // arrives while round 1 drains: waits for round 2
        }));
        Task<Void> d = Aio.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            trace.add("d:" + b.await());
        }));
        Aio.await(Aio.gather(a, c, d));
        // CPython 3.11: [('c1', 1, '[draining, waiters:0/2]'), ('a', 0), ('d', 1), ('c2', 0)]
        assertThat(trace).containsExactly("c1:1", "state:Barrier[draining, waiters:0/2]", "a:0", "d:1", "c2:0");
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void waiterCancelledWhileFillingLeavesAndIsNoLongerCounted() {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        assertThat(b.waiting()).isEqualTo(1);
        a.cancel();
        awaitQuietly(a);
        assertThat(b.waiting()).isZero();
        Task<Void> c = party(b, "c", trace);
        Task<Void> d = party(b, "d", trace);
        Aio.await(Aio.gather(c, d));
        // CPython 3.11: [('a', 'CancelledError'), ('d', 1), ('c', 0)]
        assertThat(trace).containsExactly("a:CancelledError", "d:1", "c:0");
    }

    @AioTest
    void waiterCancelledAfterTheReleaseRaisesCancelledErrorAndTheOthersReturnTheirIndex() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> t0 = party(b, "t0", trace);
        Task<Void> t1 = party(b, "t1", trace);
        settle();
        Task<Void> t2 = Aio.createTask(Aio.async(() -> {
            int i = b.await();     // releases the round...
            t0.cancel();           // ...and cancels t0 in the same loop iteration, before it resumes
            trace.add("t2:" + i);
        }));
        Aio.await(t2);
        awaitQuietly(t0);
        Aio.await(t1);
        // CPython 3.11: [('t2', 2), ('t0', 'CancelledError'), ('t1', 1)]
        assertThat(trace).containsExactly("t2:2", "t0:CancelledError", "t1:1");
        assertThat(t0.cancelled()).isTrue();
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
    }

    @AioTest
    void waiterCancelledWhileWaitingToEnterLeavesWithoutBeingCounted() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        // One loop iteration runs these in order: c joins, r releases the round, late arrives while it
        // drains (a and c have not resumed) and waits at the entry, where the killer cancels it.
        Task<Void> c = party(b, "c", trace);
        Task<Void> r = party(b, "r", trace);
        Task<Void> late = party(b, "late", trace);
        Task<Void> killer = Aio.createTask(Aio.async(() -> {
            trace.add(b + " parked:" + b.statistics().parked());
            late.cancel();
        }));
        Aio.await(Aio.gather(a, c, r, killer));
        awaitQuietly(late);
        // CPython 3.11: ['r:2', '[draining, waiters:0/3]', 'a:0', 'c:1', 'late:CancelledError']
        assertThat(trace).containsExactly("r:2", "Barrier[draining, waiters:0/3] parked:3", "a:0", "c:1",
                "late:CancelledError");
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
        List<Task<Void>> next = List.of(party(b, "x", trace), party(b, "y", trace), party(b, "z", trace));
        Aio.await(Aio.gather(next));
        assertThat(trace).endsWith("z:2", "x:0", "y:1");
    }

    @AioTest
    void abortBreaksTheWaitersAndEveryLaterArrivalUntilReset() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        Task<Void> c = party(b, "c", trace);
        settle();
        b.abort();
        assertThat(b.broken()).isTrue();
        assertThat(b.waiting()).isZero();
        assertThat(b).hasToString("Barrier[broken]");
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(BrokenBarrierError.class)
                .hasMessageContaining("aborted while this task waited");
        awaitQuietly(c);
        assertThatThrownBy(b::await).isInstanceOf(BrokenBarrierError.class)
                .hasMessageContaining("abort() was called").hasMessageContaining("reset()");
        assertThat(trace).containsExactly("a:BrokenBarrierError", "c:BrokenBarrierError");
        b.reset();
        assertThat(b.broken()).isFalse();
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
        List<Task<Void>> round = List.of(party(b, "x", trace), party(b, "y", trace), party(b, "z", trace));
        Aio.await(Aio.gather(round));
        assertThat(trace).endsWith("z:2", "x:0", "y:1");
    }

    @AioTest
    void abortAfterTheReleaseBreaksTheWaitersThatHaveNotResumed() {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        Task<Void> c = Aio.createTask(Aio.async(() -> {
            int i = b.await();
            b.abort();
            trace.add("c:" + i);
        }));
        Aio.await(c);
        awaitQuietly(a);
        // CPython 3.11: [('c', 1), ('a', 'BrokenBarrierError')], broken
        assertThat(trace).containsExactly("c:1", "a:BrokenBarrierError");
        assertThat(b.broken()).isTrue();
    }

    @AioTest
    void resetWhileFillingBreaksTheWaitersThenTheBarrierFillsAgain() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        Task<Void> c = party(b, "c", trace);
        settle();
        b.reset();
        assertThat(b).hasToString("Barrier[resetting, waiters:0/3]");
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(BrokenBarrierError.class)
                .hasMessageContaining("reset while this task waited");
        awaitQuietly(c);
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
        assertThat(b.broken()).isFalse();
    }

    @AioTest
    void resetWhileDrainingBreaksTheWaitersThatHaveNotResumed() {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        Task<Void> c = Aio.createTask(Aio.async(() -> {
            int i = b.await();
            b.reset();
            trace.add("c:" + i + " " + b);
        }));
        Aio.await(c);
        awaitQuietly(a);
        // CPython 3.11: [('c', 1, '[resetting, waiters:0/2]'), ('a', 'BrokenBarrierError')], filling
        assertThat(trace).containsExactly("c:1 Barrier[resetting, waiters:0/2]", "a:BrokenBarrierError");
        assertThat(b).hasToString("Barrier[filling, waiters:0/2]");
    }

    @AioTest
    void resetOfABrokenBarrierWithTasksInsideWaitsForThemToLeave() {
        Barrier b = Barrier.create(3);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        b.abort();
        b.reset(); // a has not resumed yet
        assertThat(b).hasToString("Barrier[resetting, waiters:0/3]");
        awaitQuietly(a);
        assertThat(trace).containsExactly("a:BrokenBarrierError");
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
    }

    @AioTest
    void timeoutWhileWaitingAtTheBarrierLeavesIt(TestLoop test) {
        Barrier b = Barrier.create(2);
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> b.await())).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(b.waiting()).isZero();
        assertThat(b.statistics()).isEqualTo(new Barrier.Statistics(2, 0, false, 0));
    }

    @AioTest
    void waitingCountsOnlyTheRoundThatFills() {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        assertThat(b.waiting()).isEqualTo(1);
        assertThat(b.statistics()).isEqualTo(new Barrier.Statistics(2, 1, false, 1));
        Task<Void> c = Aio.createTask(Aio.async(() -> {
            trace.add("c:" + b.await());
            trace.add("waiting while draining:" + b.waiting());
        }));
        Aio.await(Aio.gather(a, c));
        assertThat(trace).containsExactly("c:1", "waiting while draining:0", "a:0");
    }

    @AioTest
    void callsFromAnotherThreadWhileTheLoopRunsAreRejected() {
        Barrier b = Barrier.create(2);
        List<String> trace = new ArrayList<>();
        Task<Void> a = party(b, "a", trace);
        settle();
        assertThat(thrownOnPlainThread(b::abort)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(b::reset)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(b::await)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(b::waiting)).isInstanceOf(WrongThreadException.class);
        assertThat(thrownOnPlainThread(b::parties)).as("immutable").isNull();
        assertThat(b.await()).isEqualTo(1);
        Aio.await(a);
    }

    @Test
    @Timeout(10)
    void awaitOutsideACoroutineIsRejected() {
        Barrier b = Barrier.create(1);
        assertThatThrownBy(b::await).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Barrier.await() may wait, so it must be called from a coroutine");
    }

    @AioTest
    void statisticsAndToStringFollowPython() {
        Barrier b = Barrier.create(3);
        assertThat(b).hasToString("Barrier[filling, waiters:0/3]");
        Task<Integer> a = started(Aio.async(() -> b.await()));
        assertThat(b).hasToString("Barrier[filling, waiters:1/3]");
        assertThat(b.statistics()).isEqualTo(new Barrier.Statistics(3, 1, false, 1));
        b.abort();
        assertThat(b).hasToString("Barrier[broken]");
        assertThat(b.statistics()).isEqualTo(new Barrier.Statistics(3, 0, true, 1));
        assertThatThrownBy(() -> Aio.await(a)).isInstanceOf(BrokenBarrierError.class);
        assertThat(b.statistics()).isEqualTo(new Barrier.Statistics(3, 0, true, 0));
    }
}
