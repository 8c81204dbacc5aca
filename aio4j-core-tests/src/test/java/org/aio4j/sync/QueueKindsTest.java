package org.aio4j.sync;

import static org.aio4j.sync.QueueTest.drain;
import static org.aio4j.sync.QueueTest.fill;
import static org.aio4j.sync.QueueTest.getter;
import static org.aio4j.sync.QueueTest.putter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;

/**
 * What differs between the kinds of {@link Queue}: the order items come out (FIFO, LIFO, priority by
 * natural ordering or comparator, stable among equals), and what a priority queue does with items it
 * cannot order: reject them, leave the queue unchanged, and hand on a wake it could not use.
 */
class QueueKindsTest {

    @AioTest
    void fifoHandsOutItemsInTheOrderTheyWerePut() {
        Queue<Integer> q = Queue.create();
        fill(q, 3, 1, 2);
        assertThat(q.get()).isEqualTo(3);
        q.put(0);
        assertThat(drain(q)).containsExactly(1, 2, 0);
    }

    @AioTest
    void lifoHandsOutTheLastItemPutFirst() {
        Queue<Integer> q = Queue.lifo(0);
        fill(q, 1, 2, 3);
        assertThat(q.get()).isEqualTo(3);
        q.put(4);
        assertThat(q.get()).isEqualTo(4);
        assertThat(drain(q)).containsExactly(2, 1);
    }

    @AioTest
    void priorityHandsOutTheSmallestItemFirst() {
        Queue<String> q = Queue.priority(0);
        q.put("pear");
        q.put("apple");
        q.put("fig");
        assertThat(q.get()).isEqualTo("apple");
        q.put("banana");
        assertThat(List.of(q.get(), q.get(), q.get())).containsExactly("banana", "fig", "pear");
    }

    @AioTest
    void priorityWithAComparatorHandsOutTheSmallestByIt() {
        Queue<String> q = Queue.priority(0, Comparator.comparingInt(String::length));
        q.put("three");
        q.put("a");
        q.put("to");
        assertThat(List.of(q.get(), q.get(), q.get())).containsExactly("a", "to", "three");
    }

    record Job(int priority, String name) {
    }

    @AioTest
    void itemsOfEqualPriorityComeOutInTheOrderTheyWerePut() {
        // heapq does not promise this; the comparator only compares priorities, without a counter
        Queue<Job> q = Queue.priority(0, Comparator.comparingInt(Job::priority));
        SplittableRandom rnd = new SplittableRandom(42);
        List<Job> put = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Job j = new Job(rnd.nextInt(5), "job" + i);
            put.add(j);
            q.put(j);
        }
        List<Job> got = new ArrayList<>();
        while (!q.empty()) {
            got.add(q.get());
        }
        assertThat(got).isEqualTo(put.stream().sorted(Comparator.comparingInt(Job::priority)).toList());
    }

    @Test
    void priorityOrderMatchesAReferenceHeapUnderRandomPutsAndGets() {
        // outside any loop: the non-waiting methods work on a queue no loop has used yet
        Queue<Integer> q = Queue.priority(0);
        PriorityQueue<Integer> model = new PriorityQueue<>();
        SplittableRandom rnd = new SplittableRandom(7);
        for (int op = 0; op < 20_000; op++) {
            if (model.isEmpty() || rnd.nextInt(3) > 0) {
                int v = rnd.nextInt(1000);
                q.tryPut(v);
                model.add(v);
            } else {
                assertThat(q.tryGet()).isEqualTo(model.poll());
            }
            assertThat(q.qsize()).isEqualTo(model.size());
        }
        List<Integer> rest = new ArrayList<>();
        while (!model.isEmpty()) {
            rest.add(model.poll());
        }
        assertThat(drain(q)).isEqualTo(rest);
    }

    // ------------------------------------------------------------------ items a priority queue cannot order

    @AioTest
    void naturalOrderingRejectsANonComparableItemEvenInAnEmptyQueue() {
        Queue<Object> q = Queue.priority(0);
        Object notComparable = new Object();
        assertThatThrownBy(() -> q.tryPut(notComparable)).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("java.lang.Object is not Comparable")
                .hasMessageContaining("Queue.priority(maxsize, comparator)");
        assertThatThrownBy(() -> q.put(notComparable)).isInstanceOf(ClassCastException.class);
        assertThat(q.empty()).isTrue();
        q.put(1);
        assertThatThrownBy(() -> q.put(notComparable)).isInstanceOf(ClassCastException.class);
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(1, 0, 0, 0, 1, false));
        assertThat(q.get()).isEqualTo(1);
    }

    @AioTest
    void naturalOrderingRejectsItemsThatCannotBeComparedWithEachOtherAndKeepsTheQueue() {
        Queue<Object> q = Queue.priority(0);
        for (int i : new int[] {5, 3, 8, 1, 9, 2, 7}) {
            q.put(i);
        }
        assertThatThrownBy(() -> q.put("x")).isInstanceOf(ClassCastException.class)
                .hasMessageContaining("cannot compare java.lang.String with java.lang.Integer");
        assertThat(q.qsize()).isEqualTo(7);
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(7);
        List<Object> got = new ArrayList<>();
        while (!q.empty()) {
            got.add(q.get());
        }
        assertThat(got).containsExactly(1, 2, 3, 5, 7, 8, 9);
    }

    /** Throws {@link IllegalStateException} for the next {@code failures[0]} comparisons, then compares ints. */
    private static Comparator<Integer> failing(int[] failures) {
        return (a, b) -> {
            if (failures[0] > 0) {
                failures[0]--;
                throw new IllegalStateException("comparator broke");
            }
            return Integer.compare(a, b);
        };
    }

    @Test
    void aComparatorThatThrowsLeavesTheQueueExactlyAsItWas() {
        // a comparison fails at random points of put and get; the queue must match the model after each
        int[] failures = {0};
        SplittableRandom rnd = new SplittableRandom(11);
        Queue<Integer> q = Queue.priority(0, failing(failures));
        PriorityQueue<Integer> model = new PriorityQueue<>();
        int failed = 0;
        long puts = 0;
        for (int op = 0; op < 20_000; op++) {
            failures[0] = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 0;  // fail at the 1st, 2nd or 3rd comparison
            try {
                if (model.isEmpty() || rnd.nextBoolean()) {
                    int v = rnd.nextInt(100);
                    q.tryPut(v);
                    model.add(v);
                    puts++;
                } else {
                    Integer got = q.tryGet();
                    assertThat(got).isEqualTo(model.poll());
                }
            } catch (IllegalStateException e) {
                assertThat(e).hasMessage("comparator broke");
                failed++;
            }
            assertThat(q.qsize()).isEqualTo(model.size());
            assertThat(q.statistics().unfinishedTasks()).isEqualTo(puts);
        }
        assertThat(failed).isPositive();
        failures[0] = 0;
        List<Integer> rest = new ArrayList<>();
        while (!model.isEmpty()) {
            rest.add(model.poll());
        }
        assertThat(drain(q)).isEqualTo(rest);
    }

    @AioTest
    void aPutterWhoseComparatorFailsAfterItsWakeHandsTheRoomToTheNextPutter(TestLoop test) {
        int[] failures = {0};
        Queue<Integer> q = Queue.priority(2, failing(failures));
        fill(q, 10, 20);
        List<String> trace = new ArrayList<>();
        Task<Void> p1 = putter(q, -1, trace, "p1");
        Task<Void> p2 = putter(q, 5, trace, "p2");
        test.waitAllTasksBlocked();
        failures[0] = 1;                    // p1's comparison will fail
        assertThat(q.tryGet()).isEqualTo(10); // room: wakes p1
        assertThatThrownBy(() -> Aio.await(p1)).isInstanceOf(IllegalStateException.class).hasMessage("comparator broke");
        Aio.await(p2);
        assertThat(trace).containsExactly("p2 put 5");
        assertThat(drain(q)).containsExactly(5, 20);
    }

    @AioTest
    void aGetterWhoseComparatorFailsAfterItsWakeHandsTheItemToTheNextGetter(TestLoop test) {
        int[] failures = {0};
        Queue<Integer> q = Queue.priority(0, failing(failures));
        List<String> trace = new ArrayList<>();
        Task<Integer> g1 = getter(q, trace, "g1");
        Task<Integer> g2 = getter(q, trace, "g2");
        Task<Integer> g3 = getter(q, trace, "g3");
        Task<Integer> g4 = getter(q, trace, "g4");
        test.waitAllTasksBlocked();
        fill(q, 1, 2, 3);   // wakes g1, g2, g3
        failures[0] = 1;    // g1's removal fails: its wake must reach g4
        assertThatThrownBy(() -> Aio.await(g1)).isInstanceOf(IllegalStateException.class).hasMessage("comparator broke");
        assertThat(Aio.await(Aio.gather(g2, g3, g4))).containsExactly(1, 2, 3);
        assertThat(trace).containsExactly("g2 got 1", "g3 got 2", "g4 got 3");
        assertThat(q.empty()).isTrue();
    }
}
