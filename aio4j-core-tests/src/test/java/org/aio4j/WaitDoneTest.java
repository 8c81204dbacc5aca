package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;

/**
 * {@link Aio#waitDone}: ReturnWhen modes, timeouts, the done and pending sets.
 * Runs on the aio4j-test kit: each {@code @AioTest} is the main task of a fresh loop on virtual time,
 * and fails if it leaves tasks, unretrieved failures or unawaited coroutines behind; the plain
 * {@code @Test} checks use outside any loop.
 */
class WaitDoneTest {

    private static Task<String> after(double seconds, String value) {
        return Aio.createTask(Aio.async(() -> Aio.sleep(seconds, value)));
    }

    private static Task<String> failAfter(double seconds, Exception e) {
        return Aio.createTask(Aio.async(() -> {
            Aio.sleep(seconds);
            throw e;
        }));
    }

    @AioTest
    void allCompletedWaitsForEveryFuture(TestLoop test) {
        Task<String> a = after(2.0, "a");
        Task<String> b = after(1.0, "b");
        Task<String> c = failAfter(1.5, new IOException("c"));
        WaitResult<String> r = Aio.waitDone(List.of(a, b, c));
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(a, b, c);
        assertThat(r.pending()).isEmpty();
        assertThat(c.exception()).hasMessage("c"); // waitDone never raises the futures' failures
    }

    @AioTest
    void firstCompletedReturnsWhenAnyIsDone(TestLoop test) {
        Task<String> slow = after(3.0, "slow");
        Task<String> fast = after(1.0, "fast");
        WaitResult<String> r = Aio.waitDone(List.of(slow, fast), ReturnWhen.FIRST_COMPLETED);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(r.done()).containsExactly(fast);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(slow.cancelling()).as("pending ones are left running").isZero();
        assertThat(Aio.await(slow)).isEqualTo("slow");
    }

    @AioTest
    void firstCompletedCountsACancellationAsCompletion(TestLoop test) {
        Task<String> victim = after(10.0, "victim");
        Task<String> other = after(5.0, "other");
        Aio.runningLoop().callLater(1.0, victim::cancel);
        WaitResult<String> r = Aio.waitDone(List.of(victim, other), ReturnWhen.FIRST_COMPLETED);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(r.done()).containsExactly(victim);
        other.cancel();
    }

    @AioTest
    void firstExceptionReturnsAtTheFirstFailure(TestLoop test) {
        Task<String> ok = after(0.5, "ok");
        Task<String> failing = failAfter(1.0, new IOException("boom"));
        Task<String> slow = after(3.0, "slow");
        WaitResult<String> r = Aio.waitDone(List.of(ok, failing, slow), ReturnWhen.FIRST_EXCEPTION);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(r.done()).containsExactly(ok, failing);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(failing.exception()).hasMessage("boom");
        slow.cancel();
    }

    @AioTest
    void firstExceptionWithoutAnyFailureWaitsForAll(TestLoop test) {
        Task<String> a = after(1.0, "a");
        Task<String> b = after(2.0, "b");
        WaitResult<String> r = Aio.waitDone(List.of(a, b), ReturnWhen.FIRST_EXCEPTION);
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(a, b);
        assertThat(r.pending()).isEmpty();
    }

    @AioTest
    void firstExceptionDoesNotTreatACancellationAsAnException(TestLoop test) {
        Task<String> victim = after(10.0, "victim");
        Task<String> other = after(2.0, "other");
        Aio.runningLoop().callLater(1.0, victim::cancel);
        WaitResult<String> r = Aio.waitDone(List.of(victim, other), ReturnWhen.FIRST_EXCEPTION);
        assertThat(test.time()).as("not returned at the cancel, at 1.0").isEqualTo(2.0);
        assertThat(r.done()).containsExactly(victim, other);
        assertThat(victim.cancelled()).isTrue();
    }

    @AioTest
    void futureAlreadyFailedMakesFirstExceptionReturnAtOnce(TestLoop test) {
        Future<String> failed = Aio.runningLoop().createFuture();
        failed.setException(new IOException("already"));
        Task<String> slow = after(3.0, "slow");
        WaitResult<String> r = Aio.waitDone(List.of(slow, failed), ReturnWhen.FIRST_EXCEPTION);
        assertThat(test.time()).isZero();
        assertThat(r.done()).containsExactly(failed);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(failed.exception()).hasMessage("already");
        slow.cancel();
    }

    @AioTest
    void timeoutReturnsDoneAndPendingWithoutRaisingOrCancelling(TestLoop test) {
        Task<String> fast = after(1.0, "fast");
        Task<String> slow = after(5.0, "slow");
        WaitResult<String> r = Aio.waitDone(List.of(fast, slow), 2.0, ReturnWhen.ALL_COMPLETED);
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(fast);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(slow.cancelling()).isZero();
        assertThat(Aio.currentTask().cancelling()).isZero();
        assertThat(Aio.await(slow)).isEqualTo("slow");
        assertThat(test.time()).isEqualTo(5.0);
    }

    @AioTest
    void timeoutWithNothingDoneReturnsEverythingPending() {
        Future<String> never = Aio.runningLoop().createFuture();
        WaitResult<String> r = Aio.waitDone(List.of(never), 1.0, ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).isEmpty();
        assertThat(r.pending()).containsExactly(never);
        assertThat(never.cancelled()).isFalse();
    }

    @AioTest
    void completingBeforeTheTimeoutReturnsEarly(TestLoop test) {
        Task<String> a = after(1.0, "a");
        WaitResult<String> r = Aio.waitDone(List.of(a), 10.0, ReturnWhen.ALL_COMPLETED);
        assertThat(test.time()).isEqualTo(1.0);
        assertThat(r.done()).containsExactly(a);
        Aio.sleep(20.0); // the timer was withdrawn: nothing fires at 10.0
    }

    @AioTest
    void setsIterateInArgumentOrderWhateverTheCompletionOrder() {
        Task<String> c = after(3.0, "c");
        Task<String> a = after(1.0, "a");
        Task<String> b = after(2.0, "b");
        Task<String> d = after(4.0, "d");
        WaitResult<String> r = Aio.waitDone(List.of(d, c, a, b), 3.5, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).containsExactly(c, a, b);
        assertThat(r.pending()).containsExactly(d);
        d.cancel();
    }

    @AioTest
    void duplicatesAppearOnce() {
        Task<String> a = after(1.0, "a");
        WaitResult<String> r = Aio.waitDone(List.of(a, a));
        assertThat(r.done()).containsExactly(a);
    }

    @AioTest
    void cancellingTheWaiterDoesNotCancelTheFutures() {
        Task<String> a = after(5.0, "a");
        Task<WaitResult<String>> waiter = Aio.createTask(Aio.async(() -> Aio.waitDone(List.of(a))));
        Aio.sleep(1.0);
        waiter.cancel();
        assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
        assertThat(a.cancelling()).isZero();
        assertThat(Aio.await(a)).isEqualTo("a");
    }

    @AioTest
    void emptyCollectionThrowsIllegalArgument() {
        assertThatThrownBy(() -> Aio.waitDone(List.<Future<String>>of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @AioTest
    void nanTimeoutAndNullReturnWhenAreRejected() {
        Future<String> f = Aio.runningLoop().createFuture();
        assertThatThrownBy(() -> Aio.waitDone(List.of(f), Double.NaN, ReturnWhen.ALL_COMPLETED))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Aio.waitDone(List.of(f), 1.0, null)).isInstanceOf(NullPointerException.class);
    }

    @AioTest
    void futureOfAnotherLoopIsRejected() {
        EventLoop other = EventLoop.create(Clock.virtual());
        try {
            Future<String> foreign = other.createFuture();
            assertThatThrownBy(() -> Aio.waitDone(List.of(foreign))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("another event loop");
        } finally {
            other.close();
        }
    }

    @Test
    void waitDoneOutsideACoroutineThrowsIllegalState() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        try {
            Future<String> f = loop.createFuture();
            assertThatThrownBy(() -> Aio.waitDone(List.of(f))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside a coroutine");
        } finally {
            loop.close();
        }
    }
}
