package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * asyncio's finalisation of async generators: those abandoned mid-iteration are closed by
 * {@link EventLoop#shutdownAsyncgens()} at the end of {@link Aio#run} (concurrently, with time for
 * finally blocks that await; errors go to the exception handler), or soon after their handle is
 * garbage-collected. Also the pinning rule of LOOP_SCHEDULED mode and the strand the body runs on.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncGeneratorShutdownTest {

    private static AsyncGenerator<Integer> endless(String name, List<String> trace, double cleanupSeconds) {
        return Aio.asyncGenerator(name, out -> {
            try {
                for (int i = 0; ; i++) {
                    out.yield(i);
                }
            } finally {
                trace.add(name + " finally");
                Aio.sleep(cleanupSeconds);
                trace.add(name + " cleaned up");
            }
        });
    }

    @Test
    void aioRunClosesAGeneratorAbandonedByABreakAndWaitsForItsFinallyThatAwaits() {
        List<String> trace = new CopyOnWriteArrayList<>();
        AsyncGenerator<Integer> kept = Aio.run(Aio.async(() -> {
            AsyncGenerator<Integer> g = endless("ticker", trace, 0.05);
            for (int v : g) {
                if (v == 3) {
                    break;
                }
            }
            trace.add("main returned");
            return g;
        }));
        assertThat(trace).containsExactly("main returned", "ticker finally", "ticker cleaned up");
        assertThat(kept.state()).isEqualTo(AsyncGeneratorState.CLOSED);
    }

    @Test
    void shutdownClosesAbandonedGeneratorsConcurrently() {
        List<String> trace = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        Aio.run(Aio.async(() -> {
            for (String name : List.of("a", "b", "c")) {
                endless(name, trace, 0.3).anext();
            }
        }));
        double took = (System.nanoTime() - start) / 1e9;
        assertThat(trace).containsExactlyInAnyOrder("a finally", "b finally", "c finally",
                "a cleaned up", "b cleaned up", "c cleaned up");
        assertThat(took).as("three 0.3 s cleanups side by side").isLessThan(0.85);
    }

    @Test
    void anErrorWhileClosingAtShutdownGoesToTheExceptionHandler() {
        List<ExceptionContext> reported = new CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create()) {
            runner.getLoop().setExceptionHandler((loop, context) -> reported.add(context));
            runner.run(Aio.async(() -> {
                AsyncGenerator<Integer> g = Aio.asyncGenerator("faulty", out -> {
                    try {
                        out.yield(1);
                    } finally {
                        throw new IOException("cleanup failed");
                    }
                });
                g.anext();
            }));
        }
        assertThat(reported).hasSize(1);
        assertThat(reported.get(0).message()).contains("closing of asynchronous generator 'faulty'");
        assertThat(reported.get(0).exception()).isInstanceOf(IOException.class).hasMessage("cleanup failed");
    }

    @Test
    void shutdownAsyncgensCanBeAwaitedByHandAndLeavesFinishedGeneratorsAlone() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            AsyncGenerator<Integer> finished = endless("done", trace, 0);
            finished.anext();
            finished.aclose();
            AsyncGenerator<Integer> open = endless("open", trace, 0);
            open.anext();
            trace.add("before");
            Aio.await(Aio.runningLoop().shutdownAsyncgens());
            trace.add("after");
            assertThat(open.state()).isEqualTo(AsyncGeneratorState.CLOSED);
        }));
        assertThat(trace).containsExactly("done finally", "done cleaned up", "before", "open finally",
                "open cleaned up", "after");
    }

    @Test
    void aGeneratorStartedAfterShutdownAsyncgensStillWorksAndAWarningSaysNothingWillCloseIt() {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("org.aio4j");
        List<String> warnings = new CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                warnings.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        boolean parents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
        List<Integer> got;
        try {
            got = runLateGenerator();
        } finally {
            logger.removeHandler(capture);
            logger.setUseParentHandlers(parents);
        }
        assertThat(got).containsExactly(1, 2);
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains("first iterated after shutdownAsyncgens()"));
    }

    private static List<Integer> runLateGenerator() {
        return Aio.run(Aio.async(() -> {
            Aio.await(Aio.runningLoop().shutdownAsyncgens());
            AsyncGenerator<Integer> late = Aio.asyncGenerator(out -> {
                out.yield(1);
                out.yield(2);
            });
            List<Integer> all = new ArrayList<>();
            for (int v : late) {
                all.add(v);
            }
            return all;
        }));
    }

    @Test
    void aGeneratorWhoseHandleIsCollectedIsClosedOnItsLoop() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            abandonOne(trace);
            for (int i = 0; i < 500 && !trace.contains("dropped cleaned up"); i++) {
                System.gc();
                Aio.sleep(0.01);
            }
            trace.add("main saw it");
        }));
        assertThat(trace).containsExactly("dropped finally", "dropped cleaned up", "main saw it");
    }

    private static void abandonOne(List<String> trace) {
        AsyncGenerator<Integer> g = endless("dropped", trace, 0);
        assertThat(g.anext()).isZero();
    }

    @Test
    void theBodyRunsOnTheConsumersThreadWhenTasksAreLoopScheduled() {
        Thread[] seen = new Thread[2];
        Aio.run(Aio.async(() -> {
            seen[0] = Thread.currentThread();
            AsyncGenerator<Thread> g = Aio.asyncGenerator(out -> out.yield(Thread.currentThread()));
            seen[1] = g.anext();
            g.aclose();
        }));
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            assertThat(seen[1]).isSameAs(seen[0]);
        } else {
            assertThat(seen[1]).isNotSameAs(seen[0]);
            assertThat(seen[1].getName()).contains("aio4j-async-generator");
        }
    }

    @Test
    void awaitingInsideSynchronizedInTheBodyFailsClearlyOnlyWhereMonitorsPinContinuations() {
        Object lock = new Object();
        Throwable[] failure = {null};
        List<Integer> got = Aio.run(Aio.async(() -> {
            AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
                synchronized (lock) {
                    Aio.sleep(0.01);
                }
                out.yield(1);
            });
            try {
                return g.toList();
            } catch (IllegalStateException e) {
                failure[0] = e;
                return List.of();
            }
        }));
        if (monitorsPin()) {
            assertThat(failure[0]).hasMessageContaining("cannot await inside a synchronized block");
        } else {
            assertThat(failure[0]).isNull();
            assertThat(got).containsExactly(1);
        }
    }

    @Test
    void yieldingInsideSynchronizedFailsClearlyOnlyWhereMonitorsPinContinuations() {
        Object lock = new Object();
        Aio.run(Aio.async(() -> {
            AsyncGenerator<Integer> g = Aio.asyncGenerator(out -> {
                synchronized (lock) {
                    out.yield(1);
                }
            });
            if (monitorsPin()) {
                assertThatThrownBy(g::anext).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("cannot yield a value inside a synchronized block");
            } else {
                assertThat(g.anext()).isEqualTo(1);
                g.aclose();
            }
        }));
    }

    /** Before JDK 24 (JEP 491) a continuation cannot be suspended while its frames hold a monitor. */
    private static boolean monitorsPin() {
        return Aio.strandMode() == StrandMode.LOOP_SCHEDULED && Runtime.version().feature() < 24;
    }

    @Test
    void nestedGeneratorsAwaitingInsideEachOtherWork() {
        List<Integer> got = Aio.run(Aio.async(() -> {
            AsyncGenerator<Integer> inner = Aio.asyncGenerator(out -> {
                for (int i = 0; i < 3; i++) {
                    Aio.sleep(0.001);
                    out.yield(i);
                }
            });
            AsyncGenerator<Integer> outer = Aio.asyncGenerator(out -> {
                for (int v : inner) {
                    Aio.sleep(0);
                    Aio.sleep(0.001);
                    out.yield(v * 10);
                }
            });
            List<Integer> all = new ArrayList<>();
            for (int v : outer) {
                all.add(v);
            }
            return all;
        }));
        assertThat(got).containsExactly(0, 10, 20);
    }
}
