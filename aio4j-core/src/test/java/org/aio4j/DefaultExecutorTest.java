package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The default executor: its bound, {@link EventLoop#setDefaultExecutor}, and
 * {@link EventLoop#shutdownDefaultExecutor} with asyncio 3.12's timeout semantics and the error after it.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DefaultExecutorTest {

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void theBuiltInExecutorRunsVirtualThreadsAtMost256AtOnceByDefault() {
        String before = System.clearProperty(DefaultExecutor.MAX_THREADS_PROPERTY);
        try {
            DefaultExecutor ex = new DefaultExecutor();
            assertThat(ex.maxThreads()).isEqualTo(256);
            ex.shutdown();
        } finally {
            if (before != null) {
                System.setProperty(DefaultExecutor.MAX_THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void theBoundComesFromTheSystemPropertyAndTheCallBeyondItWaitsForAFreeThread() {
        String before = System.setProperty(DefaultExecutor.MAX_THREADS_PROPERTY, "2");
        try {
            List<String> order = new CopyOnWriteArrayList<>();
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            Aio.run(Aio.async(() -> {
                CountDownLatch release = new CountDownLatch(1);
                CountDownLatch twoStarted = new CountDownLatch(2);
                EventLoop loop = Aio.runningLoop();
                List<Future<Object>> calls = new java.util.ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int n = i;
                    calls.add(loop.runInExecutor(null, () -> {
                        maxRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                        order.add("start " + n);
                        twoStarted.countDown();
                        release.await();
                        running.decrementAndGet();
                        return null;
                    }));
                }
                while (twoStarted.getCount() > 0) { // not toThread: a fourth call would queue as well
                    Aio.sleep(0.01);
                }
                Aio.sleep(0.1);
                assertThat(order).as("the third call waits for a free thread").hasSize(2);
                release.countDown();
                Aio.await(Aio.gather(calls));
            }));
            assertThat(maxRunning).hasValue(2);
            assertThat(order).hasSize(3);
        } finally {
            if (before == null) {
                System.clearProperty(DefaultExecutor.MAX_THREADS_PROPERTY);
            } else {
                System.setProperty(DefaultExecutor.MAX_THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void anInvalidBoundIsReportedAndTheDefaultUsed() {
        String before = System.setProperty(DefaultExecutor.MAX_THREADS_PROPERTY, "zero");
        try (LogCapture log = LogCapture.start()) {
            assertThat(DefaultExecutor.configuredMaxThreads()).isEqualTo(DefaultExecutor.DEFAULT_MAX_THREADS);
            assertThat(log.messages()).anySatisfy(m -> assertThat(m).contains("not a positive integer"));
        } finally {
            if (before == null) {
                System.clearProperty(DefaultExecutor.MAX_THREADS_PROPERTY);
            } else {
                System.setProperty(DefaultExecutor.MAX_THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void shutdownWaitsForRunningWorkWithoutBlockingTheLoop() {
        List<String> order = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.runInExecutor(null, () -> {
                Thread.sleep(200);
                order.add("work done");
                return null;
            });
            Task<Void> ticker = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.05);
                order.add("loop ticked during the shutdown");
            }));
            Aio.await(loop.shutdownDefaultExecutor(Duration.ofSeconds(5)));
            order.add("shutdown returned");
            Aio.await(ticker);
        }));
        assertThat(order).containsExactly("loop ticked during the shutdown", "work done", "shutdown returned");
    }

    @Test
    void shutdownGivesUpAfterTheTimeoutWithAWarningAndLeavesTheWorkRunning() {
        CountDownLatch release = new CountDownLatch(1);
        try (LogCapture log = LogCapture.start()) {
            long start = System.nanoTime();
            Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                loop.runInExecutor(null, () -> {
                    release.await(10, TimeUnit.SECONDS);
                    return null;
                });
                Aio.await(loop.shutdownDefaultExecutor(Duration.ofMillis(200)));
            }));
            assertThat(secondsSince(start)).isLessThan(3.0);
            assertThat(log.messages()).anySatisfy(m ->
                    assertThat(m).contains("did not finish its work within PT0.2S"));
        } finally {
            release.countDown();
        }
    }

    @Test
    void afterTheShutdownToThreadAndRunInExecutorNullSayWhatToDo() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Aio.toThread(() -> 1);
            Aio.await(loop.shutdownDefaultExecutor(null));
            assertThatThrownBy(() -> Aio.toThread(() -> 2)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("default executor was shut down")
                    .hasMessageContaining("setDefaultExecutor")
                    .hasMessageContaining("runInExecutor(executor, fn)");
            assertThatThrownBy(() -> loop.runInExecutor(null, () -> 3)).isInstanceOf(IllegalStateException.class);
        }));
    }

    @Test
    void theShutdownMarksTheExecutorShutDownEvenIfItWasNeverUsed() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Aio.await(loop.shutdownDefaultExecutor(Duration.ofSeconds(1)));
            assertThatThrownBy(() -> Aio.toThread(() -> 2)).isInstanceOf(IllegalStateException.class);
        }));
    }

    @Test
    void anExplicitExecutorStillWorksAfterTheShutdown() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            int r = Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                Aio.await(loop.shutdownDefaultExecutor(Duration.ofSeconds(1)));
                return Aio.await(loop.runInExecutor(pool, () -> 5));
            }));
            assertThat(r).isEqualTo(5);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void setDefaultExecutorRunsToThreadOnItAndReopensAfterAShutdown() {
        ExecutorService pool = Executors.newSingleThreadExecutor(r -> new Thread(r, "my-pool"));
        String name = Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Aio.await(loop.shutdownDefaultExecutor(Duration.ofSeconds(1)));
            loop.setDefaultExecutor(pool);
            return Aio.toThread(() -> Thread.currentThread().getName());
        }));
        assertThat(name).isEqualTo("my-pool");
        assertThat(pool.isShutdown()).as("an ExecutorService set as default is shut down by Aio.run at exit").isTrue();
    }

    @Test
    void aPlainExecutorAndTheCommonPoolAreNotShutDown() {
        AtomicInteger ran = new AtomicInteger();
        Executor plain = r -> {
            ran.incrementAndGet();
            Thread.ofPlatform().start(r);
        };
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.setDefaultExecutor(plain);
            Aio.toThread(() -> 1);
            loop.setDefaultExecutor(ForkJoinPool.commonPool());
            Aio.toThread(() -> 2);
            Aio.await(loop.shutdownDefaultExecutor(Duration.ofSeconds(1)));
        }));
        assertThat(ran).hasValue(1);
        assertThat(ForkJoinPool.commonPool().isShutdown()).isFalse();
    }

    @Test
    void setDefaultExecutorNullGoesBackToTheBuiltInOne() {
        Thread worker = Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.setDefaultExecutor(ForkJoinPool.commonPool());
            loop.setDefaultExecutor(null);
            return Aio.toThread(Thread::currentThread);
        }));
        assertThat(worker.getName()).startsWith("aio4j-to-thread-");
    }

    @Test
    void workOnABuiltInExecutorReplacedBySetDefaultExecutorIsStillWaitedForAtExit() {
        AtomicReference<String> late = new AtomicReference<>();
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.runInExecutor(null, () -> {
                Thread.sleep(100);
                late.set("finished");
                return null;
            });
            loop.setDefaultExecutor(ForkJoinPool.commonPool());
        }));
        assertThat(late).hasValue("finished");
    }

    @Test
    void aCancelledShutdownInterruptsOnlyItsOwnWaitAndStillMarksTheExecutorShutDown() {
        CountDownLatch release = new CountDownLatch(1);
        try {
            Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                Future<Object> work = loop.runInExecutor(null, () -> {
                    release.await(10, TimeUnit.SECONDS);
                    return "done";
                });
                assertThatThrownBy(() -> Aio.timeout(0.1, () -> Aio.await(loop.shutdownDefaultExecutor(null))))
                        .isInstanceOf(TimeoutError.class);
                assertThatThrownBy(() -> Aio.toThread(() -> 2)).isInstanceOf(IllegalStateException.class);
                release.countDown();
                assertThat(Aio.await(work)).isEqualTo("done");
            }));
        } finally {
            release.countDown();
        }
    }
}
