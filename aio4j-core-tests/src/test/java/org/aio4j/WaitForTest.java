package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;

/**
 * {@link Aio#waitFor}: results in time, expiry with cancellation and cleanup, zero timeouts, cancellation.
 * Runs on the aio4j-test kit: each {@code @AioTest} is the main task of a fresh loop on virtual time,
 * and fails if it leaves tasks, unretrieved failures or unawaited coroutines behind; the plain
 * {@code @Test} checks use outside any loop.
 */
class WaitForTest {

    private static Coro<String> after(double seconds, String value) {
        return Aio.async(() -> Aio.sleep(seconds, value));
    }

    @AioTest
    void resultInTimeIsReturned(TestLoop test) {
        assertThat(Aio.waitFor(after(1.0, "in time"), 2.0)).isEqualTo("in time");
        assertThat(test.time()).isEqualTo(1.0);
        Aio.sleep(5.0); // the deadline at 2.0 is gone
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void failureInTimePropagatesUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Aio.waitFor(Aio.async(() -> {
            Aio.sleep(1.0);
            throw boom;
        }), 2.0)).isSameAs(boom);
    }

    @AioTest
    void expiryCancelsTheTaskAndWaitsForItsCleanupBeforeRaisingTimeoutError(TestLoop test) {
        Task<String> t = Aio.createTask(Aio.async(() -> {
            try {
                return Aio.sleep(10.0, "not reached");
            } catch (CancelledError e) {
                test.expect(1);
                Aio.sleep(2.0); // cleanup that takes time
                test.expect(2);
                throw e;
            }
        }));
        assertThatThrownBy(() -> Aio.waitFor(t, 1.0)).isInstanceOf(TimeoutError.class)
                .hasCauseInstanceOf(CancelledError.class);
        test.expect(3);
        assertThat(t.cancelled()).isTrue();
        assertThat(test.time()).as("the deadline plus the cleanup").isEqualTo(3.0);
        assertThat(Aio.currentTask().cancelling()).isZero();
        test.finish(4);
    }

    @AioTest
    void expiryCancelsAPlainFuture(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> Aio.waitFor(f, 1.0)).isInstanceOf(TimeoutError.class);
        assertThat(f.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void coroutineArgumentRunsAsATaskOfItsOwnThatIsCancelledOnExpiry() {
        AtomicReference<Task<?>> ran = new AtomicReference<>();
        Task<?> main = Aio.currentTask();
        assertThatThrownBy(() -> Aio.waitFor(Aio.async(() -> {
            ran.set(Aio.currentTask());
            return Aio.sleep(10.0, "not reached");
        }), 1.0)).isInstanceOf(TimeoutError.class);
        assertThat(ran.get()).isNotNull().isNotSameAs(main);
        assertThat(ran.get().cancelled()).isTrue();
    }

    @AioTest
    void zeroTimeoutWithADoneFutureReturnsItsOutcome(EventLoop loop) {
        IOException boom = new IOException("boom");
        Future<String> ok = loop.createFuture();
        ok.setResult("done already");
        assertThat(Aio.waitFor(ok, 0.0)).isEqualTo("done already");
        assertThat(Aio.waitFor(ok, -1.0)).isEqualTo("done already");
        Future<String> failed = loop.createFuture();
        failed.setException(boom);
        assertThatThrownBy(() -> Aio.waitFor(failed, 0.0)).isSameAs(boom);
    }

    @AioTest
    void zeroTimeoutWithAPendingFutureCancelsItAndRaisesTimeoutError(TestLoop test, EventLoop loop) {
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> Aio.waitFor(f, 0.0)).isInstanceOf(TimeoutError.class)
                .hasCauseInstanceOf(CancelledError.class);
        assertThat(f.cancelled()).isTrue();
        assertThat(test.time()).isZero();
    }

    @AioTest
    void zeroTimeoutWithACoroutineCancelsItBeforeItRuns() {
        AtomicBoolean ran = new AtomicBoolean();
        assertThatThrownBy(() -> Aio.waitFor(Aio.async(() -> {
            ran.set(true);
            return "not reached";
        }), 0.0)).isInstanceOf(TimeoutError.class);
        assertThat(ran).isFalse();
    }

    @AioTest
    void zeroTimeoutWaitsForTheCleanupOfARunningTask(TestLoop test) {
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                Aio.sleep(1.0);
                throw e;
            }
        }));
        Aio.sleep(0); // t is running, parked in its sleep
        assertThatThrownBy(() -> Aio.waitFor(t, 0.0)).isInstanceOf(TimeoutError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void cancellationOfTheWaiterInTheIterationTheWorkCompletesIsNotSwallowed(EventLoop loop) {
        // Deliberate difference from asyncio 3.11, whose wait_for returns the result here and so loses
        // the caller's cancellation.
        Future<String> work = loop.createFuture();
        Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.waitFor(work, 5.0)));
        loop.callLater(1.0, () -> work.setResult("done"));
        loop.callLater(1.0, () -> waiter.cancel("from outside"));
        assertThatThrownBy(() -> Aio.await(waiter)).isExactlyInstanceOf(CancelledError.class);
        assertThat(waiter.cancelled()).isTrue();
        assertThat(work.result()).isEqualTo("done");
    }

    @AioTest
    void externalCancellationDuringAZeroTimeoutCleanupRaisesCancelledError() {
        // As CPython: the waiter's own cancellation is not turned into a TimeoutError.
        Task<Void> inner = Aio.createTask(workWithTwoSecondCleanup());
        Task<Void> waiter = Aio.createTask(Aio.async(() -> Aio.waitFor(inner, 0.0)));
        Aio.sleep(1.0);
        waiter.cancel("from outside");
        assertThatThrownBy(() -> Aio.await(waiter)).isExactlyInstanceOf(CancelledError.class);
        assertThat(waiter.cancelled()).isTrue();
        assertThatThrownBy(() -> Aio.await(inner)).isInstanceOf(CancelledError.class); // its cleanup ends at 2.0
    }

    @AioTest
    void externalCancellationDuringTheCleanupAfterExpiryRaisesCancelledError() {
        Task<Void> inner = Aio.createTask(workWithTwoSecondCleanup());
        Task<Void> waiter = Aio.createTask(Aio.async(() -> Aio.waitFor(inner, 1.0)));
        Aio.sleep(2.0); // expired at 1.0; the inner task is cleaning up until 3.0
        waiter.cancel("from outside");
        assertThatThrownBy(() -> Aio.await(waiter)).isExactlyInstanceOf(CancelledError.class);
        assertThat(waiter.cancelled()).isTrue();
        assertThatThrownBy(() -> Aio.await(inner)).isInstanceOf(CancelledError.class); // its cleanup ends at 3.0
    }

    @AioTest
    void taskThatSwallowsTheCancellationHasItsValueReturned() {
        // As in CPython (3.11 and the timeout-based 3.12+): the awaitable ended with a value, not cancelled.
        String v = Aio.waitFor(Aio.async(() -> {
            try {
                return Aio.sleep(10.0, "finished");
            } catch (CancelledError e) {
                return "swallowed";
            }
        }), 1.0);
        assertThat(v).isEqualTo("swallowed");
        assertThat(Aio.currentTask().cancelling()).isZero();
        Aio.sleep(1.0); // no cancellation left pending
    }

    @AioTest
    void completionAtTheSameInstantAsTheDeadlineKeepsTheResult(TestLoop test, EventLoop loop) {
        // Deliberate difference from asyncio 3.12+ (whose wait_for is built on timeout() and raises
        // TimeoutError here, losing the result): the future completed at the very instant of the
        // deadline (its timer was scheduled first, so it ran first), and its outcome is returned.
        Future<String> f = loop.createFuture();
        loop.callLater(1.0, () -> f.setResult("just in time"));
        assertThat(Aio.waitFor(f, 1.0)).isEqualTo("just in time");
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void failureAtTheSameInstantAsTheDeadlineIsRaisedInsteadOfTimeoutError(EventLoop loop) {
        // The same deliberate difference as above, for an exception outcome.
        IOException boom = new IOException("failed just in time");
        Future<String> f = loop.createFuture();
        loop.callLater(1.0, () -> f.setException(boom));
        assertThatThrownBy(() -> Aio.waitFor(f, 1.0)).isSameAs(boom);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void externalCancellationOfTheWaiterCancelsTheInnerTaskAndRaisesCancelledError(TestLoop test) {
        Task<String> inner = Aio.createTask(after(10.0, "inner"));
        Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.waitFor(inner, 5.0)));
        Aio.sleep(1.0);
        waiter.cancel("stop");
        assertThatThrownBy(() -> Aio.await(waiter)).isExactlyInstanceOf(CancelledError.class)
                .hasMessage("stop");
        assertThat(waiter.cancelled()).isTrue();
        assertThat(inner.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest(virtualTimeout = 1e7) // waits 2e6 virtual seconds, past the default virtual day
    void infiniteTimeoutWaitsAsLongAsItTakes(TestLoop test) {
        assertThat(Aio.waitFor(after(1e6, "a"), Double.POSITIVE_INFINITY)).isEqualTo("a");
        assertThat(Aio.waitFor(after(1e6, "b"), (Duration) null)).isEqualTo("b");
        assertThat(test.time()).isEqualTo(2e6);
    }

    @AioTest
    void durationTimeoutExpiresLikeSeconds(TestLoop test) {
        assertThat(Aio.waitFor(after(0.5, "in time"), Duration.ofSeconds(1))).isEqualTo("in time");
        assertThatThrownBy(() -> Aio.waitFor(after(5.0, "late"), Duration.ofMillis(250)))
                .isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(0.75);
    }

    @Test
    void waitForOutsideACoroutineThrowsIllegalState() {
        Future<String> f = EventLoop.create(Clock.virtual()).createFuture();
        try {
            assertThatThrownBy(() -> Aio.waitFor(f, 1.0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside a coroutine");
        } finally {
            f.getLoop().close();
        }
    }

    @AioTest
    void waitForRejectsNullAndNaN(EventLoop loop) {
        assertThatThrownBy(() -> Aio.waitFor((Awaitable<Object>) null, 1.0)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Aio.waitFor((CompletionStage<Object>) null, 1.0))
                .isInstanceOf(NullPointerException.class);
        Future<String> f = loop.createFuture();
        assertThatThrownBy(() -> Aio.waitFor(f, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(f.done()).isFalse();
    }

    /** Sleeps 10 s; cancelled, it takes 2 s to clean up, then ends cancelled. */
    private static Coro<Void> workWithTwoSecondCleanup() {
        return Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                Aio.sleep(2.0);
                throw e;
            }
        });
    }
}
