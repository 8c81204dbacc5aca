package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#asCompleted}: completion order, the original objects, timeouts, one pass. The plain
 * {@code for} loop yielding the original tasks is Python 3.13's {@code async for} form (3.11 yields
 * new coroutines to await).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsCompletedTest {

    private static Task<String> after(double seconds, String value) {
        return Aio.createTask(Aio.async(() -> Aio.sleep(seconds, value)));
    }

    @Test
    void yieldsInCompletionOrder() {
        List<String> seen = VirtualRun.run(() -> {
            List<String> order = new ArrayList<>();
            for (Future<String> f : Aio.asCompleted(List.of(after(3.0, "c"), after(1.0, "a"), after(2.0, "b")))) {
                order.add(f.result() + "@" + VirtualRun.now());
            }
            return order;
        });
        assertThat(seen).containsExactly("a@1.0", "b@2.0", "c@3.0");
    }

    @Test
    void yieldsTheOriginalTasksAndFutures() {
        // Python 3.13's async-for form; a deliberate choice over 3.11, which yields wrapper coroutines.
        VirtualRun.run(() -> {
            Task<String> t = after(2.0, "task");
            Future<String> f = Aio.runningLoop().createFuture();
            Aio.runningLoop().callLater(1.0, () -> f.setResult("future"));
            List<Future<String>> yielded = new ArrayList<>();
            for (Future<String> done : Aio.asCompleted(List.<Awaitable<String>>of(t, f))) {
                yielded.add(done);
            }
            assertThat(yielded).containsExactly(f, t);
        });
    }

    @Test
    void coroutinesAreWrappedInTasksStartedAtOnce() {
        VirtualRun.run(() -> {
            Task<?> main = Aio.currentTask();
            Iterable<Future<Task<?>>> it = Aio.asCompleted(List.of(
                    Aio.async(() -> Aio.sleep(2.0, Aio.currentTask())),
                    Aio.async(() -> Aio.sleep(1.0, Aio.currentTask()))));
            Aio.sleep(5.0); // the tasks run before the iteration starts
            List<Future<Task<?>>> yielded = new ArrayList<>();
            for (Future<Task<?>> done : it) {
                yielded.add(done);
            }
            assertThat(VirtualRun.now()).isEqualTo(5.0);
            assertThat(yielded).hasSize(2).allSatisfy(done -> {
                assertThat(done).isInstanceOf(Task.class);
                assertThat(done.result()).as("each coroutine ran as its own task, which is yielded")
                        .isSameAs(done).isNotSameAs(main);
            });
        });
    }

    @Test
    void failuresAreYieldedNotRaised() {
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            Task<String> failing = Aio.createTask(Aio.async(() -> {
                Aio.sleep(1.0);
                throw boom;
            }));
            Task<String> ok = after(2.0, "ok");
            Iterator<Future<String>> it = Aio.asCompleted(List.of(ok, failing)).iterator();
            assertThat(it.next()).isSameAs(failing);
            assertThatThrownBy(failing::result).isSameAs(boom);
            assertThat(it.next()).isSameAs(ok);
        });
    }

    @Test
    void timeoutRaisesFromNextAfterYieldingThoseDoneBefore() {
        VirtualRun.run(() -> {
            Task<String> a = after(1.0, "a");
            Task<String> b = after(2.0, "b");
            Task<String> slow = after(10.0, "slow");
            List<String> seen = new ArrayList<>();
            assertThatThrownBy(() -> {
                for (Future<String> f : Aio.asCompleted(List.of(slow, b, a), 3.0)) {
                    seen.add(f.result());
                }
            }).isInstanceOf(TimeoutError.class);
            assertThat(seen).containsExactly("a", "b");
            assertThat(VirtualRun.now()).isEqualTo(3.0);
            assertThat(slow.cancelling()).as("nothing is cancelled").isZero();
            assertThat(Aio.await(slow)).isEqualTo("slow");
        });
    }

    @Test
    void futuresDoneBeforeTheTimeoutAreStillYieldedAfterIt() {
        VirtualRun.run(() -> {
            Task<String> a = after(1.0, "a");
            Task<String> b = after(2.0, "b");
            Task<String> slow = after(10.0, "slow");
            Iterator<Future<String>> it = Aio.asCompleted(List.of(a, b, slow), 3.0).iterator();
            Aio.sleep(5.0); // a and b completed, then the timeout passed, before any next()
            assertThat(it.next()).isSameAs(a);
            assertThat(it.next()).isSameAs(b);
            assertThat(it.hasNext()).isTrue();
            assertThatThrownBy(it::next).isInstanceOf(TimeoutError.class);
            slow.cancel();
        });
    }

    @Test
    void hasNextCountsWhatIsLeftToYield() {
        VirtualRun.run(() -> {
            Iterator<Future<String>> it = Aio.asCompleted(List.of(after(1.0, "a"), after(2.0, "b"))).iterator();
            assertThat(it.hasNext()).isTrue();
            it.next();
            assertThat(it.hasNext()).isTrue();
            assertThat(it.hasNext()).as("hasNext does not consume").isTrue();
            it.next();
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
        });
    }

    @Test
    void emptyCollectionYieldsNothing() {
        VirtualRun.run(() -> {
            assertThat(Aio.asCompleted(List.<Awaitable<String>>of(), 1.0).iterator().hasNext()).isFalse();
        });
    }

    @Test
    void duplicatesAreYieldedOnce() {
        VirtualRun.run(() -> {
            Task<String> a = after(1.0, "a");
            List<Future<String>> yielded = new ArrayList<>();
            for (Future<String> f : Aio.asCompleted(List.of(a, a))) {
                yielded.add(f);
            }
            assertThat(yielded).containsExactly(a);
        });
    }

    @Test
    void iteratingTwiceThrowsIllegalState() {
        VirtualRun.run(() -> {
            Iterable<Future<String>> once = Aio.asCompleted(List.of(after(1.0, "a")));
            for (Future<String> f : once) {
                assertThat(f.result()).isEqualTo("a");
            }
            assertThatThrownBy(once::iterator).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("once");
        });
    }

    @Test
    void alreadyDoneFuturesAreYieldedInArgumentOrder() {
        VirtualRun.run(() -> {
            Future<String> x = Aio.runningLoop().createFuture();
            Future<String> y = Aio.runningLoop().createFuture();
            y.setResult("y");
            x.setResult("x");
            List<Future<String>> yielded = new ArrayList<>();
            for (Future<String> f : Aio.asCompleted(List.of(x, y))) {
                yielded.add(f);
            }
            assertThat(yielded).containsExactly(x, y);
        });
    }

    @Test
    void rejectsNullNaNAndUseOutsideARunningLoop() {
        Coro<String> c = Aio.async(() -> "x");
        assertThatThrownBy(() -> Aio.asCompleted(List.of(c))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
        c.close();
        VirtualRun.run(() -> {
            Future<String> f = Aio.runningLoop().createFuture();
            assertThatThrownBy(() -> Aio.asCompleted(List.of(f), Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            List<Future<String>> withNull = new ArrayList<>();
            withNull.add(null);
            assertThatThrownBy(() -> Aio.asCompleted(withNull)).isInstanceOf(NullPointerException.class);
        });
    }
}
