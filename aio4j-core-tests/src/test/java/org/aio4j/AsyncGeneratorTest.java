package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * {@link AsyncGenerator}: Python's async generator protocol (anext, asend, athrow, aclose), its
 * states, the {@code for} loop (pull) and {@code forEach} (push), and the misuse errors. Runs on the
 * aio4j-test kit (virtual time); closing at loop shutdown and by the garbage collector is in
 * {@link AsyncGeneratorShutdownTest}, cancellation in {@link AsyncGeneratorCancellationTest}.
 */
class AsyncGeneratorTest {

    static AsyncGenerator<Integer> countTo(int n, List<String> trace) {
        return Aio.asyncGenerator("count", out -> {
            try {
                for (int i = 1; i <= n; i++) {
                    Aio.sleep(1);
                    out.yield(i);
                }
            } finally {
                trace.add("finally");
            }
        });
    }

    @AioTest
    void forLoopPullsEachValueAndTheBodyAwaitsBetweenThem(TestLoop test) {
        List<String> trace = new ArrayList<>();
        for (int v : countTo(3, trace)) {
            trace.add(v + "@" + test.time());
        }
        assertThat(trace).containsExactly("1@1.0", "2@2.0", "3@3.0", "finally");
    }

    @AioTest
    void nothingRunsUntilTheFirstValueIsAskedFor() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            trace.add("started");
            out.yield(1);
        });
        Aio.sleep(1);
        assertThat(trace).isEmpty();
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CREATED);
        assertThat(g.anext()).isEqualTo(1);
        assertThat(trace).containsExactly("started");
    }

    @AioTest
    void statesFollowCreatedSuspendedClosed() {
        List<AsyncGeneratorState> seen = new ArrayList<>();
        AsyncGenerator<Integer>[] self = new AsyncGenerator[1];
        self[0] = Aio.asyncGenerator(out -> {
            seen.add(self[0].state());
            out.yield(1);
        });
        AsyncGenerator<Integer> g = self[0];
        seen.add(g.state());
        g.anext();
        seen.add(g.state());
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
        seen.add(g.state());
        assertThat(seen).containsExactly(AsyncGeneratorState.CREATED, AsyncGeneratorState.RUNNING,
                AsyncGeneratorState.SUSPENDED, AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void anextAfterTheEndKeepsThrowingStopAsyncIteration() {
        AsyncGenerator<Integer> g = countTo(1, new ArrayList<>());
        assertThat(g.anext()).isEqualTo(1);
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class).hasMessageContaining("'count' has ended");
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void aSecondForLoopContinuesWhereTheFirstBrokeOff() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(4, trace);
        List<Integer> first = new ArrayList<>();
        for (int v : g) {
            first.add(v);
            if (v == 2) {
                break;
            }
        }
        List<Integer> rest = new ArrayList<>();
        for (int v : g) {
            rest.add(v);
        }
        assertThat(first).containsExactly(1, 2);
        assertThat(rest).containsExactly(3, 4);
    }

    @AioTest
    void theBodysExceptionReachesTheConsumerUnchangedAndEndsTheGenerator() {
        IOException boom = new IOException("page 2 failed");
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            out.yield(1);
            Aio.sleep(1);
            throw boom;
        });
        assertThat(g.anext()).isEqualTo(1);
        assertThatThrownBy(g::anext).isSameAs(boom);
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void stopAsyncIterationEscapingTheBodyBecomesIllegalState() {
        AsyncGenerator<Integer> inner = Aio.asyncGenerator(out -> { });
        AsyncGenerator<Integer> g = Aio.asyncGenerator("outer", out -> out.yield(inner.anext()));
        assertThatThrownBy(g::anext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'outer' raised StopAsyncIteration")
                .hasCauseInstanceOf(StopAsyncIteration.class);
    }

    // ================================================================ asend / athrow / aclose

    @AioTest
    void asendResumesTheYieldWithTheSentValue() {
        List<Object> got = new ArrayList<>();
        AsyncGenerator<String> g = Aio.asyncGenerator(out -> {
            Object x = out.yield("ready");
            while (x != null) {
                got.add(x);
                x = out.yield("got " + x);
            }
        });
        assertThat(g.asend(null)).isEqualTo("ready");
        assertThat(g.asend("a")).isEqualTo("got a");
        assertThat(g.asend(2)).isEqualTo("got 2");
        assertThatThrownBy(() -> g.asend(null)).isInstanceOf(StopAsyncIteration.class);
        assertThat(got).containsExactly("a", 2);
    }

    @AioTest
    void asendOfAValueToAFreshGeneratorIsRefused() {
        AsyncGenerator<Integer> g = countTo(2, new ArrayList<>());
        assertThatThrownBy(() -> g.asend("x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("before it started");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CREATED);
        assertThat(g.anext()).isEqualTo(1);
        g.aclose();
    }

    @AioTest
    void athrowRaisesAtTheYieldAndReturnsTheNextValueIfCaught() {
        AsyncGenerator<String> g = Aio.asyncGenerator(out -> {
            try {
                out.yield("first");
            } catch (IllegalArgumentException e) {
                out.yield("caught " + e.getMessage());
            }
        });
        assertThat(g.anext()).isEqualTo("first");
        assertThat(g.athrow(new IllegalArgumentException("bad"))).isEqualTo("caught bad");
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void athrowNotCaughtPropagatesAndEndsTheGenerator() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(3, trace);
        g.anext();
        IOException e = new IOException("stop");
        assertThatThrownBy(() -> g.athrow(e)).isSameAs(e);
        assertThat(trace).containsExactly("finally");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void athrowOnAFreshGeneratorClosesItWithoutRunningTheBody() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(3, trace);
        IOException e = new IOException("early");
        assertThatThrownBy(() -> g.athrow(e)).isSameAs(e);
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        assertThat(trace).isEmpty();
    }

    @AioTest
    void athrowOnAnEndedGeneratorThrowsStopAsyncIteration() {
        AsyncGenerator<Integer> g = countTo(0, new ArrayList<>());
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
        assertThatThrownBy(() -> g.athrow(new IOException("late"))).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void athrowOfNullIsRefused() {
        AsyncGenerator<Integer> g = countTo(1, new ArrayList<>());
        assertThatThrownBy(() -> g.athrow(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("athrow(null)");
    }

    @AioTest
    void acloseThrowsGeneratorExitAtTheYieldAndWaitsForAFinallyThatAwaits(TestLoop test) {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            try {
                out.yield(1);
                out.yield(2);
            } catch (GeneratorExit exit) {
                trace.add("GeneratorExit");
                throw exit;
            } finally {
                Aio.sleep(5);
                trace.add("cleaned up at " + test.time());
            }
        });
        assertThat(g.anext()).isEqualTo(1);
        g.aclose();
        assertThat(trace).containsExactly("GeneratorExit", "cleaned up at 5.0");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        g.aclose(); // again: nothing
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void acloseOfAFreshGeneratorClosesItWithoutRunningTheBody() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(3, trace);
        g.aclose();
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        assertThat(trace).isEmpty();
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void acloseFailsWhenTheBodyYieldsInsteadOfLettingGeneratorExitPropagate() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator("stubborn", out -> {
            try {
                out.yield(1);
            } finally {
                out.yield(2);
            }
        });
        g.anext();
        assertThatThrownBy(g::aclose).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'stubborn' ignored GeneratorExit");
    }

    @AioTest
    void acloseRethrowsAnExceptionTheFinallyBlockThrows() {
        IOException e = new IOException("cleanup failed");
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            try {
                out.yield(1);
            } finally {
                Aio.sleep(1);
                throw e;
            }
        });
        g.anext();
        assertThatThrownBy(g::aclose).isSameAs(e);
    }

    @AioTest
    void tryWithResourcesClosesTheGeneratorWhenTheLoopBreaks() {
        List<String> trace = new ArrayList<>();
        try (AsyncGenerator<Integer> g = countTo(10, trace)) {
            for (int v : g) {
                if (v == 2) {
                    break;
                }
            }
            trace.add("after break");
        }
        assertThat(trace).containsExactly("after break", "finally");
    }

    // ================================================================ push

    @AioTest
    void forEachRunsTheActionOnEveryValueInTheConsumersCoroutine(TestLoop test) {
        List<String> trace = new ArrayList<>();
        countTo(3, trace).forEach(v -> {
            Aio.sleep(1);
            trace.add(v + "@" + test.time());
        });
        assertThat(trace).containsExactly("1@2.0", "2@4.0", "3@6.0", "finally");
    }

    @AioTest
    void forEachWhileStopsTheBodyAndRunsItsFinallyBeforeReturning() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(10, trace);
        g.forEachWhile(v -> {
            trace.add("got " + v);
            return v < 2;
        });
        trace.add("returned");
        assertThat(trace).containsExactly("got 1", "got 2", "finally", "returned");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void anExceptionOfTheForEachActionClosesTheBodyAndPropagates() {
        List<String> trace = new ArrayList<>();
        IOException e = new IOException("consumer failed");
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            try {
                out.yield(1);
            } catch (Exception notMine) {
                trace.add("body saw the consumer's exception");
            } catch (GeneratorExit exit) {
                trace.add("body got GeneratorExit");
                throw exit;
            }
        });
        assertThatThrownBy(() -> g.forEachWhile(v -> {
            throw e;
        })).isSameAs(e);
        assertThat(trace).containsExactly("body got GeneratorExit");
    }

    @AioTest
    void aFailingFinallyDuringForEachStopIsSuppressedUnderTheConsumersException() {
        IOException consumer = new IOException("consumer");
        IOException cleanup = new IOException("cleanup");
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
            try {
                out.yield(1);
            } finally {
                throw cleanup;
            }
        });
        assertThatThrownBy(() -> g.forEachWhile(v -> {
            throw consumer;
        })).isSameAs(consumer).hasSuppressedException(cleanup);
    }

    @AioTest
    void forEachOnAGeneratorAlreadyPulledFinishesItByPullingAndClosesIt() {
        List<String> trace = new ArrayList<>();
        AsyncGenerator<Integer> g = countTo(4, trace);
        assertThat(g.anext()).isEqualTo(1);
        List<Integer> rest = new ArrayList<>();
        g.forEachWhile(v -> {
            rest.add(v);
            return v < 3;
        });
        assertThat(rest).containsExactly(2, 3);
        assertThat(trace).containsExactly("finally");
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void forEachAfterTheEndDoesNothing() {
        AsyncGenerator<Integer> g = countTo(1, new ArrayList<>());
        assertThat(g.toList()).containsExactly(1);
        List<Integer> again = new ArrayList<>();
        g.forEach(again::add);
        assertThat(again).isEmpty();
    }

    @AioTest
    void aBodyThatYieldsAfterGeneratorExitInForEachFailsWithIgnoredGeneratorExit() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator("stubborn", out -> {
            try {
                out.yield(1);
            } finally {
                out.yield(2);
            }
        });
        assertThatThrownBy(() -> g.forEachWhile(v -> false)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'stubborn' ignored GeneratorExit");
    }

    // ================================================================ misuse

    @AioTest
    void aGeneratorIteratedFromTwoTasksAtOnceFailsFast() {
        AsyncGenerator<Integer> g = countTo(3, new ArrayList<>());
        Task<Integer> first = Aio.createTask(Aio.async(g::anext));
        Aio.sleep(0.5); // first is inside the body's sleep
        assertThatThrownBy(g::anext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("anext(): the async generator 'count' is already running");
        assertThat(Aio.await(first)).isEqualTo(1);
        g.aclose();
    }

    @AioTest
    void forEachFromASecondTaskWhileTheFirstPullsFailsFast() {
        AsyncGenerator<Integer> g = countTo(3, new ArrayList<>());
        Task<Integer> first = Aio.createTask(Aio.async(g::anext));
        Aio.sleep(0.5);
        assertThatThrownBy(() -> g.forEach(v -> { })).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
        Aio.await(first);
        g.aclose();
    }

    @AioTest
    void aGeneratorMayBeResumedByAnotherTaskOnceSuspended() {
        AsyncGenerator<Integer> g = countTo(3, new ArrayList<>());
        assertThat(Aio.await(Aio.createTask(Aio.async(g::anext)))).isEqualTo(1);
        assertThat(Aio.await(Aio.createTask(Aio.async(g::anext)))).isEqualTo(2);
        assertThat(g.anext()).isEqualTo(3);
        assertThatThrownBy(g::anext).isInstanceOf(StopAsyncIteration.class);
    }

    @AioTest
    void theBodyAskingItselfForAValueFailsFast() {
        AsyncGenerator<Integer>[] self = new AsyncGenerator[1];
        self[0] = Aio.asyncGenerator("self", out -> out.yield(self[0].anext()));
        assertThatThrownBy(self[0]::anext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("already running");
    }

    @AioTest
    void yieldOutsideTheBodyIsRefused() {
        Yielder<Integer>[] leaked = new Yielder[1];
        AsyncGenerator<Integer> g = Aio.asyncGenerator("leaky", out -> {
            leaked[0] = out;
            out.yield(1);
        });
        g.anext();
        assertThatThrownBy(() -> leaked[0].yield(2)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside the body of the async generator 'leaky'");
        g.aclose();
    }

    @org.junit.jupiter.api.Test
    void anextOutsideACoroutineIsRefused() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> out.yield(1));
        assertThatThrownBy(g::anext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AsyncGenerator.anext");
        assertThatThrownBy(g::toList).isInstanceOf(IllegalStateException.class);
    }

    @org.junit.jupiter.api.Test
    void aGeneratorStartedOnOneLoopCannotBeResumedOnAnother() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator("bound", out -> {
            out.yield(1);
            out.yield(2);
        });
        Aio.run(Aio.async(() -> {
            g.anext();
        }));
        // The first loop's shutdown closed it, so build a fresh one and keep its first loop running.
        AsyncGenerator<Integer> h = Aio.asyncGenerator("bound", out -> {
            out.yield(1);
            out.yield(2);
        });
        try (Runner first = Runner.create(); Runner second = Runner.create()) {
            first.run(Aio.async(() -> h.anext()));
            assertThatThrownBy(() -> second.run(Aio.async(() -> h.anext()))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("belongs to");
        }
        assertThat(g.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @AioTest
    void aNamelessGeneratorGetsANumberedName() {
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> { });
        assertThat(g.getName()).startsWith("async-generator-");
        assertThat(g.toString()).contains(g.getName()).contains("created");
    }

    @AioTest
    void nullArgumentsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> Aio.asyncGenerator(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("asyncGenerator(null)");
        AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> { });
        assertThatThrownBy(() -> g.forEach(null)).hasMessageContaining("forEach(null)");
        assertThatThrownBy(() -> g.map(null)).hasMessageContaining("map(null)");
        assertThatThrownBy(() -> g.filter(null)).hasMessageContaining("filter(null)");
        assertThatThrownBy(() -> g.take(-1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
    }
}
