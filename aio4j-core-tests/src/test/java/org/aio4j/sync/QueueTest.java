package org.aio4j.sync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTestExtension;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link Queue} contract, written once and run against every kind of queue (first in first out,
 * last in first out, priority by natural ordering and by a comparator; bounded and unbounded): FIFO
 * fairness of getters and putters, backpressure, every cancellation race (nothing lost), timeouts,
 * taskDone/join and shutdown. Each run is the main task of a fresh loop on virtual time with the
 * kit's leak checks ({@code AioTestExtension} on each template). What differs between kinds (the order items come
 * out, priority-specific failures) and misuse are in {@link QueueKindsTest} and
 * {@link QueueMisuseTest}.
 */
class QueueTest {

    /** One kind of queue under test: how to make it, and the order it hands out items put all at once. */
    record Kind(String name, int maxsize, IntFunction<Queue<Integer>> factory, UnaryOperator<List<Integer>> order) {
        Queue<Integer> make() {
            return factory.apply(maxsize);
        }

        /** The order {@code get} returns {@code items} put in this order before any get. */
        List<Integer> outOrder(Integer... items) {
            return order.apply(List.of(items));
        }

        @Override
        public String toString() {
            return name + "(maxsize=" + maxsize + ")";
        }
    }

    static Stream<Kind> storages(int maxsize) {
        return Stream.of(
                new Kind("fifo", maxsize, Queue::create, l -> l),
                new Kind("lifo", maxsize, Queue::lifo, l -> l.reversed()),
                new Kind("priority", maxsize, Queue::priority, l -> l.stream().sorted().toList()),
                new Kind("priority-reversed", maxsize, m -> Queue.priority(m, Comparator.reverseOrder()),
                        l -> l.stream().sorted(Comparator.reverseOrder()).toList()));
    }

    static Stream<Kind> kinds() {
        return Stream.concat(storages(0), storages(2));
    }

    static Stream<Kind> boundedKinds() {
        return storages(2);
    }

    /** A test run against every kind, bounded and unbounded, each as an {@code @AioTest}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    @ExtendWith(AioTestExtension.class)
    @interface EveryKind {
    }

    /** A test run against every kind with {@code maxsize} 2, each as an {@code @AioTest}. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @ParameterizedTest(name = "{0}")
    @MethodSource("boundedKinds")
    @ExtendWith(AioTestExtension.class)
    @interface EveryBoundedKind {
    }

    // ------------------------------------------------------------------ helpers

    static Task<Integer> getter(Queue<Integer> q, List<String> trace, String name) {
        return Aio.createTask(Aio.async(() -> {
            Integer item = q.get();
            trace.add(name + " got " + item);
            return item;
        }), name);
    }

    static Task<Void> putter(Queue<Integer> q, int item, List<String> trace, String name) {
        return Aio.createTask(Aio.async(() -> {
            q.put(item);
            trace.add(name + " put " + item);
        }), name);
    }

    static List<Integer> drain(Queue<Integer> q) {
        List<Integer> out = new ArrayList<>();
        for (Integer item = q.tryGet(); item != null; item = q.tryGet()) {
            out.add(item);
        }
        return out;
    }

    static void fill(Queue<Integer> q, Integer... items) {
        for (Integer i : items) {
            assertThat(q.tryPut(i)).as("tryPut(%s)", i).isTrue();
        }
    }

    static void assertCancelled(Task<?> t) {
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
    }

    // ------------------------------------------------------------------ basics

    @EveryKind
    void newQueueIsEmptyAndTryPutTryGetRoundTrip(Kind kind) {
        Queue<Integer> q = kind.make();
        assertThat(q.qsize()).isZero();
        assertThat(q.empty()).isTrue();
        assertThat(q.full()).isFalse();
        assertThat(q.maxsize()).isEqualTo(kind.maxsize());
        assertThat(q.tryPut(7)).isTrue();
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.empty()).isFalse();
        assertThat(q.tryGet()).isEqualTo(7);
        assertThat(q.empty()).isTrue();
    }

    @EveryKind
    void itemsPutBeforeAnyGetComeOutInTheKindsOrder(Kind kind) {
        Queue<Integer> q = kind.make();
        q.put(2);
        q.put(1);
        assertThat(List.of(q.get(), q.get())).isEqualTo(kind.outOrder(2, 1));
    }

    @EveryKind
    void tryGetOnAnEmptyQueueReturnsNullAndChangesNothing(Kind kind) {
        Queue<Integer> q = kind.make();
        assertThat(q.tryGet()).isNull();
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, kind.maxsize(), 0, 0, 0, false));
    }

    @EveryBoundedKind
    void tryPutOnAFullQueueReturnsFalseAndChangesNothing(Kind kind) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        assertThat(q.full()).isTrue();
        assertThat(q.tryPut(3)).isFalse();
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(2);
        assertThat(drain(q)).isEqualTo(kind.outOrder(1, 2));
    }

    @EveryKind
    void unboundedOrNotFullQueueNeverMakesPutWait(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        int n = kind.maxsize() == 0 ? 1000 : kind.maxsize();
        for (int i = 0; i < n; i++) {
            q.put(i);
        }
        assertThat(q.qsize()).isEqualTo(n);
        assertThat(q.full()).isEqualTo(kind.maxsize() > 0);
        assertThat(test.time()).isZero();
        drain(q);
    }

    // ------------------------------------------------------------------ waiting and fairness

    @EveryKind
    void getWaitsForAPutAndGettersAreServedInFifoOrder(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        List<Task<Integer>> getters = List.of(getter(q, trace, "g1"), getter(q, trace, "g2"), getter(q, trace, "g3"));
        test.waitAllTasksBlocked();
        assertThat(trace).isEmpty();
        assertThat(q.statistics().gettersWaiting()).isEqualTo(3);
        for (int i = 1; i <= 3; i++) {
            assertThat(q.tryPut(i * 10)).isTrue();
            test.runCurrent();
        }
        assertThat(trace).containsExactly("g1 got 10", "g2 got 20", "g3 got 30");
        assertThat(Aio.await(Aio.gather(getters))).containsExactly(10, 20, 30);
        assertThat(q.statistics().gettersWaiting()).isZero();
    }

    @EveryKind
    void eachPutOfOneIterationWakesOneGetter(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        Task<Integer> g3 = getter(q, trace, "g3");
        test.waitAllTasksBlocked();
        fill(q, 1, 2);
        test.runCurrent();
        List<Integer> order = kind.outOrder(1, 2);
        assertThat(trace).containsExactly("g1 got " + order.get(0), "g2 got " + order.get(1));
        assertThat(g3.done()).isFalse();
        q.put(3);
        assertThat(Aio.await(g3)).isEqualTo(3);
        Aio.await(Aio.gather(g1, g2));
    }

    @EveryBoundedKind
    void putBlocksWhileFullAndResumesInFifoOrder(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 100, 200);
        List<String> trace = new ArrayList<>();
        List<Task<Void>> putters = List.of(putter(q, 1, trace, "p1"), putter(q, 2, trace, "p2"), putter(q, 3, trace, "p3"));
        test.waitAllTasksBlocked();
        assertThat(trace).isEmpty();
        assertThat(q.statistics().puttersWaiting()).isEqualTo(3);
        List<Integer> got = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            got.add(q.tryGet());
            test.runCurrent();
            assertThat(trace).hasSize(i);
            assertThat(q.full()).isTrue();
        }
        assertThat(trace).containsExactly("p1 put 1", "p2 put 2", "p3 put 3");
        Aio.await(Aio.gather(putters));
        got.addAll(drain(q));
        assertThat(got).containsExactlyInAnyOrder(100, 200, 1, 2, 3);
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(5);
    }

    @EveryBoundedKind
    void boundedPutWaitsUntilAConsumerMakesRoom(Kind kind, TestLoop test, EventLoop loop) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        loop.callLater(2.0, () -> q.tryGet());
        q.put(3); // backpressure: waits for the room made at t=2
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(q.full()).isTrue();
        assertThat(drain(q)).contains(3);
    }

    @EveryKind
    void aWokenGetterOvertakenByATryGetWaitsAgainBehindTheOthers(Kind kind, TestLoop test) {
        // asyncio 3.11 does the same: a wake is a hint, the woken getter re-checks and re-queues
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        test.waitAllTasksBlocked();
        q.tryPut(1);                          // wakes g1
        assertThat(q.tryGet()).isEqualTo(1); // taken before g1 runs
        test.runCurrent();                    // g1 finds nothing and parks again, behind g2
        assertThat(trace).isEmpty();
        q.tryPut(2);
        test.runCurrent();
        q.tryPut(3);
        test.runCurrent();
        assertThat(trace).containsExactly("g2 got 2", "g1 got 3");
        Aio.await(Aio.gather(g1, g2));
    }

    // ------------------------------------------------------------------ cancellation races

    @EveryKind
    void getterCancelledBeforeItsWakeLeavesAndTheItemGoesToTheNextGetter(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        test.waitAllTasksBlocked();
        g1.cancel();
        test.runCurrent();
        assertCancelled(g1);
        assertThat(q.statistics().gettersWaiting()).isEqualTo(1);
        q.tryPut(5);
        assertThat(Aio.await(g2)).isEqualTo(5);
        assertThat(trace).containsExactly("g2 got 5");
        assertThat(q.empty()).isTrue();
    }

    @EveryKind
    void getterCancelledInTheIterationOfItsWakeHandsTheItemToTheNextGetter(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        test.waitAllTasksBlocked();
        q.tryPut(5);  // wakes g1 ...
        g1.cancel();  // ... which is cancelled before it runs
        assertThat(Aio.await(g2)).isEqualTo(5);
        assertCancelled(g1);
        assertThat(trace).containsExactly("g2 got 5");
        assertThat(q.empty()).isTrue();
        assertThat(q.statistics().gettersWaiting()).isZero();
    }

    @EveryKind
    void getterCancelledInTheIterationOfItsWakeWithNoOtherGetterLeavesTheItemInTheQueue(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        Task<Integer> g1 = getter(q, new ArrayList<>(), "g1");
        test.waitAllTasksBlocked();
        q.tryPut(5);
        g1.cancel();
        test.runCurrent();
        assertCancelled(g1);
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.get()).isEqualTo(5);
    }

    @EveryKind
    void twoWokenGettersOneCancelledEachItemStillFindsAGetter(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        Task<Integer> g3 = getter(q, trace, "g3");
        test.waitAllTasksBlocked();
        fill(q, 1, 2);  // wakes g1 and g2
        g2.cancel();    // g2's wake goes on to g3
        test.runCurrent();
        assertCancelled(g2);
        List<Integer> order = kind.outOrder(1, 2);
        assertThat(trace).containsExactly("g1 got " + order.get(0), "g3 got " + order.get(1));
        Aio.await(Aio.gather(g1, g3));
    }

    @EveryBoundedKind
    void putterCancelledBeforeItsWakeNeverPutsItsItem(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 100, 200);
        List<String> trace = new ArrayList<>();
        Task<Void> p1 = putter(q, 1, trace, "p1");
        Task<Void> p2 = putter(q, 2, trace, "p2");
        test.waitAllTasksBlocked();
        p1.cancel();
        test.runCurrent();
        assertCancelled(p1);
        assertThat(q.statistics().puttersWaiting()).isEqualTo(1);
        Integer first = q.tryGet();
        Aio.await(p2);
        assertThat(trace).containsExactly("p2 put 2");
        List<Integer> all = new ArrayList<>(drain(q));
        all.add(first);
        assertThat(all).containsExactlyInAnyOrder(100, 200, 2);
    }

    @EveryBoundedKind
    void putterCancelledInTheIterationOfItsWakeHandsTheRoomToTheNextPutter(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 100, 200);
        List<String> trace = new ArrayList<>();
        Task<Void> p1 = putter(q, 1, trace, "p1");
        Task<Void> p2 = putter(q, 2, trace, "p2");
        test.waitAllTasksBlocked();
        Integer first = q.tryGet(); // wakes p1 ...
        p1.cancel();                // ... which is cancelled before it runs
        Aio.await(p2);
        assertCancelled(p1);
        assertThat(trace).containsExactly("p2 put 2");
        assertThat(q.full()).isTrue();
        List<Integer> all = new ArrayList<>(drain(q));
        all.add(first);
        assertThat(all).containsExactlyInAnyOrder(100, 200, 2);
        assertThat(q.statistics().puttersWaiting()).isZero();
    }

    @EveryBoundedKind
    void putterCancelledInTheIterationOfItsWakeWithNoOtherPutterLeavesTheRoomFree(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 100, 200);
        Task<Void> p1 = putter(q, 1, new ArrayList<>(), "p1");
        test.waitAllTasksBlocked();
        q.tryGet();
        p1.cancel();
        test.runCurrent();
        assertCancelled(p1);
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.full()).isFalse();
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(2);
        drain(q);
    }

    @EveryKind
    void aTaskCancelledBeforeItCallsGetThrowsAtGetAndTakesNothing(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        Task<Integer> g = Aio.createTask(Aio.async(() -> {
            Aio.currentTask().cancel();    // a cancellation pending when get() parks
            return q.get();
        }));
        test.waitAllTasksBlocked();
        assertCancelled(g);
        q.tryPut(1);
        assertThat(q.qsize()).isEqualTo(1);
        assertThat(q.statistics().gettersWaiting()).isZero();
        drain(q);
    }

    // ------------------------------------------------------------------ timeouts

    @EveryKind
    void getUnderATimeoutThrowsTimeoutErrorAndLeavesNoWaiterBehind(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        assertThatThrownBy(() -> Aio.timeout(1.5, () -> q.get())).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.5);
        assertThat(q.statistics().gettersWaiting()).isZero();
        q.tryPut(1);
        assertThat(q.get()).isEqualTo(1);
    }

    @EveryKind
    void timeoutExpiringInTheIterationOfTheWakeHandsTheItemToTheNextGetter(Kind kind, TestLoop test, EventLoop loop) {
        Queue<Integer> q = kind.make();
        loop.callLater(1.0, () -> q.tryPut(7)); // due at t=1 before the timeout below: wakes g1 first
        Task<Object> g1 = Aio.createTask(Aio.async(() -> {
            try {
                return Aio.timeout(1.0, () -> q.get());
            } catch (TimeoutError e) {
                return "timed out";
            }
        }));
        List<String> trace = new ArrayList<>();
        Task<Integer> g2 = getter(q, trace, "g2");
        assertThat(Aio.await(g1)).isEqualTo("timed out");
        assertThat(Aio.await(g2)).isEqualTo(7);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(q.empty()).isTrue();
    }

    @EveryKind
    void waitForGetReturnsAnItemPutBeforeTheDeadline(Kind kind, TestLoop test, EventLoop loop) {
        Queue<Integer> q = kind.make();
        loop.callLater(2.0, () -> q.tryPut(3));
        assertThat(Aio.waitFor(Aio.async(() -> q.get()), 5.0)).isEqualTo(3);
        assertThat(test.time()).isEqualTo(2.0);
    }

    @EveryKind
    void waitForGetTimesOutOnAnEmptyQueue(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        assertThatThrownBy(() -> Aio.waitFor(Aio.async(() -> q.get()), 3.0)).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(3.0);
        assertThat(q.statistics().gettersWaiting()).isZero();
    }

    @EveryBoundedKind
    void waitForPutTimesOutWhileFullAndTheItemIsNotPut(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        assertThatThrownBy(() -> Aio.waitFor(Aio.async(() -> q.put(99)), 1.0)).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(q.statistics().puttersWaiting()).isZero();
        assertThat(drain(q)).containsExactlyInAnyOrder(1, 2);
    }

    @EveryBoundedKind
    void putUnderATimeoutSucceedsWhenRoomComesInTime(Kind kind, TestLoop test, EventLoop loop) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        loop.callLater(0.5, () -> q.tryGet());
        Aio.timeout(1.0, () -> q.put(3));
        assertThat(test.time()).isEqualTo(0.5);
        assertThat(q.full()).isTrue();
        drain(q);
    }

    // ------------------------------------------------------------------ taskDone and join

    @EveryKind
    void joinReturnsAtOnceWhenNothingIsUnfinished(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        q.join();
        q.tryPut(1);
        q.tryGet();
        q.taskDone();
        q.join();
        assertThat(test.time()).isZero();
    }

    @EveryKind
    void joinWaitsUntilEveryItemPutHasHadItsTaskDone(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        test.expect(1);
        Task<Void> joiner = Aio.createTask(Aio.async(() -> {
            q.join();
            test.expect(4);
        }));
        test.waitAllTasksBlocked();
        drain(q);
        q.taskDone();
        test.expect(2);
        test.runCurrent();
        assertThat(joiner.done()).isFalse();
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(1);
        test.expect(3);
        q.taskDone();
        Aio.await(joiner);
        test.finish(5);
    }

    @EveryKind
    void everyJoinerIsReleasedAndACancelledOneDoesNotHoldTheOthersBack(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        q.tryPut(1);
        List<String> trace = new ArrayList<>();
        List<Task<Void>> joiners = new ArrayList<>();
        for (String name : List.of("j1", "j2", "j3")) {
            joiners.add(Aio.createTask(Aio.async(() -> {
                q.join();
                trace.add(name);
            })));
        }
        test.waitAllTasksBlocked();
        joiners.get(1).cancel();
        test.runCurrent();
        q.tryGet();
        q.taskDone();
        Aio.await(joiners.get(0));
        Aio.await(joiners.get(2));
        assertCancelled(joiners.get(1));
        assertThat(trace).containsExactly("j1", "j3");
    }

    @EveryKind
    void joinReturnsOnceTheCountHitZeroEvenIfAnItemArrivesBeforeTheJoinerRuns(Kind kind, TestLoop test) {
        // asyncio 3.11: join waits for its Event once; a later put clears it, but the waiter was woken
        Queue<Integer> q = kind.make();
        q.tryPut(1);
        Task<Void> joiner = Aio.createTask(Aio.async(q::join));
        test.waitAllTasksBlocked();
        q.tryGet();
        q.taskDone();
        q.tryPut(2);
        Aio.await(joiner);
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(1);
        drain(q);
    }

    @EveryKind
    void taskDoneCalledMoreTimesThanItemsPutThrowsIllegalStateException(Kind kind) {
        Queue<Integer> q = kind.make();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taskDone() called too many times");
        q.tryPut(1);
        q.tryGet();
        q.taskDone();
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("taskDone() called too many times");
        assertThat(q.statistics().unfinishedTasks()).isZero();
    }

    // ------------------------------------------------------------------ shutdown

    @EveryKind
    void afterShutdownPutsFailAndGetsDrainWhatIsLeftThenFail(Kind kind) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        q.shutdown();
        assertThat(q.isShutdown()).isTrue();
        assertThatThrownBy(() -> q.tryPut(3)).isInstanceOf(QueueShutDown.class).hasMessageContaining("tryPut()");
        assertThatThrownBy(() -> q.put(3)).isInstanceOf(QueueShutDown.class).hasMessageContaining("put()");
        assertThat(List.of(q.get(), q.tryGet())).isEqualTo(kind.outOrder(1, 2));
        assertThatThrownBy(q::get).isInstanceOf(QueueShutDown.class).hasMessageContaining("shut down and empty");
        assertThatThrownBy(q::tryGet).isInstanceOf(QueueShutDown.class).hasMessageContaining("shut down and empty");
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(2);
        q.taskDone();
        q.taskDone();
        q.join();
    }

    @EveryKind
    void shutdownWakesEveryWaitingGetterWithQueueShutDown(Kind kind, TestLoop test) {
        for (boolean immediate : new boolean[] {false, true}) {
            Queue<Integer> q = kind.make();
            List<Task<Integer>> getters = List.of(getter(q, new ArrayList<>(), "g1"), getter(q, new ArrayList<>(), "g2"));
            test.waitAllTasksBlocked();
            q.shutdown(immediate);
            for (Task<Integer> g : getters) {
                assertThatThrownBy(() -> Aio.await(g)).isInstanceOf(QueueShutDown.class);
            }
            assertThat(q.statistics().gettersWaiting()).isZero();
        }
    }

    @EveryKind
    void gracefulShutdownStillLetsAWokenGetterTakeItsItem(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        test.waitAllTasksBlocked();
        q.tryPut(1);
        q.shutdown();
        assertThat(Aio.await(g1)).isEqualTo(1);
        assertThatThrownBy(() -> Aio.await(g2)).isInstanceOf(QueueShutDown.class);
    }

    @EveryBoundedKind
    void shutdownWakesEveryWaitingPutterWithQueueShutDown(Kind kind, TestLoop test) {
        for (boolean immediate : new boolean[] {false, true}) {
            Queue<Integer> q = kind.make();
            fill(q, 1, 2);
            List<Task<Void>> putters = List.of(putter(q, 3, new ArrayList<>(), "p1"), putter(q, 4, new ArrayList<>(), "p2"));
            test.waitAllTasksBlocked();
            q.shutdown(immediate);   // immediate also empties the queue: the putters see room, and still fail
            for (Task<Void> p : putters) {
                assertThatThrownBy(() -> Aio.await(p)).isInstanceOf(QueueShutDown.class);
            }
            assertThat(q.qsize()).isEqualTo(immediate ? 0 : 2);
            assertThat(q.statistics().puttersWaiting()).isZero();
        }
    }

    @EveryKind
    void immediateShutdownDiscardsTheItemsCountsThemDoneAndReleasesJoin(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        Task<Void> joiner = Aio.createTask(Aio.async(q::join));
        test.waitAllTasksBlocked();
        q.shutdown(true);
        assertThat(q.qsize()).isZero();
        assertThat(q.statistics().unfinishedTasks()).isZero();
        Aio.await(joiner);
        assertThatThrownBy(q::tryGet).isInstanceOf(QueueShutDown.class);
        assertThatThrownBy(q::taskDone).isInstanceOf(IllegalStateException.class);
    }

    @EveryKind
    void immediateShutdownKeepsJoinWaitingForItemsAlreadyTaken(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        q.tryGet(); // being worked on: its taskDone is still due
        Task<Void> joiner = Aio.createTask(Aio.async(q::join));
        test.waitAllTasksBlocked();
        q.shutdown(true);
        test.runCurrent();
        assertThat(joiner.done()).isFalse();
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(1);
        q.taskDone();
        Aio.await(joiner);
    }

    @EveryKind
    void shutdownAgainIsHarmlessAndImmediateAfterGracefulDiscardsTheRest(Kind kind) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2);
        q.shutdown();
        q.shutdown();
        assertThat(q.qsize()).isEqualTo(2);
        q.shutdown(true);
        assertThat(q.qsize()).isZero();
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, kind.maxsize(), 0, 0, 0, true));
    }

    // ------------------------------------------------------------------ monitoring

    @EveryBoundedKind
    void statisticsCountItemsWaitersUnfinishedTasksAndShutdown(Kind kind, TestLoop test) {
        Queue<Integer> q = kind.make();
        Task<Integer> g = getter(q, new ArrayList<>(), "g");
        test.waitAllTasksBlocked();
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(0, 2, 1, 0, 0, false));
        q.tryPut(1);
        Aio.await(g);
        fill(q, 2, 3);
        Task<Void> p = putter(q, 4, new ArrayList<>(), "p");
        test.waitAllTasksBlocked();
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(2, 2, 0, 1, 3, false));
        q.shutdown();
        assertThatThrownBy(() -> Aio.await(p)).isInstanceOf(QueueShutDown.class);
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(2, 2, 0, 0, 3, true));
    }
}
