package org.aio4j.test.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.sync.Queue;
import org.aio4j.test.AioTest;
import org.aio4j.test.Sequencer;
import org.aio4j.test.TestLoop;

/** The examples of docs/testing.md, verbatim: if they stop compiling or passing, the guide is wrong. */
class TestingGuideExamplesTest {

    // --- code under test -------------------------------------------------------------------------

    /** Polls every {@code period} seconds until {@code ready} says yes; returns how many polls. */
    static Coro<Integer> pollUntilReady(java.util.function.BooleanSupplier ready, double period) {
        return async(() -> {
            int polls = 0;
            while (true) {
                polls++;
                if (ready.getAsBoolean()) {
                    return polls;
                }
                sleep(period);
            }
        });
    }

    /** A worker that cleans up (awaiting) when cancelled. */
    static Coro<Void> worker(List<String> log) {
        return async(() -> {
            try {
                while (true) {
                    sleep(1);
                    log.add("tick");
                }
            } catch (CancelledError e) {
                sleep(0.5);            // async cleanup: flush, say goodbye...
                log.add("cleaned up");
                throw e;
            }
        });
    }

    // --- 1. virtual time -------------------------------------------------------------------------

    @AioTest
    void pollerGivesUpSleepingOnceReady(TestLoop test) {
        boolean[] ready = {false};
        Task<Integer> poller = createTask(pollUntilReady(() -> ready[0], 30));
        test.advanceBy(59);                 // polls at 0 s and 30 s
        assertThat(poller.done()).isFalse();
        ready[0] = true;
        test.advanceBy(1);                  // the poll at 60 s sees it
        assertThat(await(poller)).isEqualTo(3);
        assertThat(test.time()).isEqualTo(60.0);
    }

    // --- 1a. a test that returns its coroutine ----------------------------------------------------

    @AioTest
    Coro<Void> pollerReturnsOnceReady(TestLoop test) {
        return async(() -> {
            boolean[] ready = {false};
            test.loop().callLater(45, () -> ready[0] = true);
            assertThat(await(pollUntilReady(() -> ready[0], 30))).isEqualTo(3);   // polls at 0, 30, 60 s
            assertThat(test.time()).isEqualTo(60.0);
        });
    }

    // --- 1b. timeouts ------------------------------------------------------------------------------

    /** Fetches with a 5 s limit, falling back to a cached value. */
    static Coro<String> fetchOrCached(Coro<String> fetch) {
        return async(() -> {
            try {
                return org.aio4j.Aio.timeout(5, () -> await(fetch));
            } catch (org.aio4j.TimeoutError e) {
                return "cached";
            }
        });
    }

    @AioTest
    void slowFetchFallsBackToTheCacheAtExactlyFiveSeconds(TestLoop test) {
        Task<String> t = createTask(fetchOrCached(async(() -> sleep(60, "fresh"))));
        test.advanceBy(4.999);
        assertThat(t.done()).isFalse();
        test.advanceBy(0.001);
        assertThat(t.done()).isTrue();
        assertThat(await(t)).isEqualTo("cached");
    }

    @AioTest
    void fastFetchBeatsTheTimeout() {
        assertThat(await(fetchOrCached(async(() -> sleep(4.9, "fresh"))))).isEqualTo("fresh");
    }

    // --- 2. cancellation ---------------------------------------------------------------------------

    @AioTest
    void cancelledWorkerCleansUpBeforeItEnds(TestLoop test) {
        List<String> log = new ArrayList<>();
        Task<Void> w = createTask(worker(log));
        test.advanceBy(2.5);
        w.cancel("shutting down");
        assertThatThrownBy(() -> await(w)).isInstanceOf(CancelledError.class).hasMessage("shutting down");
        assertThat(log).containsExactly("tick", "tick", "cleaned up");
        assertThat(test.time()).isEqualTo(3.0);   // 2.5 s of work + 0.5 s of cleanup
        assertThat(w.cancelled()).isTrue();
    }

    // --- 3. queues ----------------------------------------------------------------------------------

    /** Sends on batches of up to {@code size} items, or what arrived within {@code linger} s of a batch's first. */
    static Coro<Void> batcher(Queue<String> in, int size, double linger, List<List<String>> out) {
        return async(() -> {
            while (true) {
                List<String> batch = new ArrayList<>();
                batch.add(in.get());
                try {
                    timeout(linger, () -> {
                        while (batch.size() < size) {
                            batch.add(in.get());
                        }
                    });
                } catch (TimeoutError lingerIsOver) {
                    // send what we have
                }
                out.add(batch);
            }
        });
    }

    @AioTest
    void fullBatchGoesOutAtOnceAndAPartialOneAfterTheLinger(TestLoop test) {
        Queue<String> in = Queue.create();
        List<List<String>> out = new ArrayList<>();
        test.background(batcher(in, 3, 1.0, out));   // runs until the test ends, then is cancelled
        for (String job : List.of("a", "b", "c", "d")) {
            in.tryPut(job);
        }
        test.waitAllTasksBlocked();                  // the batcher waits for a 2nd item of batch 2
        assertThat(out).containsExactly(List.of("a", "b", "c"));
        assertThat(test.time()).isEqualTo(0.0);
        test.advanceBy(1.0);
        assertThat(out).containsExactly(List.of("a", "b", "c"), List.of("d"));
    }

    @AioTest
    void producerWaitsWhileTheQueueIsFull(TestLoop test) {
        Queue<Integer> q = Queue.create(2);
        Task<Void> producer = createTask(async(() -> {
            for (int i = 0; i < 5; i++) {
                q.put(i);
            }
        }));
        test.waitAllTasksBlocked();
        assertThat(q.qsize()).isEqualTo(2);
        assertThat(producer.done()).isFalse();       // parked in put(2)
        assertThat(q.get()).isEqualTo(0);
        test.waitAllTasksBlocked();
        assertThat(q.qsize()).isEqualTo(2);          // it refilled the slot at once
        List<Integer> rest = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            rest.add(q.get());
        }
        await(producer);
        assertThat(rest).containsExactly(1, 2, 3, 4);
    }

    @AioTest
    void itemArrivingAsTheGetTimesOutStaysInTheQueue(EventLoop loop) {
        Queue<String> q = Queue.create();
        loop.callLater(1.0, () -> q.tryPut("late"));   // due at the same instant as the deadline
        assertThatThrownBy(() -> timeout(1.0, () -> q.get())).isInstanceOf(TimeoutError.class);
        assertThat(q.tryGet()).isEqualTo("late");
    }

    // --- 3b. a hand-off through futures, made deterministic ----------------------------------------

    @AioTest
    void consumerSeesItemsInOrder(TestLoop test, EventLoop loop) {
        List<Future<String>> slots = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            slots.add(loop.createFuture());
        }
        List<String> consumed = new ArrayList<>();
        Task<Void> consumer = createTask(async(() -> {
            for (Future<String> slot : slots) {
                consumed.add(await(slot));
            }
        }));
        test.waitAllTasksBlocked();          // the consumer is parked on the first slot
        assertThat(consumed).isEmpty();
        slots.get(0).setResult("a");
        slots.get(1).setResult("b");
        test.runCurrent();
        assertThat(consumed).containsExactly("a", "b");
        slots.get(2).setResult("c");
        await(consumer);
        assertThat(consumed).containsExactly("a", "b", "c");
    }

    // --- 4. forcing an interleaving ---------------------------------------------------------------

    @AioTest
    void sequencerForcesWhoGoesFirst(TestLoop test) {
        Sequencer seq = test.sequencer();
        List<String> order = new ArrayList<>();
        Task<Void> other = createTask(async(() -> {
            try (var s = seq.step(1)) {
                order.add("other");
            }
        }));
        try (var s = seq.step(0)) {
            order.add("main");
        }
        await(other);
        assertThat(order).containsExactly("main", "other");
    }

    // --- 5. ordered steps across tasks -------------------------------------------------------------

    @AioTest
    void stepsProveTheOrder(TestLoop test) {
        test.expect(1);
        Task<Void> t = createTask(async(() -> test.expect(3)));
        test.expect(2);                      // createTask does not run the task inline
        await(t);
        test.finish(4);
    }
}
