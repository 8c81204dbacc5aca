package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * Cancelling the task that consumes an async generator, at every await of the generator's body and
 * of its consumer, in pull ({@code for} loop with try-with-resources) and push ({@code forEach})
 * form: the task ends cancelled, the body's {@code finally} runs exactly once (and its own await
 * completes, unless that await is the one cancelled), and the generator ends closed.
 *
 * <p>Timeline on virtual time, one second per await: body awaits [0,1], yields 1; consumer awaits
 * [1,2]; body [2,3], yields 2; consumer [3,4]; body [4,5], yields 3; consumer [5,6]; the body returns
 * at 6 and its finally awaits [6,7]. The cancellation lands at k + 0.5 for k = 0..6.
 */
class AsyncGeneratorCancellationTest {

    private static AsyncGenerator<Integer> body(List<String> trace) {
        return Aio.asyncGenerator("three", out -> {
            try {
                for (int i = 1; i <= 3; i++) {
                    Aio.sleep(1);
                    out.yield(i);
                }
            } finally {
                trace.add("finally");
                Aio.sleep(1);
                trace.add("finally done");
            }
        });
    }

    private static void pull(AsyncGenerator<Integer> g, List<String> trace) {
        try (g) {
            for (int v : g) {
                trace.add("got " + v);
                Aio.sleep(1);
            }
        }
    }

    private static void push(AsyncGenerator<Integer> g, List<String> trace) {
        g.forEach(v -> {
            trace.add("got " + v);
            Aio.sleep(1);
        });
    }

    private static void cancelAt(double t, boolean pushMode, TestLoop test) {
        double t0 = test.time();
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = body(trace);
        Task<Void> consumer = Aio.createTask(Aio.async(() -> {
            if (pushMode) {
                push(g, trace);
            } else {
                pull(g, trace);
            }
        }));
        Aio.sleep(t);
        consumer.cancel();
        assertThatThrownBy(() -> Aio.await(consumer)).isInstanceOf(CancelledError.class);
        int got = (int) Math.min(3, Math.floor((t + 1) / 2));
        List<String> expected = new ArrayList<>();
        for (int i = 1; i <= got; i++) {
            expected.add("got " + i);
        }
        expected.add("finally");
        if (t < 6) {
            expected.add("finally done"); // cancelled before the finally's own await
        }
        assertThat(trace).as("cancelled at %s (%s)", t, pushMode ? "push" : "pull").isEqualTo(expected);
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        assertThat(test.time() - t0).isLessThanOrEqualTo(t + 1);
    }

    @AioTest
    void cancellingAPullingConsumerAtEveryAwaitClosesTheGeneratorOnce(TestLoop test) {
        for (int k = 0; k <= 6; k++) {
            cancelAt(k + 0.5, false, test);
        }
    }

    @AioTest
    void cancellingAPushingConsumerAtEveryAwaitClosesTheGeneratorOnce(TestLoop test) {
        for (int k = 0; k <= 6; k++) {
            cancelAt(k + 0.5, true, test);
        }
    }

    @AioTest
    void aCancelledErrorInsideTheBodyReachesTheConsumerAndEndsTheGenerator() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> Aio.sleep(10));
        Task<Integer> t = Aio.createTask(Aio.async(g::anext));
        Aio.sleep(1);
        t.cancel("stop it");
        assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class).hasMessage("stop it");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void aBodyMayCatchTheCancellationAndYieldAFinalValue() {
        AsyncGenerator<String> g = Aio.asyncGenerator(out -> {
            try {
                Aio.sleep(10);
                out.yield("slow");
            } catch (CancelledError e) {
                out.yield("cancelled, partial result");
            }
        });
        Task<String> t = Aio.createTask(Aio.async(g::anext));
        Aio.sleep(1);
        t.cancel();
        assertThat(Aio.await(t)).isEqualTo("cancelled, partial result");
        g.aclose();
    }

    @AioTest
    void aTimeoutAroundAForLoopStopsTheBodysAwait(TestLoop test) {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = body(trace);
        assertThatThrownBy(() -> Aio.timeout(2.5, () -> pull(g, trace))).isInstanceOf(TimeoutError.class);
        assertThat(trace).containsExactly("got 1", "finally", "finally done");
        assertThat(test.time()).isEqualTo(3.5);
    }

    @AioTest
    void cancellingTheTaskDuringAcloseLetsTheFinallyBeCancelledToo() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = body(trace);
        assertThat(g.anext()).isEqualTo(1);
        Task<Void> closer = Aio.createTask(Aio.async(g::aclose));
        Aio.sleep(0.5);
        closer.cancel();
        assertThatThrownBy(() -> Aio.await(closer)).isInstanceOf(CancelledError.class);
        assertThat(trace).containsExactly("finally");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void aTaskCreatedEagerlyInsideTheBodyRunsItsFirstStepAndTheBodyContinues() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            Task<Void> child = Aio.createTask(Aio.async(() -> {
                trace.add("child ran");
            }));
            Aio.await(child);
            out.yield(1);
        });
        assertThat(g.toList()).containsExactly(1);
        assertThat(trace).containsExactly("child ran");
    }
}
