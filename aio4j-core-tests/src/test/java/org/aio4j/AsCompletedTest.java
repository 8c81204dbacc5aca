package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#asCompleted}: completion order, the original objects, timeouts, one pass. The plain
 * {@code for} loop yielding the original tasks is Python 3.13's {@code async for} form (3.11 yields
 * new coroutines to await).
 * The {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual time, failing on anything
 * left behind); the plain {@code @Test} is one the kit cannot host, saying why.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsCompletedTest {

    private static Task<String> after(double seconds, String value) {
        return Aio.createTask(Aio.async(() -> Aio.sleep(seconds, value)));
    }

    @AioTest
    void yieldsInCompletionOrder(TestLoop test) {
        List<String> seen = new ArrayList<>();
        for (Future<String> f : Aio.asCompleted(List.of(after(3.0, "c"), after(1.0, "a"), after(2.0, "b")))) {
            seen.add(f.result() + "@" + test.time());
        }
        assertThat(seen).containsExactly("a@1.0", "b@2.0", "c@3.0");
    }

    @AioTest
    void yieldsTheOriginalTasksAndFutures() {
        // Python 3.13's async-for form; a deliberate choice over 3.11, which yields wrapper coroutines.
        Task<String> t = after(2.0, "task");
        Future<String> f = Aio.runningLoop().createFuture();
        Aio.runningLoop().callLater(1.0, () -> f.setResult("future"));
        List<Future<String>> yielded = new ArrayList<>();
        for (Future<String> done : Aio.asCompleted(List.<Awaitable<String>>of(t, f))) {
            yielded.add(done);
        }
        assertThat(yielded).containsExactly(f, t);
    }

    @AioTest
    void coroutinesAreWrappedInTasksStartedAtOnce(TestLoop test) {
        Task<?> main = Aio.currentTask();
        Iterable<Future<Task<?>>> it = Aio.asCompleted(List.of(
                Aio.async(() -> Aio.sleep(2.0, Aio.currentTask())),
                Aio.async(() -> Aio.sleep(1.0, Aio.currentTask()))));
        Aio.sleep(5.0); // the tasks run before the iteration starts
        List<Future<Task<?>>> yielded = new ArrayList<>();
        for (Future<Task<?>> done : it) {
            yielded.add(done);
        }
        assertThat(test.time()).isEqualTo(5.0);
        assertThat(yielded).hasSize(2).allSatisfy(done -> {
            assertThat(done).isInstanceOf(Task.class);
            assertThat(done.result()).as("each coroutine ran as its own task, which is yielded")
                    .isSameAs(done).isNotSameAs(main);
        });
    }

    @AioTest
    void failuresAreYieldedNotRaised() {
        IOException boom = new IOException("boom");
        Task<String> failing = Aio.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            throw boom;
        }));
        Task<String> ok = after(2.0, "ok");
        Iterator<Future<String>> it = Aio.asCompleted(List.of(ok, failing)).iterator();
        assertThat(it.next()).isSameAs(failing);
        assertThatThrownBy(failing::result).isSameAs(boom);
        assertThat(it.next()).isSameAs(ok);
    }

    @AioTest
    void timeoutRaisesFromNextAfterYieldingThoseDoneBefore(TestLoop test) {
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
        assertThat(test.time()).isEqualTo(3.0);
        assertThat(slow.cancelling()).as("nothing is cancelled").isZero();
        assertThat(Aio.await(slow)).isEqualTo("slow");
    }

    @AioTest
    void futuresDoneBeforeTheTimeoutAreStillYieldedAfterIt() {
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
    }

    @AioTest
    void hasNextCountsWhatIsLeftToYield() {
        Iterator<Future<String>> it = Aio.asCompleted(List.of(after(1.0, "a"), after(2.0, "b"))).iterator();
        assertThat(it.hasNext()).isTrue();
        it.next();
        assertThat(it.hasNext()).isTrue();
        assertThat(it.hasNext()).as("hasNext does not consume").isTrue();
        it.next();
        assertThat(it.hasNext()).isFalse();
        assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
    }

    @AioTest
    void emptyCollectionYieldsNothing() {
        assertThat(Aio.asCompleted(List.<Awaitable<String>>of(), 1.0).iterator().hasNext()).isFalse();
    }

    @AioTest
    void duplicatesAreYieldedOnce() {
        Task<String> a = after(1.0, "a");
        List<Future<String>> yielded = new ArrayList<>();
        for (Future<String> f : Aio.asCompleted(List.of(a, a))) {
            yielded.add(f);
        }
        assertThat(yielded).containsExactly(a);
    }

    @AioTest
    void iteratingTwiceThrowsIllegalState() {
        Iterable<Future<String>> once = Aio.asCompleted(List.of(after(1.0, "a")));
        for (Future<String> f : once) {
            assertThat(f.result()).isEqualTo("a");
        }
        assertThatThrownBy(once::iterator).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("once");
    }

    @AioTest
    void alreadyDoneFuturesAreYieldedInArgumentOrder() {
        Future<String> x = Aio.runningLoop().createFuture();
        Future<String> y = Aio.runningLoop().createFuture();
        y.setResult("y");
        x.setResult("x");
        List<Future<String>> yielded = new ArrayList<>();
        for (Future<String> f : Aio.asCompleted(List.of(x, y))) {
            yielded.add(f);
        }
        assertThat(yielded).containsExactly(x, y);
    }

    // Stays on VirtualRun: half of it runs outside any loop, where an @AioTest body never is.
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

    @AioTest
    void badArgumentIsRejectedBeforeAnyTaskStarts() {
        Coro<String> first = Aio.async(() -> Aio.sleep(1.0, "first"));
        List<Awaitable<String>> args = new ArrayList<>();
        args.add(first);
        args.add(null);
        assertThatThrownBy(() -> Aio.asCompleted(args)).isInstanceOf(NullPointerException.class);
        assertThat(first.isCreated()).isTrue();
        assertThat(Aio.allTasks()).hasSize(1); // only the main task: no orphan left running
        first.close();
    }
}
