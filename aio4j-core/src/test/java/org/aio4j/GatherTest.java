package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Aio#gather}: order of results, failures, cancellation, duplicates, timing. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GatherTest {

    private static Coro<String> after(double seconds, String value) {
        return Aio.async(() -> Aio.sleep(seconds, value));
    }

    @Test
    void resultsAreInArgumentOrderWhateverTheCompletionOrder() {
        List<String> results = VirtualRun.run(() -> Aio.await(Aio.gather(
                after(3.0, "slow"), after(1.0, "fast"), after(2.0, "medium"))));
        assertThat(results).containsExactly("slow", "fast", "medium");
    }

    @Test
    void gatherAcceptsCoroutinesTasksAndFuturesMixed() {
        List<Object> results = VirtualRun.run(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Object> f = loop.createFuture();
            loop.callLater(1.0, () -> f.setResult("future"));
            Task<Object> t = Aio.createTask(Aio.async(() -> Aio.sleep(0.5, "task")));
            Coro<Object> c = Aio.async(() -> "coroutine");
            return Aio.await(Aio.gather(List.<Awaitable<Object>>of(c, t, f)));
        });
        assertThat(results).containsExactly("coroutine", "task", "future");
    }

    @Test
    void gatherWrapsCoroutinesInTasks() {
        VirtualRun.run(() -> {
            Task<?> main = Aio.currentTask();
            List<Task<?>> ran = Aio.await(Aio.gather(Aio.async(Aio::currentTask), Aio.async(Aio::currentTask)));
            assertThat(ran).doesNotContain(main).doesNotHaveDuplicates();
        });
    }

    @Test
    void emptyGatherIsAnAlreadyDoneEmptyList() {
        VirtualRun.run(() -> {
            Future<List<Object>> g = Aio.gather();
            assertThat(g.done()).isTrue();
            assertThat(g.result()).isEmpty();
            assertThat(Aio.await(Aio.gather(List.<Awaitable<Object>>of()))).isEmpty();
            assertThat(Aio.await(Aio.gather(true))).isEmpty();
        });
    }

    @Test
    void gatheredSleepsOverlapWhileSequentialAwaitsAddUp() {
        double gathered = VirtualRun.run(() -> {
            Aio.await(Aio.gather(after(2.0, "a"), after(1.0, "b"), after(1.5, "c")));
            return VirtualRun.now();
        });
        double sequential = VirtualRun.run(() -> {
            Aio.await(after(2.0, "a"));
            Aio.await(after(1.0, "b"));
            Aio.await(after(1.5, "c"));
            return VirtualRun.now();
        });
        assertThat(gathered).isEqualTo(2.0);
        assertThat(sequential).isEqualTo(4.5);
    }

    @Test
    void firstFailurePropagatesWhileTheOthersKeepRunning() {
        IOException boom = new IOException("first failure");
        VirtualRun.run(() -> {
            Task<String> sibling = Aio.createTask(after(2.0, "sibling done"));
            Future<List<String>> g = Aio.gather(Aio.async(() -> {
                Aio.sleep(1.0);
                throw boom;
            }), sibling);
            assertThatThrownBy(() -> Aio.await(g)).isSameAs(boom);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
            assertThat(sibling.done()).isFalse();
            assertThat(Aio.await(sibling)).isEqualTo("sibling done");
            assertThat(VirtualRun.now()).isEqualTo(2.0);
        });
    }

    @Test
    void laterFailuresAfterTheFirstAreNotReportedAsUnretrieved() {
        List<ExceptionContext> reports = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            runner.run(Aio.async(() -> {
                Future<List<Object>> g = Aio.gather(Aio.async(() -> {
                    Aio.sleep(1.0);
                    throw new IllegalStateException("first");
                }), Aio.async(() -> {
                    Aio.sleep(2.0);
                    throw new IllegalStateException("second");
                }));
                assertThatThrownBy(() -> Aio.await(g)).hasMessage("first");
                Aio.sleep(5.0);
            }));
        } // closing the loop reports what nobody retrieved
        assertThat(reports).isEmpty();
    }

    @Test
    void returnExceptionsPutsFailuresAndCancellationsInPlace() {
        IOException boom = new IOException("boom");
        List<Object> results = VirtualRun.run(() -> {
            Task<String> cancelled = Aio.createTask(after(5.0, "never"));
            Aio.createTask(Aio.async(() -> {
                Aio.sleep(1.0);
                cancelled.cancel("stop");
            }));
            return Aio.await(Aio.gather(true,
                    after(2.0, "ok"),
                    Aio.async(() -> {
                        throw boom;
                    }),
                    cancelled));
        });
        assertThat(results).hasSize(3);
        assertThat(results.get(0)).isEqualTo("ok");
        assertThat(results.get(1)).isSameAs(boom);
        assertThat(results.get(2)).isInstanceOf(CancelledError.class);
        assertThat((Throwable) results.get(2)).hasMessage("stop");
    }

    @Test
    void cancellingTheGatherCancelsAllChildren() {
        VirtualRun.run(() -> {
            Task<String> a = Aio.createTask(after(10.0, "a"));
            Task<String> b = Aio.createTask(after(10.0, "b"));
            Task<String> done = Aio.createTask(Aio.async(() -> "already done"));
            Future<List<String>> g = Aio.gather(a, b, done);
            Aio.sleep(1.0);
            assertThat(g.cancel("enough")).isTrue();
            assertThat(a.cancelling()).isEqualTo(1);
            assertThatThrownBy(() -> Aio.await(g)).isInstanceOf(CancelledError.class);
            assertThat(a.cancelled()).isTrue();
            assertThat(b.cancelled()).isTrue();
            assertThat(done.cancelled()).isFalse();
            assertThat(g.cancel()).isFalse();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void cancellingTheTaskAwaitingAGatherCancelsAllChildren() {
        VirtualRun.run(() -> {
            Task<String> a = Aio.createTask(after(10.0, "a"));
            Task<String> b = Aio.createTask(after(10.0, "b"));
            Task<List<String>> waiter = Aio.createTask(Aio.async(() -> Aio.await(Aio.gather(a, b))));
            Aio.sleep(1.0);
            waiter.cancel();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
            assertThat(waiter.cancelled()).isTrue();
            assertThat(a.cancelled()).isTrue();
            assertThat(b.cancelled()).isTrue();
        });
    }

    @Test
    void cancellingAGatherWhoseChildrenAreAllDoneReturnsFalse() {
        VirtualRun.run(() -> {
            Task<String> a = Aio.createTask(Aio.async(() -> "a"));
            Aio.sleep(0);
            Future<List<String>> g = Aio.gather(a);
            assertThat(g.cancel()).isFalse();
            assertThat(Aio.await(g)).containsExactly("a");
        });
    }

    @Test
    void cancelledChildMakesTheGatherRaiseCancelledError() {
        VirtualRun.run(() -> {
            Task<String> victim = Aio.createTask(after(10.0, "victim"));
            Task<String> other = Aio.createTask(after(2.0, "other"));
            Future<List<String>> g = Aio.gather(victim, other);
            Aio.sleep(1.0);
            victim.cancel("child cancelled");
            assertThatThrownBy(() -> Aio.await(g)).isInstanceOf(CancelledError.class).hasMessage("child cancelled");
            assertThat(other.done()).isFalse();
            assertThat(Aio.await(other)).isEqualTo("other");
        });
    }

    @Test
    void sameCoroutinePassedTwiceRunsOnceAndAppearsTwice() {
        AtomicInteger runs = new AtomicInteger();
        List<Integer> results = VirtualRun.run(() -> {
            Coro<Integer> c = Aio.async(() -> {
                Aio.sleep(1.0);
                return runs.incrementAndGet();
            });
            return Aio.await(Aio.gather(c, c));
        });
        assertThat(results).containsExactly(1, 1);
        assertThat(runs).hasValue(1);
    }

    @Test
    void sameFuturePassedTwiceAppearsTwice() {
        List<String> results = VirtualRun.run(() -> {
            Future<String> f = Aio.runningLoop().createFuture();
            Aio.runningLoop().callLater(1.0, () -> f.setResult("x"));
            return Aio.await(Aio.gather(f, Aio.async(() -> "y"), f));
        });
        assertThat(results).containsExactly("x", "y", "x");
    }

    @Test
    void gatherOfAFutureOfAnotherLoopThrowsIllegalArgument() {
        EventLoop other = EventLoop.create(Clock.virtual());
        try {
            Future<String> foreign = other.createFuture();
            VirtualRun.run(() -> {
                assertThatThrownBy(() -> Aio.gather(foreign))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another event loop");
            });
        } finally {
            other.close();
        }
    }

    @Test
    void gatherWithANullAwaitableThrowsNullPointer() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.gather(after(1.0, "x"), null)).isInstanceOf(NullPointerException.class);
        });
    }

    @Test
    void gatherOutsideARunningLoopThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.gather()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
    }

    @Test
    void gatherAcceptsAUserAwaitable() {
        Awaitable<String> custom = () -> Aio.sleep(1.0, "custom");
        List<String> results = VirtualRun.run(() -> Aio.await(Aio.gather(custom, after(0.5, "coro"))));
        assertThat(results).containsExactly("custom", "coro");
    }
}
