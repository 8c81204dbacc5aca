package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#toThread} and {@link EventLoop#runInExecutor}: context, cancellation that interrupts the
 * worker and completes only once it has returned, the outcome of cancelled work. Real time throughout
 * (threads are involved), with wide tolerances.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ToThreadTest {

    private static final ContextVar<String> REQUEST = ContextVar.of("request", "none");

    private static double secondsSince(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void theWorkerSeesTheCallersContextVariables() {
        String seen = Aio.run(Aio.async(() -> {
            REQUEST.set("r-42");
            return Aio.toThread(REQUEST::get);
        }));
        assertThat(seen).isEqualTo("r-42");
    }

    @Test
    void runInExecutorCarriesTheContextToAnExplicitExecutorToo() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            String seen = Aio.run(Aio.async(() -> {
                REQUEST.set("r-7");
                return Aio.await(Aio.runningLoop().runInExecutor(pool, REQUEST::get));
            }));
            assertThat(seen).isEqualTo("r-7");
            assertThat(pool.submit(() -> REQUEST.get()).get()).as("the pool thread's own context is left as it was")
                    .isEqualTo("none");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cancellingTheAwaitingTaskInterruptsTheWorkerAndRaisesOnlyAfterTheWorkerFinished() {
        List<String> order = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            CountDownLatch started = new CountDownLatch(1);
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                try {
                    Aio.toThread(() -> {
                        started.countDown();
                        try {
                            Thread.sleep(10_000);
                            order.add("worker slept to the end");
                        } catch (InterruptedException e) {
                            order.add("worker interrupted");
                            throw e;
                        } finally {
                            Thread.sleep(100); // cleanup that takes a while: the task must wait for it
                            order.add("worker finally");
                        }
                        return null;
                    });
                } catch (CancelledError e) {
                    order.add("task saw CancelledError");
                    throw e;
                }
            }));
            Aio.toThread(() -> started.await(5, TimeUnit.SECONDS));
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        }));
        assertThat(order).containsExactly("worker interrupted", "worker finally", "task saw CancelledError");
    }

    @Test
    void aTimeoutAroundToThreadStopsAThreeSecondSleepAfterOneSecondAndRunDoesNotWaitAtExit() {
        long start = System.nanoTime();
        AtomicReference<Double> atTimeout = new AtomicReference<>();
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> {
            try {
                Aio.timeout(1.0, () -> Aio.toThread(() -> {
                    Thread.sleep(3_000);
                    return "slept";
                }));
            } finally {
                atTimeout.set(secondsSince(start));
            }
        }))).isInstanceOf(TimeoutError.class);
        double total = secondsSince(start);
        assertThat(atTimeout.get()).isBetween(0.9, 2.0);
        assertThat(total).as("Aio.run has no orphaned sleep to wait for at exit").isLessThan(2.5);
    }

    @Test
    void aTimeoutStopsABlockingPipeReadThatNothingWillEverFeed() throws IOException {
        Pipe pipe = Pipe.open(); // blocking by default: an InterruptibleChannel
        try {
            long start = System.nanoTime();
            AtomicReference<Throwable> workerSaw = new AtomicReference<>();
            assertThatThrownBy(() -> Aio.run(Aio.async(() -> Aio.timeout(0.3, () -> Aio.toThread(() -> {
                try {
                    return pipe.source().read(ByteBuffer.allocate(16));
                } catch (IOException e) {
                    workerSaw.set(e);
                    throw e;
                }
            }))))).isInstanceOf(TimeoutError.class);
            assertThat(secondsSince(start)).isLessThan(2.0);
            assertThat(workerSaw.get()).isInstanceOf(ClosedByInterruptException.class);
            assertThat(pipe.source().isOpen()).as("an interrupted channel operation closes the channel").isFalse();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }

    /** A new FIFO (named pipe) in a temp dir, or a skipped test where mkfifo is missing. */
    private static Path fifo() throws Exception {
        Path dir = Files.createTempDirectory("aio4j-fifo");
        Path fifo = dir.resolve("fifo");
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).start();
        } catch (IOException e) {
            p = null;
        }
        assumeTrue(p != null && p.waitFor() == 0 && Files.exists(fifo), "needs mkfifo");
        return fifo;
    }

    private static void deleteFifo(Path fifo) throws IOException {
        Files.deleteIfExists(fifo);
        Files.deleteIfExists(fifo.getParent());
    }

    @Test
    void aTimeoutStopsAFifoReadOnAPlatformThreadExecutor() throws Exception {
        Path fifo = fifo();
        ExecutorService platform = Executors.newFixedThreadPool(1);
        // READ and WRITE: opening a FIFO for reading alone blocks until a writer opens it.
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> Aio.run(Aio.async(() -> Aio.timeout(0.3, () ->
                    Aio.await(Aio.runningLoop().runInExecutor(platform, () -> ch.read(ByteBuffer.allocate(8))))))))
                    .isInstanceOf(TimeoutError.class);
            assertThat(secondsSince(start)).isLessThan(2.0);
            assertThat(ch.isOpen()).isFalse();
        } finally {
            platform.shutdownNow();
            deleteFifo(fifo);
        }
    }

    @Test
    void aFifoReadOnAVirtualThreadCannotBeInterruptedSoTheCancellationWaitsButTheLoopRunsOn() throws Exception {
        Path fifo = fifo();
        List<String> order = new CopyOnWriteArrayList<>();
        try (FileChannel ch = FileChannel.open(fifo, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            Aio.run(Aio.async(() -> {
                CountDownLatch reading = new CountDownLatch(1);
                Future<Integer> read = Aio.runningLoop().runInExecutor(null, () -> {
                    reading.countDown();
                    try {
                        return ch.read(ByteBuffer.allocate(8));
                    } finally {
                        order.add("read returned");
                    }
                });
                Aio.toThread(() -> reading.await(5, TimeUnit.SECONDS));
                Aio.sleep(0.05); // into the read(2) call
                read.cancel();
                int ticks = 0;
                for (; ticks < 5; ticks++) {
                    Aio.sleep(0.02); // the loop is not held by the interrupt
                }
                assertThat(read.done()).as("the JDK cannot signal a virtual thread out of read(2)").isFalse();
                try (FileChannel writer = FileChannel.open(fifo, StandardOpenOption.WRITE)) {
                    writer.write(ByteBuffer.wrap(new byte[] {1})); // data arrives: the read returns
                }
                assertThatThrownBy(() -> Aio.await(read)).isInstanceOf(CancelledError.class);
                order.add("cancellation completed after " + ticks + " ticks");
            }));
        } finally {
            deleteFifo(fifo);
        }
        assertThat(order).containsExactly("read returned", "cancellation completed after 5 ticks");
    }

    @Test
    void workThatIgnoresInterruptsIsWaitedForBeforeTheCancellationCompletes() {
        List<String> order = new CopyOnWriteArrayList<>();
        long start = System.nanoTime();
        Aio.run(Aio.async(() -> {
            AtomicBoolean started = new AtomicBoolean();
            Task<Void> t = Aio.createTask(Aio.async(() -> {
                try {
                    Aio.toThread(() -> {
                        started.set(true);
                        long end = System.nanoTime() + 400_000_000L; // deaf to interrupts, like a FileInputStream read
                        while (System.nanoTime() - end < 0) {
                            Thread.onSpinWait();
                        }
                        order.add("worker returned");
                        return null;
                    });
                } catch (CancelledError e) {
                    order.add("task saw CancelledError");
                    throw e;
                }
            }));
            while (!started.get()) {
                Aio.sleep(0.005);
            }
            t.cancel();
            Aio.sleep(0.05);
            assertThat(t.done()).as("the cancellation waits for the worker").isFalse();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        }));
        assertThat(order).containsExactly("worker returned", "task saw CancelledError");
        assertThat(secondsSince(start)).isGreaterThanOrEqualTo(0.35);
    }

    @Test
    void anExceptionTheWorkerThrowsAfterTheCancellationGoesToTheExceptionHandler() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        IllegalStateException cleanupFailed = new IllegalStateException("cleanup failed");
        Aio.run(Aio.async(() -> {
            Aio.runningLoop().setExceptionHandler((l, c) -> reports.add(c));
            CountDownLatch started = new CountDownLatch(1);
            Task<Object> t = Aio.createTask(Aio.async(() -> Aio.toThread(() -> {
                started.countDown();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    throw cleanupFailed;
                }
                return null;
            })));
            Aio.toThread(() -> started.await(5, TimeUnit.SECONDS));
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
        }));
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.exception()).isSameAs(cleanupFailed);
            assertThat(r.message()).contains("after its awaiting task was cancelled");
        });
    }

    @Test
    void theInterruptionItselfAndALateResultAreDroppedQuietly() {
        List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            Aio.runningLoop().setExceptionHandler((l, c) -> reports.add(c));
            CountDownLatch started = new CountDownLatch(2);
            Task<Object> interrupted = Aio.createTask(Aio.async(() -> Aio.toThread(() -> {
                started.countDown();
                Thread.sleep(10_000); // ends with InterruptedException: the expected end
                return null;
            })));
            Task<Object> late = Aio.createTask(Aio.async(() -> Aio.toThread(() -> {
                started.countDown();
                try {
                    Thread.sleep(10_000);
                } catch (InterruptedException e) {
                    return "a result nobody waits for";
                }
                return null;
            })));
            Aio.toThread(() -> started.await(5, TimeUnit.SECONDS));
            interrupted.cancel();
            late.cancel();
            Aio.gather(true, interrupted, late).await();
            assertThat(interrupted.cancelled()).isTrue();
            assertThat(late.cancelled()).isTrue();
        }));
        assertThat(reports).isEmpty();
    }

    @Test
    void workQueuedInTheExecutorAndCancelledNeverStartsAndIsCancelledAtOnce() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        AtomicBoolean secondRan = new AtomicBoolean();
        try {
            Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                CountDownLatch release = new CountDownLatch(1);
                Future<Object> first = loop.runInExecutor(one, () -> {
                    release.await();
                    return null;
                });
                Future<Object> second = loop.runInExecutor(one, () -> {
                    secondRan.set(true);
                    return null;
                });
                assertThat(second.cancel()).isTrue();
                assertThat(second.cancelled()).as("not started: cancelled without waiting").isTrue();
                release.countDown();
                Aio.await(first);
            }));
            one.submit(() -> { }).get(5, TimeUnit.SECONDS); // the dropped work has had its turn
            assertThat(secondRan).isFalse();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void theCancellationsInterruptDoesNotLeakIntoTheExecutorsNextWork() throws Exception {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            boolean nextSawInterrupt = Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                LinkedBlockingQueue<String> never = new LinkedBlockingQueue<>();
                CountDownLatch started = new CountDownLatch(1);
                Future<String> blocked = loop.runInExecutor(one, () -> {
                    started.countDown();
                    try {
                        return never.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt(); // the worker even restores the flag
                        throw e;
                    }
                });
                Aio.toThread(() -> started.await(5, TimeUnit.SECONDS));
                blocked.cancel();
                assertThatThrownBy(() -> Aio.await(blocked)).isInstanceOf(CancelledError.class);
                return Aio.await(loop.runInExecutor(one, () -> Thread.currentThread().isInterrupted()));
            }));
            assertThat(nextSawInterrupt).isFalse();
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void cpuBoundWorkOnAPlatformPoolRunsInParallel() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CyclicBarrier both = new CyclicBarrier(2); // passes only if the two calls run at the same time
            List<Object> r = Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                return Aio.await(Aio.gather(
                        loop.runInExecutor(pool, () -> both.await(5, TimeUnit.SECONDS)),
                        loop.runInExecutor(pool, () -> both.await(5, TimeUnit.SECONDS))));
            }));
            assertThat(r).hasSize(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSecondCancelWhileTheWorkerWindsDownReturnsTrueAndKeepsTheFirstMessage() {
        Aio.run(Aio.async(() -> {
            CountDownLatch started = new CountDownLatch(1);
            Future<Object> f = Aio.runningLoop().runInExecutor(null, () -> {
                started.countDown();
                try {
                    Thread.sleep(10_000);
                } finally {
                    Thread.sleep(50);
                }
                return null;
            });
            Aio.toThread(() -> started.await(5, TimeUnit.SECONDS));
            assertThat(f.cancel("first")).isTrue();
            assertThat(f.done()).as("still winding down").isFalse();
            assertThat(f.cancel("second")).isTrue();
            assertThatThrownBy(() -> Aio.await(f)).isInstanceOf(CancelledError.class).hasMessage("first");
            assertThat(f.cancel()).isFalse();
        }));
    }
}
