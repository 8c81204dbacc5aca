package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;

/**
 * Scoped timeouts: {@link Aio#timeout}, {@link Aio#timeoutAt} and the {@link Timeout} handle (expiry,
 * nesting, rescheduling, and which cancellation turns into {@link TimeoutError}).
 * Runs on the aio4j-test kit: each {@code @AioTest} is the main task of a fresh loop on virtual time,
 * and fails if it leaves tasks, unretrieved failures or unawaited coroutines behind; the plain
 * {@code @Test} checks use outside any loop.
 */
class TimeoutTest {

    @AioTest
    void bodyFinishingBeforeTheDeadlineReturnsItsValue(TestLoop test) {
        String v = Aio.timeout(2.0, () -> Aio.sleep(1.0, "in time"));
        assertThat(v).isEqualTo("in time");
        assertThat(test.time()).isEqualTo(1.0);
        Aio.sleep(5.0); // the deadline at 2.0 must not cancel anything any more
        assertThat(test.time()).isEqualTo(6.0);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void expiryCancelsTheBodyAndRaisesTimeoutErrorCausedByTheCancelledError(TestLoop test) {
        test.expect(1);
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            try {
                Aio.sleep(10.0);
                fail("not reached");
            } catch (CancelledError e) {
                test.expect(2); // the body sees the cancellation, not a TimeoutError
                throw e;
            }
        })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class)
                .isNotInstanceOf(CancelledError.class);
        test.expect(3);
        assertThat(test.time()).isEqualTo(1.0);
        test.finish(4);
    }

    @AioTest
    void timeoutErrorIsAnOrdinaryRuntimeException() {
        assertThat(RuntimeException.class).isAssignableFrom(TimeoutError.class);
        String handled;
        try {
            Aio.timeout(1.0, () -> Aio.sleep(10.0));
            handled = "not reached";
        } catch (Exception e) { // unlike CancelledError, catch (Exception) handles it
            handled = e.getClass().getSimpleName();
        }
        assertThat(handled).isEqualTo("TimeoutError");
    }

    @AioTest
    void bodyFailingBeforeTheDeadlinePropagatesItsExceptionUnchanged() {
        IOException boom = new IOException("boom");
        assertThatThrownBy(() -> Aio.timeout(5.0, () -> {
            Aio.sleep(1.0);
            throw boom;
        })).isSameAs(boom);
    }

    @AioTest
    void innerExpiryRaisesOnlyInTheInnerScopeAndTheOuterScopeContinues(TestLoop test) {
        String result = Aio.timeout(10.0, outer -> {
            test.expect(1);
            try {
                Aio.timeout(1.0, () -> Aio.sleep(5.0));
                fail("not reached");
            } catch (TimeoutError e) {
                test.expect(2);
                assertThat(test.time()).isEqualTo(1.0);
            }
            assertThat(outer.expired()).isFalse();
            Aio.sleep(2.0); // not cancelled: the inner scope took its cancellation back
            test.expect(3);
            return "outer finished";
        });
        test.finish(4);
        assertThat(result).isEqualTo("outer finished");
    }

    @AioTest
    void outerAndInnerExpiringAtTheSameInstantRaiseTimeoutErrorFromTheOuterOnly(TestLoop test) {
        // CPython 3.11 does the same: the inner scope sees two cancel requests, takes back only its
        // own, and lets the CancelledError through; the outer scope converts it.
        AtomicReference<Timeout> innerScope = new AtomicReference<>();
        AtomicReference<Timeout> outerScope = new AtomicReference<>();
        double when = test.time() + 1.0;
        assertThatThrownBy(() -> Aio.timeoutAt(when, outer -> {
            outerScope.set(outer);
            try {
                return Aio.timeoutAt(when, inner -> {
                    innerScope.set(inner);
                    return Aio.sleep(10.0, "not reached");
                });
            } catch (CancelledError e) {
                test.expect(1); // the inner scope let the cancellation through
                throw e;
            }
        })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
        test.expect(2);
        assertThat(innerScope.get().expired()).isTrue();
        assertThat(outerScope.get().expired()).isTrue();
        assertThat(Aio.currentTask().cancelling()).isZero();
        assertThat(test.time()).isEqualTo(1.0);
        test.finish(3);
    }

    @AioTest
    void outerExpiringWhileTheInnerScopeRunsPassesThroughTheInnerAsCancelledError(TestLoop test) {
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            try {
                Aio.timeout(5.0, inner -> {
                    try {
                        return Aio.sleep(10.0, "not reached");
                    } finally {
                        assertThat(inner.expired()).isFalse();
                    }
                });
            } catch (TimeoutError e) {
                fail("the inner scope raised TimeoutError");
            } catch (CancelledError e) {
                test.expect(1);
                throw e;
            }
        })).isInstanceOf(TimeoutError.class);
        test.expect(2);
        assertThat(test.time()).isEqualTo(1.0);
        test.finish(3);
    }

    @AioTest
    void rescheduleLaterExtendsTheDeadline(TestLoop test) {
        String v = Aio.timeout(1.0, t -> {
            t.reschedule(t.when() + 2.0);
            assertThat(t.when()).isEqualTo(3.0);
            return Aio.sleep(2.5, "made it");
        });
        assertThat(v).isEqualTo("made it");
        assertThat(test.time()).isEqualTo(2.5);
    }

    @AioTest
    void rescheduleEarlierShortensTheDeadline(TestLoop test) {
        assertThatThrownBy(() -> Aio.timeout(10.0, t -> {
            t.reschedule(test.time() + 1.0);
            return Aio.sleep(5.0, "not reached");
        })).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void rescheduleToNullRemovesTheDeadline(TestLoop test) {
        String v = Aio.timeout(1.0, t -> {
            t.reschedule(null);
            assertThat(t.when()).isNull();
            return Aio.sleep(5.0, "no deadline");
        });
        assertThat(v).isEqualTo("no deadline");
        assertThat(test.time()).isEqualTo(5.0);
    }

    @AioTest
    void rescheduleAfterRemovingTheDeadlineSetsANewOne(TestLoop test) {
        assertThatThrownBy(() -> Aio.timeout(Double.POSITIVE_INFINITY, t -> {
            assertThat(t.when()).isNull();
            Aio.sleep(1.0);
            t.reschedule(test.time() + 1.0);
            return Aio.sleep(100.0, "not reached");
        })).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(2.0);
    }

    @AioTest
    void rescheduleToAPastTimeExpiresAtTheNextSuspension(TestLoop test) {
        Aio.sleep(5.0);
        assertThatThrownBy(() -> Aio.timeout(10.0, t -> {
            t.reschedule(test.time() - 1.0);
            test.expect(1); // still running: the expiry waits for a suspension
            assertThat(t.expired()).isFalse();
            Aio.sleep(0);
            fail("not reached");
            return null;
        })).isInstanceOf(TimeoutError.class);
        test.expect(2);
        assertThat(test.time()).isEqualTo(5.0);
        test.finish(3);
    }

    @AioTest
    void timeoutErrorMessageStatesTheBudgetAndThatItFiredOnTime() {
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(5.0, "late")))
                .isInstanceOf(TimeoutError.class).hasMessage("the 1 s timeout expired (fired on time)");
        assertThatThrownBy(() -> Aio.timeout(Duration.ofMillis(250), () -> Aio.sleep(5.0, "late")))
                .hasMessage("the 0.25 s timeout expired (fired on time)");
    }

    @AioTest
    void timeoutErrorMessageSaysHowLateTheLoopGotToTheDeadline() {
        // A callback that holds the loop across the deadline (simulated: it moves the virtual clock
        // 0.2 ms forward, from 0.1 ms before the deadline) makes the timer run 0.1 ms late.
        VirtualClock clock = (VirtualClock) Aio.runningLoop().clock();
        Aio.runningLoop().callLater(Duration.ofNanos(999_900_000), () -> clock.advanceBy(200_000));
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(5.0, "late")))
                .hasMessage("the 1 s timeout expired (fired 0.100 ms late)");
        Aio.runningLoop().callLater(Duration.ofNanos(999_999_999), () -> clock.advanceBy(2_000_000_001L));
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(5.0, "late")))
                .hasMessage("the 1 s timeout expired (fired 2.000 s late)");
        Aio.runningLoop().callLater(Duration.ofNanos(999_999_999), () -> clock.advanceBy(251));
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(5.0, "late")))
                .hasMessage("the 1 s timeout expired (fired 250 ns late)");
    }

    @AioTest
    void timeoutErrorMessageOfTimeoutAtNamesTheLoopTimeAndItsDistanceFromTheEntry(TestLoop test) {
        test.advanceBy(1.0);
        assertThatThrownBy(() -> Aio.timeoutAt(3.5, () -> Aio.sleep(5.0, "late"))).hasMessage(
                "the timeout at loop time 3.5 s (2.5 s after the scope was entered) expired (fired on time)");
        assertThatThrownBy(() -> Aio.timeoutAt(1.0, () -> Aio.sleep(5.0, "late"))).hasMessage(
                "the timeout at loop time 1 s (2.5 s before the scope was entered) expired (fired 2.500 s late)");
    }

    @AioTest
    void timeoutErrorMessageOfARescheduledTimeoutNamesTheNewDeadline() {
        assertThatThrownBy(() -> Aio.timeout(1.0, t -> {
            t.reschedule(Aio.runningLoop().time() + 3.0);
            return Aio.sleep(5.0, "not reached");
        })).hasMessage("the timeout rescheduled to loop time 3 s (3 s after the scope was entered) expired"
                + " (fired on time)");
    }

    @AioTest
    void rescheduleWhileExpiringThrowsIllegalStateNamingTheState() {
        assertThatThrownBy(() -> Aio.timeout(1.0, t -> {
            try {
                return Aio.sleep(10.0, "not reached");
            } catch (CancelledError e) {
                assertThatThrownBy(() -> t.reschedule(100.0)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("expiring");
                throw e;
            }
        })).isInstanceOf(TimeoutError.class);
    }

    @AioTest
    void rescheduleAfterTheScopeEndedThrowsIllegalStateNamingTheState() {
        AtomicReference<Timeout> expired = new AtomicReference<>();
        assertThatThrownBy(() -> Aio.timeout(1.0, t -> {
            expired.set(t);
            return Aio.sleep(10.0, "not reached");
        })).isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> expired.get().reschedule(null)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expired");

        Timeout exited = Aio.timeout(1.0, t -> t);
        assertThatThrownBy(() -> exited.reschedule(5.0)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited");
        assertThat(exited.expired()).isFalse();
    }

    @AioTest
    void rescheduleToNaNThrowsIllegalArgument() {
        Aio.timeout(1.0, t -> {
            assertThatThrownBy(() -> t.reschedule(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            assertThat(t.when()).isEqualTo(1.0);
            return null;
        });
    }

    @AioTest
    void expiredIsFalseUntilTheDeadlinePassesAndStaysTrueAfterTheScope() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        assertThatThrownBy(() -> Aio.timeout(1.0, t -> {
            scope.set(t);
            assertThat(t.expired()).isFalse();
            Aio.sleep(0.5);
            assertThat(t.expired()).isFalse();
            try {
                return Aio.sleep(10.0, "not reached");
            } catch (CancelledError e) {
                assertThat(t.expired()).isTrue();
                throw e;
            }
        })).isInstanceOf(TimeoutError.class);
        assertThat(scope.get().expired()).isTrue();
    }

    @AioTest
    void whenIsTheDeadlineInLoopTime() {
        Aio.sleep(1.0);
        Double in = Aio.timeout(2.5, t -> t.when());
        Double at = Aio.timeoutAt(7.0, t -> t.when());
        Double none = Aio.timeout(Double.POSITIVE_INFINITY, t -> t.when());
        Double noneAt = Aio.timeoutAt(Double.POSITIVE_INFINITY, t -> t.when());
        assertThat(in).isEqualTo(3.5);
        assertThat(at).isEqualTo(7.0);
        assertThat(none).isNull();
        assertThat(noneAt).isNull();
    }

    @AioTest
    void deadlineAlreadyPastCancelsTheBodyAtItsFirstSuspension(TestLoop test) {
        Aio.sleep(3.0);
        assertThatThrownBy(() -> Aio.timeoutAt(test.time() - 1.0, () -> {
            test.expect(1); // the code before the first suspension runs
            Aio.sleep(0);
            fail("not reached");
            return null;
        })).isInstanceOf(TimeoutError.class);
        test.expect(2);
        assertThatThrownBy(() -> Aio.timeout(0.0, () -> Aio.sleep(1.0)))
                .as("timeout(0)").isInstanceOf(TimeoutError.class);
        assertThatThrownBy(() -> Aio.timeout(-5.0, () -> Aio.sleep(1.0)))
                .as("a negative timeout").isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(3.0);
        test.finish(3);
    }

    @AioTest
    void bodyThatDoesNotSuspendFinishesDespiteAPastDeadline() {
        assertThat(Aio.timeout(0.0, () -> "no suspension")).isEqualTo("no suspension");
        Aio.sleep(1.0); // the scheduled expiry was withdrawn at scope exit
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void timeoutAtTakesAnAbsoluteLoopTime(TestLoop test) {
        Aio.sleep(2.0);
        assertThat(Aio.timeoutAt(5.0, () -> Aio.sleep(2.0, "in time"))).isEqualTo("in time");
        assertThat(test.time()).isEqualTo(4.0);
        assertThatThrownBy(() -> Aio.timeoutAt(5.0, () -> Aio.sleep(10.0, "late")))
                .isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(5.0);
    }

    @AioTest(virtualTimeout = 1e7) // sleeps 3e6 virtual seconds, past the default virtual day
    void infiniteTimeoutMeansNoDeadline(TestLoop test) {
        assertThat(Aio.timeout(Double.POSITIVE_INFINITY, () -> Aio.sleep(1e6, "a"))).isEqualTo("a");
        assertThat(Aio.timeoutAt(Double.POSITIVE_INFINITY, () -> Aio.sleep(1e6, "b"))).isEqualTo("b");
        assertThat(Aio.timeout((Duration) null, () -> Aio.sleep(1e6, "c"))).isEqualTo("c");
        assertThat(test.time()).isEqualTo(3e6);
    }

    @AioTest
    void durationTimeoutExpiresLikeSeconds(TestLoop test) {
        assertThatThrownBy(() -> Aio.timeout(Duration.ofMillis(1500), () -> Aio.sleep(10.0, "late")))
                .isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(1.5);
    }

    @AioTest
    void runnableBodyIsAccepted(TestLoop test) {
        Aio.timeout(1.0, () -> {
            Aio.sleep(0.5);
            test.expect(1);
        });
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            Aio.sleep(5.0);
        })).isInstanceOf(TimeoutError.class);
        test.expect(2);
        test.finish(3);
    }

    @AioTest
    void externalCancelInsideATimeoutPropagatesAsCancelledErrorNotTimeoutError() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        Task<String> t = Aio.createTask(Aio.async(() -> Aio.timeout(10.0, s -> {
            scope.set(s);
            return Aio.sleep(100.0, "not reached");
        })));
        Aio.sleep(1.0);
        t.cancel("from outside");
        assertThatThrownBy(() -> Aio.await(t)).isExactlyInstanceOf(CancelledError.class)
                .hasMessage("from outside");
        assertThat(t.cancelled()).isTrue();
        assertThat(scope.get().expired()).isFalse();
    }

    @AioTest
    void externalCancelAtTheInstantOfExpiryPropagatesAsCancelledError(TestLoop test, EventLoop loop) {
        // As CPython 3.11: the scope takes back its own request only; the other one remains.
        Task<String> t = Aio.createTask(Aio.async(() -> Aio.timeout(1.0, () -> Aio.sleep(10.0, "not reached"))));
        Aio.sleep(0);
        loop.callLater(1.0, () -> t.cancel("from outside"));
        assertThatThrownBy(() -> Aio.await(t)).isExactlyInstanceOf(CancelledError.class);
        assertThat(t.cancelled()).isTrue();
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void cleanupAwaitingInsideCatchCancelledErrorRunsBeforeTheTimeoutError(TestLoop test) {
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                test.expect(1);
                Aio.sleep(2.0); // cleanup that awaits: not interrupted again
                test.expect(2);
                throw e;
            }
        })).isInstanceOf(TimeoutError.class);
        test.expect(3);
        assertThat(test.time()).isEqualTo(3.0);
        test.finish(4);
    }

    @AioTest
    void bodyThatSwallowsTheExpiryReturnsNormallyAndTheScopeIsExpired() {
        AtomicReference<Timeout> scope = new AtomicReference<>();
        String v = Aio.timeout(1.0, t -> {
            scope.set(t);
            try {
                Aio.sleep(10.0);
                return "not reached";
            } catch (CancelledError e) {
                return "swallowed";
            }
        });
        assertThat(v).isEqualTo("swallowed");
        assertThat(scope.get().expired()).isTrue();
        assertThat(Aio.currentTask().cancelling()).isZero();
        Aio.sleep(1.0); // no cancellation left behind
    }

    @AioTest
    void otherExceptionRaisedAfterExpiryPropagatesInsteadOfTimeoutError() {
        IOException cleanupFailure = new IOException("cleanup failed");
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                throw cleanupFailure;
            }
        })).isSameAs(cleanupFailure);
        assertThat(Aio.currentTask().cancelling()).isZero();
    }

    @AioTest
    void cancellingIsRestoredAfterAnExpiredScope() {
        Task<?> self = Aio.currentTask();
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            try {
                Aio.sleep(10.0);
            } finally {
                assertThat(self.cancelling()).isEqualTo(1);
            }
        })).isInstanceOf(TimeoutError.class);
        assertThat(self.cancelling()).isZero();
    }

    @AioTest
    void timeoutEnteredAfterASwallowedCancellationStillRaisesTimeoutError() {
        // CPython's test_timeout_after_cancellation: cancelling() is 1 at entry, and is 1 again after.
        Task<?> self = Aio.currentTask();
        try {
            self.cancel();
            Aio.sleep(1.0);
        } catch (CancelledError e) {
            // swallowed, and not uncancelled
        }
        assertThat(self.cancelling()).isEqualTo(1);
        assertThatThrownBy(() -> Aio.timeout(0.0, () -> Aio.sleep(1.0))).isInstanceOf(TimeoutError.class);
        assertThat(self.cancelling()).isEqualTo(1);
        self.uncancel();
    }

    @AioTest
    void selfCancelInsideATimeoutAfterASwallowedCancellationStaysACancelledError() {
        // CPython's test_cancel_in_timeout_after_cancellation.
        Task<?> self = Aio.currentTask();
        try {
            self.cancel();
            Aio.sleep(1.0);
        } catch (CancelledError e) {
            // swallowed
        }
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
            self.cancel();
            Aio.sleep(2.0);
        })).isExactlyInstanceOf(CancelledError.class);
        assertThat(self.cancelling()).isEqualTo(2);
        self.uncancel();
        self.uncancel();
    }

    @AioTest
    void timeoutInOneTaskDoesNotAffectAnother() {
        Task<String> other = Aio.createTask(Aio.async(() -> Aio.sleep(3.0, "other done")));
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(10.0))).isInstanceOf(TimeoutError.class);
        assertThat(Aio.await(other)).isEqualTo("other done");
        assertThat(other.cancelling()).isZero();
    }

    @Test
    void timeoutOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
        assertThatThrownBy(() -> Aio.timeoutAt(1.0, () -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
    }

    @AioTest
    void nanTimeoutThrowsIllegalArgument() {
        assertThatThrownBy(() -> Aio.timeout(Double.NaN, () -> "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Aio.timeoutAt(Double.NaN, () -> "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @AioTest
    void nullBodyThrowsNullPointer() {
        assertThatThrownBy(() -> Aio.timeout(1.0, (AsyncSupplier<String>) null))
                .isInstanceOf(NullPointerException.class);
    }
}
