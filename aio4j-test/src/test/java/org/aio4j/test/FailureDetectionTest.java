package org.aio4j.test;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;
import org.junit.platform.testkit.engine.Events;

/**
 * The kit fails tests when it should: each fixture below is a small {@code @AioTest} class run
 * through JUnit's engine test kit, and the test checks that it failed, and why. (Surefire does not
 * run nested classes on its own.) {@code void} fixtures run on Jupiter, {@code Coro}-returning ones
 * on {@link AioTestEngine}: both go through the same checks.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FailureDetectionTest {

    private static Events run(Class<?> fixture, String method) {
        java.lang.reflect.Method m = java.util.Arrays.stream(fixture.getDeclaredMethods())
                .filter(x -> x.getName().equals(method)).findFirst().orElseThrow();
        String engine = Coro.class.isAssignableFrom(m.getReturnType()) ? AioTestEngine.ID : "junit-jupiter";
        return EngineTestKit.engine(engine)
                .selectors(selectMethod(fixture, m))
                .execute()
                .testEvents();
    }

    private static String failureOf(Class<?> fixture, String method) {
        Events events = run(fixture, method);
        List<Event> failed = events.failed().list();
        assertThat(failed).as("%s.%s should fail", fixture.getSimpleName(), method).hasSize(1);
        Throwable t = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        for (Throwable s : t.getSuppressed()) {
            sb.append('\n').append(s.getMessage());
        }
        return sb.toString();
    }

    private static void assertPasses(Class<?> fixture, String method) {
        Events events = run(fixture, method);
        assertThat(events.succeeded().count()).as("%s.%s should pass", fixture.getSimpleName(), method).isEqualTo(1);
    }

    // ------------------------------------------------------------------ fixtures

    static class Fixtures {
        @AioTest(timeout = 20)
        void failsWhileATaskIgnoresItsCancellation() {
            createTask(async(() -> {
                while (true) {
                    try {
                        sleep(10);
                    } catch (org.aio4j.CancelledError ignored) {
                        // a bug under test: it will not stop
                    }
                }
            }), "stubborn");
            sleep(1);
            throw new AssertionError("the real failure");
        }

        @AioTest
        void leaksATask() {
            createTask(async(() -> sleep(100)), "forgotten-poller");
        }

        @AioTest
        void failedTaskNobodyAwaits() {
            createTask(async(() -> {
                throw new IllegalStateException("boom in the background");
            }), "careless");
            sleep(1);
        }

        @AioTest
        void neverAwaitsACoroutine() {
            Coro<Integer> c = async("lonely", () -> 1);
            sleep(1);
            assertThat(c).isNotNull();
        }

        @AioTest
        void callbackThrows(EventLoop loop) {
            loop.callSoon(() -> {
                throw new IllegalArgumentException("bad callback");
            });
            sleep(1);
        }

        @AioTest(virtualTimeout = 60)
        void waitsForeverInVirtualTime(EventLoop loop) {
            createTask(async(() -> await(loop.createFuture())), "stuck-waiter");
            sleep(3600);
        }

        @AioTest(realTime = true, timeout = 0.5)
        void waitsForeverInRealTime(EventLoop loop) {
            await(loop.createFuture());
        }

        @AioTest(timeout = 0.5)
        void spinsOnTheLoopThread() {
            long end = System.nanoTime() + 5_000_000_000L; // > limit + grace, then it ends by itself
            while (System.nanoTime() < end) {
                Thread.onSpinWait(); // never awaits: nothing can stop it cooperatively
            }
        }

        @AioTest
        void stepsOutOfOrderInASwallowingTask(TestLoop test) {
            test.expect(1);
            Task2.run(test);
            test.finish(2);
        }

        @AioTest
        void stepsNeverFinish(TestLoop test) {
            test.expect(1);
            test.expect(2);
        }

        @AioTest
        void failsItselfAndLeaks() {
            createTask(async(() -> sleep(100)), "also-leaked");
            throw new AssertionError("the test's own failure");
        }

        @AioTest
        void cleanTest() {
            await(createTask(async(() -> sleep(5))));
        }

        @AioTest(shuffle = true, seed = 7)
        void failsUnderShuffle() {
            throw new AssertionError("order-dependent failure");
        }
    }

    /** The same kinds of mess, made by tests that return their coroutine. */
    static class CoroFixtures {
        @AioTest
        Coro<Void> leaksATask() {
            return async(() -> {
                createTask(async(() -> sleep(100)), "forgotten-poller");
            });
        }

        @AioTest(virtualTimeout = 60)
        Coro<Void> waitsForeverInVirtualTime(EventLoop loop) {
            return async(() -> {
                createTask(async(() -> await(loop.createFuture())), "stuck-waiter");
                sleep(3600);
            });
        }

        @AioTest(realTime = true, timeout = 0.5)
        Coro<Void> waitsForeverInRealTime(EventLoop loop) {
            return async(() -> {
                await(loop.createFuture());
            });
        }

        @AioTest
        Coro<Void> failsInsideTheCoroutineAndLeaks() {
            return async(() -> {
                createTask(async(() -> sleep(100)), "also-leaked");
                sleep(1);
                throw new IllegalStateException("the coroutine's own failure");
            });
        }

        @AioTest
        Coro<Void> throwsBeforeReturningACoro() {
            throw new AssertionError("no coroutine today");
        }

        @AioTest
        Coro<Void> returnsNull() {
            return null;
        }

        @AioTest
        Coro<Integer> returnsOneCoroAndForgetsAnother() {
            Coro<Integer> lonely = async("lonely", () -> 1);
            assertThat(lonely).isNotNull();
            return async(() -> 2);
        }

        @AioTest
        Coro<Void> unretrievedTaskException() {
            return async(() -> {
                createTask(async(() -> {
                    throw new IllegalStateException("boom in the background");
                }), "careless");
                sleep(1);
            });
        }

        @AioTest(shuffle = true, seed = 7)
        Coro<Void> failsUnderShuffle() {
            return async(() -> {
                throw new AssertionError("order-dependent failure");
            });
        }

        @AioTest
        Coro<Void> cleanTest() {
            return async(() -> {
                await(createTask(async(() -> sleep(5))));
            });
        }
    }

    /** A task that hits an out-of-order step and swallows the error. */
    static final class Task2 {
        static void run(TestLoop test) {
            await(createTask(async(() -> {
                try {
                    test.expect(5);
                } catch (AssertionError swallowed) {
                    // careless code: the kit still reports it
                }
            })));
        }
    }

    /** Records the order in which ready tasks ran, under shuffle with a given seed. */
    static class ShuffleOrder {
        static final List<List<Integer>> ORDERS = new ArrayList<>();

        @AioTest(shuffle = true, seed = 1234)
        void recordOrder() {
            List<Integer> order = new ArrayList<>();
            List<org.aio4j.Task<Void>> tasks = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                int n = i;
                tasks.add(createTask(async(() -> {
                    order.add(n);
                })));
            }
            await(Aio.gather(tasks));
            synchronized (ORDERS) {
                ORDERS.add(order);
            }
        }
    }

    // ------------------------------------------------------------------ tests

    @Test
    void pendingTaskAtTheEndFailsTheTestNamingIt() {
        String why = failureOf(Fixtures.class, "leaksATask");
        assertThat(why).contains("task still pending when the test ended: 'forgotten-poller' parked at");
    }

    @Test
    void unretrievedTaskExceptionFailsTheTest() {
        String why = failureOf(Fixtures.class, "failedTaskNobodyAwaits");
        assertThat(why).contains("Task exception was never retrieved (task 'careless')")
                .contains("boom in the background");
    }

    @Test
    void coroutineNeverAwaitedFailsTheTest() {
        assertThat(failureOf(Fixtures.class, "neverAwaitsACoroutine"))
                .contains("coroutine 'lonely' was never awaited");
    }

    @Test
    void errorReportedToTheExceptionHandlerFailsTheTest() {
        assertThat(failureOf(Fixtures.class, "callbackThrows"))
                .contains("the loop reported: Exception in callback").contains("bad callback");
    }

    @Test
    void virtualTimeoutFailsWithEveryTaskAndWhereItIsParked() {
        String why = failureOf(Fixtures.class, "waitsForeverInVirtualTime");
        assertThat(why).contains("exceeded its virtual-time limit of 60.0 s")
                .contains("'test-main' parked at")
                .contains("'stuck-waiter' parked at")
                .contains("FailureDetectionTest$Fixtures");
    }

    @Test
    void realTimeoutFailsWithTheParkedTasks() {
        String why = failureOf(Fixtures.class, "waitsForeverInRealTime");
        assertThat(why).contains("exceeded its real-time limit of 0.5 s").contains("'test-main' parked at");
    }

    @Test
    void loopThatNeverYieldsFailsOnTheRealTimeLimitInsteadOfHanging() {
        String why = failureOf(Fixtures.class, "spinsOnTheLoopThread");
        assertThat(why).contains("does not respond");
    }

    @Test
    void outOfOrderStepFailsTheTestEvenWhenSwallowed() {
        assertThat(failureOf(Fixtures.class, "stepsOutOfOrderInASwallowingTask"))
                .contains("expected step 5 but the last step was 1");
    }

    @Test
    void stepsWithoutFinishFailTheTest() {
        assertThat(failureOf(Fixtures.class, "stepsNeverFinish")).contains("finish(n) was never reached");
    }

    @Test
    void testsOwnFailureComesFirstWithLeaksAttached() {
        String why = failureOf(Fixtures.class, "failsItselfAndLeaks");
        assertThat(why).startsWith("the test's own failure").contains("'also-leaked'");
    }

    @Test
    void cleanTestPasses() {
        assertPasses(Fixtures.class, "cleanTest");
    }

    @Test
    void shuffleFailureReportsTheSeed() {
        assertThat(failureOf(Fixtures.class, "failsUnderShuffle"))
                .contains("shuffle seed 7 (replay with -Daio4j.test.seed=7)");
    }

    @Test
    void sameShuffleSeedGivesTheSameOrderAndShuffles() {
        ShuffleOrder.ORDERS.clear();
        assertPasses(ShuffleOrder.class, "recordOrder");
        assertPasses(ShuffleOrder.class, "recordOrder");
        assertThat(ShuffleOrder.ORDERS).hasSize(2);
        assertThat(ShuffleOrder.ORDERS.get(0)).isEqualTo(ShuffleOrder.ORDERS.get(1))
                .containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7)
                .isNotEqualTo(List.of(0, 1, 2, 3, 4, 5, 6, 7));
    }

    // ------------------------------------------------------------------ the same, for Coro tests

    @Test
    void coroTestThatLeaksATaskFailsNamingIt() {
        assertThat(failureOf(CoroFixtures.class, "leaksATask"))
                .contains("task still pending when the test ended: 'forgotten-poller' parked at");
    }

    @Test
    void coroTestOverItsVirtualLimitFailsWithEveryTaskAndWhereItIsParked() {
        String why = failureOf(CoroFixtures.class, "waitsForeverInVirtualTime");
        assertThat(why).contains("exceeded its virtual-time limit of 60.0 s")
                .contains("'test-main' parked at")
                .contains("'stuck-waiter' parked at")
                .contains("FailureDetectionTest$CoroFixtures");
    }

    @Test
    void coroTestOverItsRealLimitFails() {
        assertThat(failureOf(CoroFixtures.class, "waitsForeverInRealTime"))
                .contains("exceeded its real-time limit of 0.5 s").contains("'test-main' parked at");
    }

    @Test
    void coroutinesOwnFailureComesFirstWithLeaksAttached() {
        String why = failureOf(CoroFixtures.class, "failsInsideTheCoroutineAndLeaks");
        assertThat(why).startsWith("the coroutine's own failure").contains("'also-leaked'");
    }

    @Test
    void coroTestMethodThatThrowsBeforeReturningFailsWithItsException() {
        assertThat(failureOf(CoroFixtures.class, "throwsBeforeReturningACoro")).startsWith("no coroutine today");
    }

    @Test
    void coroTestThatReturnsNullFailsSayingSo() {
        assertThat(failureOf(CoroFixtures.class, "returnsNull"))
                .contains("CoroFixtures.returnsNull returned null instead of a Coro");
    }

    @Test
    void coroutineNeverAwaitedNextToTheReturnedOneFailsTheTest() {
        assertThat(failureOf(CoroFixtures.class, "returnsOneCoroAndForgetsAnother"))
                .contains("coroutine 'lonely' was never awaited");
    }

    @Test
    void unretrievedTaskExceptionFailsACoroTest() {
        assertThat(failureOf(CoroFixtures.class, "unretrievedTaskException"))
                .contains("Task exception was never retrieved (task 'careless')");
    }

    @Test
    void coroTestShuffleFailureReportsTheSeed() {
        assertThat(failureOf(CoroFixtures.class, "failsUnderShuffle"))
                .contains("shuffle seed 7 (replay with -Daio4j.test.seed=7)");
    }

    @Test
    void cleanCoroTestPasses() {
        assertPasses(CoroFixtures.class, "cleanTest");
    }

    // ------------------------------------------------------------------ test templates

    static class TemplateFixtures {
        @org.junit.jupiter.params.ParameterizedTest
        @org.junit.jupiter.params.provider.ValueSource(ints = {0, 1})
        @org.junit.jupiter.api.extension.ExtendWith(AioTestExtension.class)
        void leaksWhenAskedTo(int leak, TestLoop test) {
            sleep(3600);                                  // virtual: an hour in no time
            assertThat(test.time()).isEqualTo(3600.0);
            if (leak == 1) {
                createTask(async(() -> sleep(100)), "leaked-by-invocation-1");
            }
        }
    }

    @Test
    void everyInvocationOfATemplateRunsOnItsOwnLoopWithTheLeakChecks() {
        Events events = EngineTestKit.engine("junit-jupiter")
                .selectors(selectMethod(TemplateFixtures.class, "leaksWhenAskedTo", "int, org.aio4j.test.TestLoop"))
                .execute()
                .testEvents();
        assertThat(events.succeeded().count()).isEqualTo(1);
        List<Event> failed = events.failed().list();
        assertThat(failed).hasSize(1);
        Throwable t = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertThat(t.getMessage()).contains("leaked-by-invocation-1");
    }

    @Test
    void taskIgnoringCancellationAtTheEndDoesNotHideTheTestsOwnFailure() {
        String failure = failureOf(Fixtures.class, "failsWhileATaskIgnoresItsCancellation");
        assertThat(failure).startsWith("the real failure")
                .contains("task ignored its cancellation when the test ended (still pending 60.0 s later): 'stubborn'")
                .doesNotContain("real-time limit");   // before: the cleanup hung until the limit
    }
}
