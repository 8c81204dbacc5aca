package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Scoped timeouts: {@link Aio#timeout}, {@link Aio#timeoutAt} and the {@link Timeout} handle (expiry,
 * nesting, rescheduling, and which cancellation turns into {@link TimeoutError}).
 *
 * <p>The JUnit annotation is written in full: {@code Timeout} here is aio4j's.
 */
@org.junit.jupiter.api.Timeout(value = 10, threadMode = org.junit.jupiter.api.Timeout.ThreadMode.SEPARATE_THREAD)
class TimeoutTest {

    @Test
    void bodyFinishingBeforeTheDeadlineReturnsItsValue() {
        VirtualRun.run(() -> {
            String v = Aio.timeout(2.0, () -> Aio.sleep(1.0, "in time"));
            assertThat(v).isEqualTo("in time");
            assertThat(VirtualRun.now()).isEqualTo(1.0);
            Aio.sleep(5.0); // the deadline at 2.0 must not cancel anything any more
            assertThat(VirtualRun.now()).isEqualTo(6.0);
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
    }

    @Test
    void expiryCancelsTheBodyAndRaisesTimeoutErrorCausedByTheCancelledError() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            steps.expect(1);
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                try {
                    Aio.sleep(10.0);
                    steps.unreached();
                } catch (CancelledError e) {
                    steps.expect(2); // the body sees the cancellation, not a TimeoutError
                    throw e;
                }
            })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class)
                    .isNotInstanceOf(CancelledError.class);
            steps.expect(3);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        steps.finish(4);
    }

    @Test
    void timeoutErrorIsAnOrdinaryRuntimeException() {
        assertThat(RuntimeException.class).isAssignableFrom(TimeoutError.class);
        String handled = VirtualRun.run(() -> {
            try {
                Aio.timeout(1.0, () -> Aio.sleep(10.0));
                return "not reached";
            } catch (Exception e) { // unlike CancelledError, catch (Exception) handles it
                return e.getClass().getSimpleName();
            }
        });
        assertThat(handled).isEqualTo("TimeoutError");
    }

    @Test
    void bodyFailingBeforeTheDeadlinePropagatesItsExceptionUnchanged() {
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(5.0, () -> {
                Aio.sleep(1.0);
                throw boom;
            })).isSameAs(boom);
        });
    }

    @Test
    void innerExpiryRaisesOnlyInTheInnerScopeAndTheOuterScopeContinues() {
        Steps steps = new Steps();
        String result = VirtualRun.run(() -> Aio.timeout(10.0, outer -> {
            steps.expect(1);
            try {
                Aio.timeout(1.0, () -> Aio.sleep(5.0));
                steps.unreached();
            } catch (TimeoutError e) {
                steps.expect(2);
                assertThat(VirtualRun.now()).isEqualTo(1.0);
            }
            assertThat(outer.expired()).isFalse();
            Aio.sleep(2.0); // not cancelled: the inner scope took its cancellation back
            steps.expect(3);
            return "outer finished";
        }));
        steps.finish(4);
        assertThat(result).isEqualTo("outer finished");
    }

    @Test
    void outerAndInnerExpiringAtTheSameInstantRaiseTimeoutErrorFromTheOuterOnly() {
        // CPython 3.11 does the same: the inner scope sees two cancel requests, takes back only its
        // own, and lets the CancelledError through; the outer scope converts it.
        Steps steps = new Steps();
        AtomicReference<Timeout> innerScope = new AtomicReference<>();
        AtomicReference<Timeout> outerScope = new AtomicReference<>();
        VirtualRun.run(() -> {
            double when = VirtualRun.now() + 1.0;
            assertThatThrownBy(() -> Aio.timeoutAt(when, outer -> {
                outerScope.set(outer);
                try {
                    return Aio.timeoutAt(when, inner -> {
                        innerScope.set(inner);
                        return Aio.sleep(10.0, "not reached");
                    });
                } catch (CancelledError e) {
                    steps.expect(1); // the inner scope let the cancellation through
                    throw e;
                }
            })).isInstanceOf(TimeoutError.class).hasCauseInstanceOf(CancelledError.class);
            steps.expect(2);
            assertThat(innerScope.get().expired()).isTrue();
            assertThat(outerScope.get().expired()).isTrue();
            assertThat(Aio.currentTask().cancelling()).isZero();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        steps.finish(3);
    }

    @Test
    void outerExpiringWhileTheInnerScopeRunsPassesThroughTheInnerAsCancelledError() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
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
                    steps.unreached();
                } catch (CancelledError e) {
                    steps.expect(1);
                    throw e;
                }
            })).isInstanceOf(TimeoutError.class);
            steps.expect(2);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        steps.finish(3);
    }

    @Test
    void rescheduleLaterExtendsTheDeadline() {
        VirtualRun.run(() -> {
            String v = Aio.timeout(1.0, t -> {
                t.reschedule(t.when() + 2.0);
                assertThat(t.when()).isEqualTo(3.0);
                return Aio.sleep(2.5, "made it");
            });
            assertThat(v).isEqualTo("made it");
            assertThat(VirtualRun.now()).isEqualTo(2.5);
        });
    }

    @Test
    void rescheduleEarlierShortensTheDeadline() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(10.0, t -> {
                t.reschedule(VirtualRun.now() + 1.0);
                return Aio.sleep(5.0, "not reached");
            })).isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void rescheduleToNullRemovesTheDeadline() {
        VirtualRun.run(() -> {
            String v = Aio.timeout(1.0, t -> {
                t.reschedule(null);
                assertThat(t.when()).isNull();
                return Aio.sleep(5.0, "no deadline");
            });
            assertThat(v).isEqualTo("no deadline");
            assertThat(VirtualRun.now()).isEqualTo(5.0);
        });
    }

    @Test
    void rescheduleAfterRemovingTheDeadlineSetsANewOne() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(Double.POSITIVE_INFINITY, t -> {
                assertThat(t.when()).isNull();
                Aio.sleep(1.0);
                t.reschedule(VirtualRun.now() + 1.0);
                return Aio.sleep(100.0, "not reached");
            })).isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(2.0);
        });
    }

    @Test
    void rescheduleToAPastTimeExpiresAtTheNextSuspension() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            Aio.sleep(5.0);
            assertThatThrownBy(() -> Aio.timeout(10.0, t -> {
                t.reschedule(VirtualRun.now() - 1.0);
                steps.expect(1); // still running: the expiry waits for a suspension
                assertThat(t.expired()).isFalse();
                Aio.sleep(0);
                steps.unreached();
                return null;
            })).isInstanceOf(TimeoutError.class);
            steps.expect(2);
            assertThat(VirtualRun.now()).isEqualTo(5.0);
        });
        steps.finish(3);
    }

    @Test
    void rescheduleWhileExpiringThrowsIllegalStateNamingTheState() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, t -> {
                try {
                    return Aio.sleep(10.0, "not reached");
                } catch (CancelledError e) {
                    assertThatThrownBy(() -> t.reschedule(100.0)).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("expiring");
                    throw e;
                }
            })).isInstanceOf(TimeoutError.class);
        });
    }

    @Test
    void rescheduleAfterTheScopeEndedThrowsIllegalStateNamingTheState() {
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void rescheduleToNaNThrowsIllegalArgument() {
        VirtualRun.run(() -> {
            Aio.timeout(1.0, t -> {
                assertThatThrownBy(() -> t.reschedule(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
                assertThat(t.when()).isEqualTo(1.0);
                return null;
            });
        });
    }

    @Test
    void expiredIsFalseUntilTheDeadlinePassesAndStaysTrueAfterTheScope() {
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void whenIsTheDeadlineInLoopTime() {
        VirtualRun.run(() -> {
            Aio.sleep(1.0);
            Double in = Aio.timeout(2.5, t -> t.when());
            Double at = Aio.timeoutAt(7.0, t -> t.when());
            Double none = Aio.timeout(Double.POSITIVE_INFINITY, t -> t.when());
            Double noneAt = Aio.timeoutAt(Double.POSITIVE_INFINITY, t -> t.when());
            assertThat(in).isEqualTo(3.5);
            assertThat(at).isEqualTo(7.0);
            assertThat(none).isNull();
            assertThat(noneAt).isNull();
        });
    }

    @Test
    void deadlineAlreadyPastCancelsTheBodyAtItsFirstSuspension() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            Aio.sleep(3.0);
            assertThatThrownBy(() -> Aio.timeoutAt(VirtualRun.now() - 1.0, () -> {
                steps.expect(1); // the code before the first suspension runs
                Aio.sleep(0);
                steps.unreached();
                return null;
            })).isInstanceOf(TimeoutError.class);
            steps.expect(2);
            assertThatThrownBy(() -> Aio.timeout(0.0, () -> Aio.sleep(1.0)))
                    .as("timeout(0)").isInstanceOf(TimeoutError.class);
            assertThatThrownBy(() -> Aio.timeout(-5.0, () -> Aio.sleep(1.0)))
                    .as("a negative timeout").isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(3.0);
        });
        steps.finish(3);
    }

    @Test
    void bodyThatDoesNotSuspendFinishesDespiteAPastDeadline() {
        VirtualRun.run(() -> {
            assertThat(Aio.timeout(0.0, () -> "no suspension")).isEqualTo("no suspension");
            Aio.sleep(1.0); // the scheduled expiry was withdrawn at scope exit
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
    }

    @Test
    void timeoutAtTakesAnAbsoluteLoopTime() {
        VirtualRun.run(() -> {
            Aio.sleep(2.0);
            assertThat(Aio.timeoutAt(5.0, () -> Aio.sleep(2.0, "in time"))).isEqualTo("in time");
            assertThat(VirtualRun.now()).isEqualTo(4.0);
            assertThatThrownBy(() -> Aio.timeoutAt(5.0, () -> Aio.sleep(10.0, "late")))
                    .isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(5.0);
        });
    }

    @Test
    void infiniteTimeoutMeansNoDeadline() {
        VirtualRun.run(() -> {
            assertThat(Aio.timeout(Double.POSITIVE_INFINITY, () -> Aio.sleep(1e6, "a"))).isEqualTo("a");
            assertThat(Aio.timeoutAt(Double.POSITIVE_INFINITY, () -> Aio.sleep(1e6, "b"))).isEqualTo("b");
            assertThat(Aio.timeout((Duration) null, () -> Aio.sleep(1e6, "c"))).isEqualTo("c");
            assertThat(VirtualRun.now()).isEqualTo(3e6);
        });
    }

    @Test
    void durationTimeoutExpiresLikeSeconds() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(Duration.ofMillis(1500), () -> Aio.sleep(10.0, "late")))
                    .isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(1.5);
        });
    }

    @Test
    void runnableBodyIsAccepted() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            Aio.timeout(1.0, () -> {
                Aio.sleep(0.5);
                steps.expect(1);
            });
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                Aio.sleep(5.0);
            })).isInstanceOf(TimeoutError.class);
            steps.expect(2);
        });
        steps.finish(3);
    }

    @Test
    void externalCancelInsideATimeoutPropagatesAsCancelledErrorNotTimeoutError() {
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void externalCancelAtTheInstantOfExpiryPropagatesAsCancelledError() {
        // As CPython 3.11: the scope takes back its own request only; the other one remains.
        VirtualRun.run(() -> {
            Task<String> t = Aio.createTask(Aio.async(() -> Aio.timeout(1.0, () -> Aio.sleep(10.0, "not reached"))));
            Aio.sleep(0);
            Aio.runningLoop().callLater(1.0, () -> t.cancel("from outside"));
            assertThatThrownBy(() -> Aio.await(t)).isExactlyInstanceOf(CancelledError.class);
            assertThat(t.cancelled()).isTrue();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void cleanupAwaitingInsideCatchCancelledErrorRunsBeforeTheTimeoutError() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    steps.expect(1);
                    Aio.sleep(2.0); // cleanup that awaits: not interrupted again
                    steps.expect(2);
                    throw e;
                }
            })).isInstanceOf(TimeoutError.class);
            steps.expect(3);
            assertThat(VirtualRun.now()).isEqualTo(3.0);
        });
        steps.finish(4);
    }

    @Test
    void bodyThatSwallowsTheExpiryReturnsNormallyAndTheScopeIsExpired() {
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void otherExceptionRaisedAfterExpiryPropagatesInsteadOfTimeoutError() {
        IOException cleanupFailure = new IOException("cleanup failed");
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    throw cleanupFailure;
                }
            })).isSameAs(cleanupFailure);
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
    }

    @Test
    void cancellingIsRestoredAfterAnExpiredScope() {
        VirtualRun.run(() -> {
            Task<?> self = Aio.currentTask();
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                try {
                    Aio.sleep(10.0);
                } finally {
                    assertThat(self.cancelling()).isEqualTo(1);
                }
            })).isInstanceOf(TimeoutError.class);
            assertThat(self.cancelling()).isZero();
        });
    }

    @Test
    void timeoutEnteredAfterASwallowedCancellationStillRaisesTimeoutError() {
        // CPython's test_timeout_after_cancellation: cancelling() is 1 at entry, and is 1 again after.
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void selfCancelInsideATimeoutAfterASwallowedCancellationStaysACancelledError() {
        // CPython's test_cancel_in_timeout_after_cancellation.
        VirtualRun.run(() -> {
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
        });
    }

    @Test
    void timeoutInOneTaskDoesNotAffectAnother() {
        VirtualRun.run(() -> {
            Task<String> other = Aio.createTask(Aio.async(() -> Aio.sleep(3.0, "other done")));
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> Aio.sleep(10.0))).isInstanceOf(TimeoutError.class);
            assertThat(Aio.await(other)).isEqualTo("other done");
            assertThat(other.cancelling()).isZero();
        });
    }

    @Test
    void timeoutOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.timeout(1.0, () -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
        assertThatThrownBy(() -> Aio.timeoutAt(1.0, () -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
    }

    @Test
    void nanTimeoutThrowsIllegalArgument() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(Double.NaN, () -> "x")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> Aio.timeoutAt(Double.NaN, () -> "x")).isInstanceOf(IllegalArgumentException.class);
        });
    }

    @Test
    void nullBodyThrowsNullPointer() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, (AsyncSupplier<String>) null))
                    .isInstanceOf(NullPointerException.class);
        });
    }
}
