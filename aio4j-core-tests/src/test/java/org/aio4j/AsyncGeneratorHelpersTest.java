package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.sync.Queue;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * The comprehension helpers of {@link AsyncGenerator} ({@code toList}, {@code map}, {@code filter},
 * {@code take}) in push and pull form, and {@link Queue#consume()}.
 */
class AsyncGeneratorHelpersTest {

    private static AsyncGenerator<Integer> range(int n, List<String> trace) {
        return Aio.asyncGenerator("range", out -> {
            try {
                for (int i = 0; i < n; i++) {
                    Aio.sleep(1);
                    out.yield(i);
                }
            } finally {
                trace.add("range closed");
            }
        });
    }

    @AioTest
    void toListCollectsEveryValueLikeAnAsyncComprehension() {
        List<String> trace = new ArrayList<>();
        assertThat(range(4, trace).toList()).containsExactly(0, 1, 2, 3);
        assertThat(trace).containsExactly("range closed");
    }

    @AioTest
    void filterAndMapComposeLazilyAndMayAwait(TestLoop test) {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<String> odd = range(6, trace).filter(v -> v % 2 == 1).map(v -> {
            Aio.sleep(0.5);
            return "#" + v;
        });
        assertThat(test.time()).isZero();
        assertThat(trace).isEmpty();
        assertThat(odd.toList()).containsExactly("#1", "#3", "#5");
        assertThat(test.time()).isEqualTo(7.5);
        assertThat(trace).containsExactly("range closed");
    }

    @AioTest
    void derivedGeneratorsCanBePulledWithAForLoop() {
        List<String> trace = new ArrayList<>();
        List<Integer> got = new ArrayList<>();
        for (int v : range(5, trace).map(v -> v * v)) {
            got.add(v);
        }
        assertThat(got).containsExactly(0, 1, 4, 9, 16);
        assertThat(trace).containsExactly("range closed");
    }

    @AioTest
    void takeClosesTheSourceAfterTheLastValueWithoutAskingForMore(TestLoop test) {
        List<String> trace = new ArrayList<>();
        assertThat(range(100, trace).take(2).toList()).containsExactly(0, 1);
        assertThat(trace).containsExactly("range closed");
        assertThat(test.time()).isEqualTo(2.0);
    }

    @AioTest
    void takeZeroClosesTheSourceWithoutRunningIt() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> source = range(3, trace);
        assertThat(source.take(0).toList()).isEmpty();
        assertThat(trace).isEmpty();
        assertThat(source.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void takeMoreThanThereAreGivesThemAll() {
        assertThat(range(3, new ArrayList<>()).take(10).toList()).containsExactly(0, 1, 2);
    }

    @AioTest
    void closingADerivedGeneratorClosesItsSource() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> doubled = range(10, trace).map(v -> v * 2);
        assertThat(doubled.anext()).isZero();
        assertThat(doubled.anext()).isEqualTo(2);
        doubled.aclose();
        assertThat(trace).containsExactly("range closed");
    }

    @AioTest
    void anExceptionInAMapFunctionClosesTheSourceAndReachesTheConsumer() {
        List<String> trace = new ArrayList<>();
        IOException e = new IOException("bad value");
        assertThatThrownBy(() -> range(10, trace).map(v -> {
            if (v == 2) {
                throw e;
            }
            return v;
        }).toList()).isSameAs(e);
        assertThat(trace).containsExactly("range closed");
    }

    @AioTest
    void forEachWhileStoppingEarlyOnADerivedGeneratorClosesTheWholeChain() {
        List<String> trace = new ArrayList<>();
        List<Integer> got = new ArrayList<>();
        range(10, trace).filter(v -> v > 2).forEachWhile(v -> {
            got.add(v);
            return got.size() < 2;
        });
        assertThat(got).containsExactly(3, 4);
        assertThat(trace).containsExactly("range closed");
    }

    // ================================================================ Queue.consume

    @AioTest
    void queueConsumeYieldsItemsUntilTheQueueIsShutDownAndEmpty() {
        Queue<String> q = Queue.create();
        Task<Void> producer = Aio.createTask(Aio.async(() -> {
            for (String s : List.of("a", "b", "c")) {
                Aio.sleep(1);
                q.put(s);
            }
            q.shutdown();
        }));
        List<String> got = new ArrayList<>();
        for (String s : q.consume()) {
            got.add(s);
        }
        Aio.await(producer);
        assertThat(got).containsExactly("a", "b", "c");
    }

    @AioTest
    void breakingOutOfAQueueConsumeLoopLosesNoItem() {
        Queue<Integer> q = Queue.create();
        for (int i = 0; i < 5; i++) {
            q.put(i);
        }
        q.shutdown();
        try (AsyncGenerator<Integer> items = q.consume()) {
            for (int v : items) {
                if (v == 1) {
                    break;
                }
            }
        }
        assertThat(q.qsize()).isEqualTo(3);
        assertThat(q.consume().toList()).containsExactly(2, 3, 4);
    }

    @AioTest
    void severalConsumersShareTheItemsOfOneQueue() {
        Queue<Integer> q = Queue.create(2);
        List<String> got = new ArrayList<>();
        List<Task<Void>> workers = new ArrayList<>();
        for (String w : List.of("w1", "w2")) {
            workers.add(Aio.createTask(Aio.async(() -> q.consume().forEach(v -> {
                got.add(w + ":" + v);
                Aio.sleep(1);
                q.taskDone();
            }))));
        }
        for (int i = 0; i < 6; i++) {
            q.put(i);
        }
        q.join();
        q.shutdown();
        Aio.await(Aio.gather(workers));
        assertThat(got).hasSize(6);
        assertThat(got.stream().filter(s -> s.startsWith("w1"))).hasSize(3);
    }

    @AioTest
    void queueConsumeEndsAtOnceOnImmediateShutdown() {
        Queue<Integer> q = Queue.create();
        q.put(1);
        q.put(2);
        q.shutdown(true);
        assertThat(q.consume().toList()).isEmpty();
    }
}
