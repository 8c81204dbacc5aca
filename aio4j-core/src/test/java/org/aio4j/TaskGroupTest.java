package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TaskGroup}: waiting for all, failure and cancellation, ExceptionGroup, lifecycle errors. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskGroupTest {

    private static Coro<String> after(double seconds, String value) {
        return Aio.async(() -> Aio.sleep(seconds, value));
    }

    private static Coro<String> failAfter(double seconds, Exception e) {
        return Aio.async(() -> {
            Aio.sleep(seconds);
            throw e;
        });
    }

    /** A child that is cancelled after the test's steps say so, and rethrows. */
    private static Coro<Void> sleeperRecording(List<String> trace, String name) {
        return Aio.async(() -> {
            try {
                Aio.sleep(100.0);
            } catch (CancelledError e) {
                trace.add(name + " cancelled");
                throw e;
            }
        });
    }

    @Test
    void returnsTheBodyValueAfterAllTasksAreDone() {
        VirtualRun.run(() -> {
            List<Task<String>> tasks = Aio.taskGroup(tg -> {
                return List.of(tg.createTask(after(2.0, "slow")), tg.createTask(after(1.0, "fast")));
            });
            assertThat(VirtualRun.now()).isEqualTo(2.0);
            assertThat(tasks).allSatisfy(t -> assertThat(t.done()).isTrue());
            assertThat(tasks.get(0).result()).isEqualTo("slow");
            assertThat(tasks.get(1).result()).isEqualTo("fast");
        });
    }

    @Test
    void emptyGroupReturnsAtOnce() {
        VirtualRun.run(() -> {
            String v = Aio.taskGroup(tg -> "nothing to wait for");
            assertThat(v).isEqualTo("nothing to wait for");
            assertThat(VirtualRun.now()).isZero();
        });
    }

    @Test
    void actionBodyWaitsForItsTasks() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.taskGroup(tg -> {
                tg.createTask(Aio.async(() -> {
                    Aio.sleep(1.0);
                    trace.add("child");
                }), "named child");
            });
            trace.add("after group");
        });
        assertThat(trace).containsExactly("child", "after group");
    }

    @Test
    void firstFailureCancelsTheSiblingsAndTheBody() {
        List<String> trace = new CopyOnWriteArrayList<>();
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(sleeperRecording(trace, "sibling"));
                tg.createTask(failAfter(1.0, boom));
                try {
                    Aio.sleep(100.0);
                } catch (CancelledError e) {
                    trace.add("body cancelled");
                    throw e;
                }
            }));
            assertThat(thrown).isInstanceOf(ExceptionGroup.class);
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
            assertThat(Aio.currentTask().cancelling()).as("the group took its cancel back").isZero();
            Aio.sleep(1.0); // and nothing is left pending on this task
        });
        assertThat(trace).containsExactlyInAnyOrder("sibling cancelled", "body cancelled");
    }

    @Test
    void exceptionGroupHoldsEveryFailureInOrderWithTheBodysLast() {
        // Verified against CPython 3.11: [first, cleanup, body] (the body's failure is appended at exit).
        IOException first = new IOException("first");
        IllegalStateException neverRaised = new IllegalStateException("cancelled before it fails");
        IllegalArgumentException cleanup = new IllegalArgumentException("cleanup");
        UnsupportedOperationException body = new UnsupportedOperationException("body");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(2.0, neverRaised));
                tg.createTask(Aio.async(() -> {
                    try {
                        Aio.sleep(10.0);
                    } catch (CancelledError e) {
                        Aio.sleep(1.0);
                        throw cleanup;
                    }
                }));
                tg.createTask(failAfter(1.0, first));
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    throw body;
                }
            }));
            assertThat(thrown).isInstanceOf(ExceptionGroup.class);
            ExceptionGroup g = (ExceptionGroup) thrown;
            assertThat(g.exceptions()).containsExactly(first, cleanup, body);
            assertThat(g.baseMessage()).isEqualTo("unhandled errors in a TaskGroup");
            assertThat(g).hasMessageContaining("3 sub-exceptions");
            assertThat(VirtualRun.now()).isEqualTo(2.0);
        });
    }

    @Test
    void bodyFailureCancelsTheTasksAndJoinsTheGroupAfterTheirFailures() {
        IllegalStateException body = new IllegalStateException("body");
        IOException cleanup = new IOException("cleanup");
        VirtualRun.run(() -> {
            // A body ending in throw fits both TaskGroupBody and TaskGroupAction: the cast picks one.
            Throwable thrown = catchThrowable(() -> Aio.taskGroup((TaskGroupAction) tg -> {
                tg.createTask(Aio.async(() -> {
                    try {
                        Aio.sleep(10.0);
                    } catch (CancelledError e) {
                        Aio.sleep(1.0);
                        throw cleanup;
                    }
                }));
                Aio.sleep(0);
                throw body;
            }));
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(cleanup, body);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void exceptionGroupFromAGroupCanBeSearchedAndSplit() {
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(1.0, new IOException("io")));
                tg.createTask(failAfter(1.0, new IllegalStateException("state")));
            }));
            ExceptionGroup g = (ExceptionGroup) thrown;
            assertThat(g.contains(IOException.class)).isTrue();
            assertThat(g.contains(ArithmeticException.class)).isFalse();
            assertThat(g.subgroup(IOException.class).exceptions()).singleElement()
                    .satisfies(e -> assertThat(e).hasMessage("io"));
            ExceptionGroup.Split split = g.split(IllegalStateException.class);
            assertThat(split.match().exceptions()).singleElement().satisfies(e -> assertThat(e).hasMessage("state"));
            assertThat(split.rest().exceptions()).singleElement().satisfies(e -> assertThat(e).hasMessage("io"));
        });
    }

    @Test
    void cancelledTasksAreNotFailures() {
        VirtualRun.run(() -> {
            String v = Aio.taskGroup(tg -> {
                Task<String> t = tg.createTask(after(10.0, "cancelled"));
                tg.createTask(after(1.0, "fine"));
                Aio.sleep(0.5);
                t.cancel();
                return "group ok";
            });
            assertThat(v).isEqualTo("group ok");
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void externalCancellationCancelsTheChildrenAndPropagatesAsCancelledError() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Task<Void> parent = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(sleeperRecording(trace, "a"));
                    tg.createTask(sleeperRecording(trace, "b"));
                    Aio.sleep(100.0);
                });
            }));
            Aio.sleep(1.0);
            parent.cancel("from outside");
            assertThatThrownBy(() -> Aio.await(parent)).isExactlyInstanceOf(CancelledError.class);
            assertThat(parent.cancelled()).isTrue();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        assertThat(trace).containsExactly("a cancelled", "b cancelled");
    }

    @Test
    void externalCancellationWhileTheGroupWaitsForItsTasksCancelsThem() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Task<Void> parent = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(sleeperRecording(trace, "child"));
                }); // the body ended: the group waits
            }));
            Aio.sleep(1.0);
            parent.cancel();
            assertThatThrownBy(() -> Aio.await(parent)).isExactlyInstanceOf(CancelledError.class);
        });
        assertThat(trace).containsExactly("child cancelled");
    }

    @Test
    void externalCancellationPlusAChildFailureRaisesTheExceptionGroup() {
        IOException cleanup = new IOException("failed while cancelled");
        VirtualRun.run(() -> {
            Task<Void> parent = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(Aio.async(() -> {
                        try {
                            Aio.sleep(10.0);
                        } catch (CancelledError e) {
                            throw cleanup;
                        }
                    }));
                    Aio.sleep(10.0);
                });
            }));
            Aio.sleep(1.0);
            parent.cancel();
            Throwable thrown = catchThrowable(() -> Aio.await(parent));
            assertThat(thrown).isInstanceOf(ExceptionGroup.class);
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(cleanup);
            assertThat(parent.cancelled()).isFalse();
        });
    }

    @Test
    void childFailingWhileTheGroupWaitsLeavesNoCancelRequestOnTheParent() {
        // CPython 3.11 leaked one here (it uncancelled before waiting; fixed in 3.12/3.13, gh-116720).
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(1.0, boom));
                tg.createTask(after(10.0, "sibling"));
            })); // the body ended at once: the failure comes while the group waits
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
    }

    @Test
    void timeoutAroundAGroupWhoseChildFailedWhileItWaitedStillRaisesTimeoutError() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(5.0, () -> {
                try {
                    Aio.taskGroup(tg -> {
                        tg.createTask(failAfter(1.0, new IOException("boom")));
                    });
                } catch (ExceptionGroup handled) {
                    // handled: the task goes on
                }
                Aio.sleep(10.0);
            })).isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(5.0);
        });
    }

    @Test
    void cancelFromAChildAfterAnotherGroupsFailureStillEndsWithoutError() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(1.0, new IOException("boom")));
            })).isInstanceOf(ExceptionGroup.class);
            String v = Aio.taskGroup(tg -> {
                tg.createTask(after(10.0, "cancelled"));
                Aio.sleep(1.0);
                tg.cancel();
                Aio.sleep(10.0);
                return "not reached";
            });
            assertThat(v).isNull();
        });
    }

    @Test
    void createTaskAfterTheGroupFinishedThrowsIllegalStateAndClosesTheCoroutine() {
        VirtualRun.run(() -> {
            AtomicReference<TaskGroup> group = new AtomicReference<>();
            Aio.taskGroup(tg -> {
                group.set(tg);
                tg.createTask(after(1.0, "x"));
            });
            Coro<String> late = after(1.0, "late");
            assertThatThrownBy(() -> group.get().createTask(late)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("finished");
            assertThat(late.isClosed()).as("closed, so not reported as never awaited").isTrue();
        });
    }

    @Test
    void createTaskWhileShuttingDownThrowsIllegalState() {
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(1.0, boom));
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    Coro<String> refused = after(1.0, "refused");
                    assertThatThrownBy(() -> tg.createTask(refused)).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("shutting down");
                    assertThat(refused.isClosed()).isTrue();
                    throw e;
                }
            }));
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
        });
    }

    @Test
    void taskOfTheGroupCanAddTasksWhileTheGroupWaits() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.taskGroup(tg -> {
                tg.createTask(Aio.async(() -> {
                    Aio.sleep(1.0);
                    tg.createTask(Aio.async(() -> {
                        Aio.sleep(1.0);
                        trace.add("added later");
                    }));
                }));
            });
            trace.add("group done");
            assertThat(VirtualRun.now()).isEqualTo(2.0);
        });
        assertThat(trace).containsExactly("added later", "group done");
    }

    @Test
    void jvmErrorOfATaskIsRethrownBareAfterTheOthersEnd() {
        // Deliberate difference in form: Python's analogue is KeyboardInterrupt/SystemExit; any JVM Error
        // other than CancelledError is treated that way here.
        AssertionError fatal = new AssertionError("fatal");
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(sleeperRecording(trace, "sibling"));
                tg.createTask(Aio.async(() -> {
                    Aio.sleep(1.0);
                    throw fatal;
                }));
                tg.createTask(Aio.async(() -> {
                    try {
                        Aio.sleep(10.0);
                    } catch (CancelledError e) {
                        throw new IOException("also failing");
                    }
                }));
            }));
            assertThat(thrown).isSameAs(fatal);
        });
        assertThat(trace).containsExactly("sibling cancelled");
    }

    @Test
    void outOfMemoryErrorOfTheBodyIsRethrownBare() {
        OutOfMemoryError oom = new OutOfMemoryError("simulated");
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup((TaskGroupAction) tg -> {
                tg.createTask(sleeperRecording(trace, "child"));
                Aio.sleep(1.0);
                throw oom;
            }));
            assertThat(thrown).isSameAs(oom);
        });
        assertThat(trace).containsExactly("child cancelled");
    }

    @Test
    void cancelEndsTheGroupEarlyWithoutErrorAndCancelsTheChildren() {
        // Python 3.15's TaskGroup.cancel(); 3.11 has no such method.
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            String v = Aio.taskGroup(tg -> {
                tg.createTask(sleeperRecording(trace, "child"));
                Aio.sleep(1.0);
                tg.cancel();
                try {
                    Aio.sleep(100.0);
                } catch (CancelledError e) {
                    trace.add("body cancelled");
                    throw e;
                }
                return "not reached";
            });
            assertThat(v).as("the body was interrupted").isNull();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
            assertThat(Aio.currentTask().cancelling()).isZero();
            Aio.sleep(1.0); // no cancellation left behind
        });
        assertThat(trace).containsExactlyInAnyOrder("child cancelled", "body cancelled");
    }

    @Test
    void cancelFromAChildWhileTheGroupWaitsReturnsTheBodyValue() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            String v = Aio.taskGroup(tg -> {
                tg.createTask(sleeperRecording(trace, "sleeper"));
                tg.createTask(Aio.async(() -> {
                    Aio.sleep(1.0);
                    tg.cancel();
                }));
                return "body value";
            });
            assertThat(v).isEqualTo("body value");
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        assertThat(trace).containsExactly("sleeper cancelled");
    }

    @Test
    void cancelDoesNotHideAFailure() {
        IOException cleanup = new IOException("cleanup");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(Aio.async(() -> {
                    try {
                        Aio.sleep(10.0);
                    } catch (CancelledError e) {
                        throw cleanup;
                    }
                }));
                Aio.sleep(1.0);
                tg.cancel();
                Aio.sleep(10.0);
            }));
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(cleanup);
        });
    }

    @Test
    void cancelDoesNotHideAnOuterCancellation() {
        VirtualRun.run(() -> {
            Task<Void> parent = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(after(10.0, "child"));
                    try {
                        Aio.sleep(10.0);
                    } catch (CancelledError e) {
                        tg.cancel(); // the group's own cancel on top of the outer one
                        throw e;
                    }
                });
            }));
            Aio.sleep(1.0);
            parent.cancel("outer");
            assertThatThrownBy(() -> Aio.await(parent)).isExactlyInstanceOf(CancelledError.class);
            assertThat(parent.cancelled()).isTrue();
        });
    }

    @Test
    void outerCancellationWhileTheGroupWaitsAfterCancelIsNotSwallowed() {
        VirtualRun.run(() -> {
            Task<String> parent = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(Aio.async(() -> {
                        try {
                            Aio.sleep(10.0);
                        } catch (CancelledError e) {
                            Aio.sleep(2.0); // slow cleanup: the group waits for it
                            throw e;
                        }
                    }));
                    tg.createTask(Aio.async(() -> {
                        Aio.sleep(1.0);
                        tg.cancel(); // the body already ended: the group is waiting
                    }));
                });
                return "went on as if not cancelled";
            }));
            Aio.sleep(2.0);
            parent.cancel("outer");
            assertThatThrownBy(() -> Aio.await(parent)).isExactlyInstanceOf(CancelledError.class);
            assertThat(parent.cancelled()).isTrue();
        });
    }

    @Test
    void cancelOfAFinishedGroupDoesNothing() {
        VirtualRun.run(() -> {
            AtomicReference<TaskGroup> group = new AtomicReference<>();
            Aio.taskGroup(tg -> {
                group.set(tg);
            });
            group.get().cancel();
            Aio.sleep(1.0); // the current task was not cancelled
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
    }

    @Test
    void nestedGroupFailureReachesTheOuterGroupAsANestedExceptionGroup() {
        IOException deep = new IOException("deep");
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(outer -> {
                outer.createTask(sleeperRecording(trace, "outer sibling"));
                Aio.taskGroup(inner -> {
                    inner.createTask(sleeperRecording(trace, "inner sibling"));
                    inner.createTask(failAfter(1.0, deep));
                });
            }));
            ExceptionGroup g = (ExceptionGroup) thrown;
            assertThat(g.exceptions()).singleElement().isInstanceOf(ExceptionGroup.class);
            ExceptionGroup nested = (ExceptionGroup) g.exceptions().get(0);
            assertThat(nested.exceptions()).containsExactly(deep);
            assertThat(g.contains(IOException.class)).isTrue();
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        assertThat(trace).containsExactlyInAnyOrder("inner sibling cancelled", "outer sibling cancelled");
    }

    @Test
    void nestedGroupsBothWaitForTheirTasks() {
        VirtualRun.run(() -> {
            String v = Aio.taskGroup(outer -> {
                Task<String> a = outer.createTask(after(3.0, "a"));
                String inner = Aio.taskGroup(tg -> {
                    tg.createTask(after(1.0, "b"));
                    return "inner";
                });
                assertThat(VirtualRun.now()).isEqualTo(1.0);
                assertThat(a.done()).isFalse();
                return inner;
            });
            assertThat(v).isEqualTo("inner");
            assertThat(VirtualRun.now()).isEqualTo(3.0);
        });
    }

    @Test
    void groupInsideATimeoutThatExpiresRaisesTimeoutError() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(sleeperRecording(trace, "child"));
                });
            })).isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
            assertThat(Aio.currentTask().cancelling()).isZero();
        });
        assertThat(trace).containsExactly("child cancelled");
    }

    @Test
    void groupWhoseBodyAwaitsInsideATimeoutThatExpiresRaisesTimeoutError() {
        VirtualRun.run(() -> {
            assertThatThrownBy(() -> Aio.timeout(1.0, () -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(after(10.0, "child"));
                    Aio.sleep(10.0);
                });
            })).isInstanceOf(TimeoutError.class);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
    }

    @Test
    void childFailingWhileTheBodyAwaitsInterruptsTheBody() {
        Steps steps = new Steps();
        IOException boom = new IOException("boom");
        VirtualRun.run(() -> {
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(failAfter(1.0, boom));
                Future<String> never = Aio.runningLoop().createFuture();
                steps.expect(1);
                try {
                    Aio.await(never);
                } catch (CancelledError e) {
                    steps.expect(2);
                    assertThat(never.cancelled()).isTrue();
                    throw e;
                }
            }));
            steps.expect(3);
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        steps.finish(4);
    }

    @Test
    void eagerTasksInAGroupRunAtCreationAndAreWaitedFor() {
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.runningLoop().setTaskFactory(TaskFactory.EAGER);
            Aio.taskGroup(tg -> {
                Task<String> done = tg.createTask(Aio.async(() -> {
                    trace.add("finished eagerly");
                    return "at once";
                }));
                assertThat(done.done()).isTrue();
                tg.createTask(Aio.async(() -> {
                    trace.add("started eagerly");
                    Aio.sleep(1.0);
                    trace.add("second step");
                }));
                trace.add("body continues");
            });
            assertThat(VirtualRun.now()).isEqualTo(1.0);
        });
        assertThat(trace).containsExactly("finished eagerly", "started eagerly", "body continues", "second step");
    }

    @Test
    void eagerTaskFailingAtCreationCancelsTheBodyAtItsNextSuspension() {
        IOException boom = new IOException("eager failure");
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            Aio.runningLoop().setTaskFactory(TaskFactory.EAGER);
            Throwable thrown = catchThrowable(() -> Aio.taskGroup(tg -> {
                tg.createTask(Aio.async(() -> {
                    throw boom;
                }));
                steps.expect(1); // createTask itself does not throw
                assertThatThrownBy(() -> tg.createTask(after(1.0, "refused")))
                        .isInstanceOf(IllegalStateException.class).hasMessageContaining("shutting down");
                try {
                    Aio.sleep(10.0);
                } catch (CancelledError e) {
                    steps.expect(2);
                    throw e;
                }
            }));
            assertThat(((ExceptionGroup) thrown).exceptions()).containsExactly(boom);
            assertThat(VirtualRun.now()).isZero();
        });
        steps.finish(3);
    }

    @Test
    void eagerTaskCancellingTheGroupDuringItsFirstStepIsCancelledToo() {
        // The eager task runs inside createTask, before the group tracks it: the abort must still reach it
        // (CPython gh-155418).
        List<String> trace = new CopyOnWriteArrayList<>();
        VirtualRun.run(() -> {
            Aio.runningLoop().setTaskFactory(TaskFactory.EAGER);
            String v = Aio.taskGroup(tg -> {
                tg.createTask(Aio.async(() -> {
                    tg.cancel(); // e.g. "I found the answer, stop the others"
                    try {
                        Aio.sleep(100.0);
                    } catch (CancelledError e) {
                        trace.add("eager task cancelled");
                        throw e;
                    }
                }));
                Aio.sleep(100.0);
                return "not reached";
            });
            assertThat(v).isNull();
            assertThat(VirtualRun.now()).isZero();
        });
        assertThat(trace).containsExactly("eager task cancelled");
    }

    @Test
    void failuresAreNotReportedAsUnretrieved() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            runner.run(Aio.async(() -> {
                assertThatThrownBy(() -> Aio.taskGroup(tg -> {
                    tg.createTask(failAfter(1.0, new IOException("a")));
                    tg.createTask(failAfter(1.0, new IOException("b")));
                })).isInstanceOf(ExceptionGroup.class);
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void taskGroupOutsideACoroutineThrowsIllegalState() {
        assertThatThrownBy(() -> Aio.taskGroup(tg -> "x")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("outside a coroutine");
    }

    @Test
    void createTaskWithNullThrowsNullPointer() {
        VirtualRun.run(() -> {
            Aio.taskGroup(tg -> {
                assertThatThrownBy(() -> tg.createTask(null)).isInstanceOf(NullPointerException.class);
            });
        });
    }

    @Test
    void createTaskNamesTheTask() {
        VirtualRun.run(() -> {
            List<String> names = new ArrayList<>();
            Aio.taskGroup(tg -> {
                names.add(tg.createTask(after(1.0, "x"), "worker").getName());
            });
            assertThat(names).containsExactly("worker");
        });
    }
}
