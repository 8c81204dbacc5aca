package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#shield}: the waiter can be cancelled, the shielded work cannot (through it).
 * The {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual time, failing on anything
 * left behind); the plain {@code @Test}s are those the kit cannot host, each saying why.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ShieldTest {

    @AioTest
    void cancellingTheWaiterDoesNotCancelTheShieldedTask(TestLoop test) {
        Task<String> inner = Aio.createTask(Aio.async(() -> Aio.sleep(2.0, "inner done")));
        Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.await(Aio.shield(inner))));
        Aio.sleep(1.0);
        waiter.cancel();
        assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
        assertThat(waiter.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(inner.done()).isFalse();
        assertThat(inner.cancelling()).isZero();
        assertThat(Aio.await(inner)).isEqualTo("inner done");
        assertThat(test.time()).isEqualTo(2.0);
    }

    @AioTest
    void shieldedCoroutineRunsAsATaskThatKeepsRunningAfterTheWaiterIsCancelled(TestLoop test) {
        Task<Void> waiter = Aio.createTask(Aio.async(() -> {
            Aio.await(Aio.shield(Aio.async(() -> {
                test.expect(1);
                Aio.sleep(2.0);
                test.expect(3);
            })));
            fail("not reached");
        }));
        Aio.sleep(1.0);
        waiter.cancel();
        assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
        test.expect(2);
        Aio.sleep(5.0);
        test.expect(4);
        test.finish(5);
    }

    @AioTest
    void resultOfTheShieldedWorkPassesThrough() {
        String v = Aio.await(Aio.shield(Aio.async(() -> Aio.sleep(1.0, "value"))));
        assertThat(v).isEqualTo("value");
    }

    @AioTest
    void shieldOfADoneFutureReturnsThatFuture(EventLoop loop) {
        Future<String> done = loop.createFuture();
        done.setResult("done");
        assertThat(Aio.shield(done)).isSameAs(done);
        Task<String> finished = Aio.createTask(Aio.async(() -> "finished"));
        Aio.await(finished);
        assertThat(Aio.shield(finished)).isSameAs(finished);
    }

    @AioTest
    void shieldOfAPendingFutureIsANewFuture(EventLoop loop) {
        Future<String> pending = loop.createFuture();
        Future<String> outer = Aio.shield(pending);
        assertThat(outer).isNotSameAs(pending);
        assertThat(outer.done()).isFalse();
        pending.setResult("x");
        assertThat(Aio.await(outer)).isEqualTo("x");
    }

    @AioTest
    void failureOfTheShieldedWorkPropagates() {
        IOException boom = new IOException("boom");
        Future<String> outer = Aio.shield(Aio.async(() -> {
            Aio.sleep(1.0);
            throw boom;
        }));
        assertThatThrownBy(() -> Aio.await(outer)).isSameAs(boom);
    }

    @AioTest
    void cancelledShieldedTaskCancelsTheOuterFuture() {
        Task<String> inner = Aio.createTask(Aio.async(() -> Aio.sleep(10.0, "not reached")));
        Future<String> outer = Aio.shield(inner);
        Aio.sleep(1.0);
        inner.cancel();
        assertThatThrownBy(() -> Aio.await(outer)).isInstanceOf(CancelledError.class);
        assertThat(outer.cancelled()).isTrue();
    }

    @AioTest
    void cancellingTheOuterFutureDirectlyLeavesTheInnerRunning() {
        Task<String> inner = Aio.createTask(Aio.async(() -> Aio.sleep(2.0, "inner done")));
        Future<String> outer = Aio.shield(inner);
        assertThat(outer.cancel()).isTrue();
        assertThat(Aio.await(inner)).isEqualTo("inner done");
        assertThat(inner.cancelled()).isFalse();
    }

    // Stays on a plain Runner: it checks the "never retrieved" report, which the kit would fail.
    @Test
    void shieldedWorkFailingAfterTheWaiterLeftIsReportedAsNeverRetrieved() {
        // As CPython 3.11 (checked): once the outer future is cancelled, nobody reads the inner outcome,
        // so a later failure of the shielded work is reported instead of vanishing.
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            runner.run(Aio.async(() -> {
                Task<Void> waiter = Aio.createTask(Aio.async(() -> {
                    Aio.await(Aio.shield(Aio.async(() -> {
                        Aio.sleep(2.0);
                        throw new IllegalStateException("late failure");
                    })));
                }));
                Aio.sleep(1.0);
                waiter.cancel();
                assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
                Aio.sleep(5.0); // the shielded work fails meanwhile
            }));
        }
        assertThat(reports).singleElement().satisfies(ctx -> {
            assertThat(ctx.message()).contains("never retrieved");
            assertThat(ctx.exception()).hasMessage("late failure");
        });
    }

    // Stays on VirtualRun: half of it runs outside any loop, where an @AioTest body never is.
    @Test
    void shieldWithNullOrOutsideARunningLoopIsRejected() {
        Coro<String> c = Aio.async(() -> "x");
        assertThatThrownBy(() -> Aio.shield(c)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no running event loop");
        c.close(); // not reported as never awaited
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.shield((Awaitable<Object>) null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> Aio.shield((CompletionStage<Object>) null))
                    .isInstanceOf(NullPointerException.class);
        });
    }
}
