package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.aio4j.Aio.toThread;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.Pipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;

/** The examples of docs/threads.md, in real time (threads are involved): if they break, the guide is wrong. */
class ThreadsGuideTest {

    @AioTest(realTime = true, timeout = 20)
    void toThreadReadsAFileWithoutBlockingTheLoop() throws IOException {
        Path dir = Files.createTempDirectory("aio4j-guide");
        Path path = dir.resolve("app.conf");
        Files.writeString(path, "threads=on");
        String config = toThread(() -> Files.readString(path));
        assertThat(config).isEqualTo("threads=on");
        Files.delete(path);
        Files.delete(dir);
    }

    @AioTest(realTime = true, timeout = 20)
    void aTimeoutAroundToThreadInterruptsABlockedPipeRead() throws IOException {
        Pipe pipe = Pipe.open();
        long start = System.nanoTime();
        try {
            assertThatThrownBy(() -> timeout(1.0, () -> toThread(() -> pipe.source().read(ByteBuffer.allocate(64)))))
                    .isInstanceOf(TimeoutError.class);
            assertThat((System.nanoTime() - start) / 1e9).isBetween(0.9, 2.5);
            assertThat(pipe.source().isOpen()).as("the interrupt closed the channel").isFalse();
        } finally {
            pipe.sink().close();
            pipe.source().close();
        }
    }

    @AioTest(realTime = true, timeout = 20)
    void aFifoReadOnAPlatformThreadIsInterruptedToo() throws Exception {
        Path dir = Files.createTempDirectory("aio4j-guide");
        Path path = dir.resolve("fifo");
        Process mkfifo;
        try {
            mkfifo = new ProcessBuilder("mkfifo", path.toString()).start();
        } catch (IOException e) {
            mkfifo = null;
        }
        assumeTrue(mkfifo != null && mkfifo.waitFor() == 0, "needs mkfifo");
        EventLoop loop = Aio.runningLoop();
        ExecutorService platform = Executors.newFixedThreadPool(2);
        try (FileChannel fifo = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(64);
            assertThatThrownBy(() -> timeout(1.0, () -> await(loop.runInExecutor(platform, () -> fifo.read(buffer)))))
                    .isInstanceOf(TimeoutError.class);
        } finally {
            platform.shutdownNow();
            Files.deleteIfExists(path);
            Files.delete(dir);
        }
    }

    static long sumOfPrimes(long from, long to) {
        long sum = 0;
        for (long n = Math.max(2, from); n < to; n++) {
            boolean prime = true;
            for (long d = 2; d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                sum += n;
            }
        }
        return sum;
    }

    @AioTest(realTime = true, timeout = 30)
    void cpuBoundWorkGoesToAPlatformPool() {
        EventLoop loop = Aio.runningLoop();
        ExecutorService cpu = ForkJoinPool.commonPool();
        Future<Long> a = loop.runInExecutor(cpu, () -> sumOfPrimes(0, 50_000));
        Future<Long> b = loop.runInExecutor(cpu, () -> sumOfPrimes(50_000, 100_000));
        long total = await(gather(a, b)).stream().mapToLong(Long::longValue).sum();
        assertThat(total).isEqualTo(sumOfPrimes(0, 100_000));
    }

    @AioTest(realTime = true, timeout = 20)
    void afterTheShutdownToThreadSaysWhatToDo() {
        EventLoop loop = Aio.runningLoop();
        await(loop.shutdownDefaultExecutor(Duration.ofSeconds(5)));
        assertThatThrownBy(() -> toThread(() -> 1)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("default executor was shut down").hasMessageContaining("setDefaultExecutor");
        loop.setDefaultExecutor(null); // the built-in one again (the kit's own shutdown then has work to do)
        assertThat(toThread(() -> 1)).isEqualTo(1);
    }

    static Coro<String> fetch(String user) {
        return async(() -> {
            sleep(0.05);
            return "page of " + user;
        });
    }

    @AioTest(realTime = true, timeout = 20)
    void aPlainThreadRunsCoroutinesOnTheLoop() throws Exception {
        EventLoop loop = Aio.runningLoop();
        CompletableFuture<String> fromThread = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                CompletableFuture<String> cf = Aio.runCoroutineThreadsafe(fetch("ada"), loop);
                String page = cf.get(5, TimeUnit.SECONDS);   // blocks this thread, not the loop
                CompletableFuture<String> slow = Aio.runCoroutineThreadsafe(async(() -> {
                    sleep(60);
                    return "never";
                }), loop);
                slow.cancel(true);                            // cancels the task
                fromThread.complete(page + (slow.isCancelled() ? ", slow one cancelled" : ""));
            } catch (Exception e) {
                fromThread.completeExceptionally(e);
            }
        });
        assertThat(await(fromThread)).isEqualTo("page of ada, slow one cancelled");
    }

    @AioTest(realTime = true, timeout = 20)
    void completableFuturesAndFuturesBothWays() {
        ExecutorService somePool = Executors.newSingleThreadExecutor();
        try {
            CompletableFuture<String> fromALibrary = CompletableFuture.supplyAsync(() -> "body", somePool);
            Future<String> f = Aio.wrapFuture(fromALibrary);
            String body = await(f);
            assertThat(body).isEqualTo("body");

            Task<String> task = Aio.createTask(async(() -> {
                sleep(0.02);
                return "for blocking code";
            }));
            CompletableFuture<String> cf = task.toCompletableFuture();
            assertThat(toThread(cf::join)).isEqualTo("for blocking code");
        } finally {
            somePool.shutdownNow();
        }
    }

    /** docs/threads.md, "Blocking calls with their own way to stop": cancellation runs onCancel, not an interrupt. */
    @AioTest(realTime = true, timeout = 20)
    void callBlockingStopsTheCallWithItsOwnActionOnCancellation() throws Exception {
        java.util.concurrent.CountDownLatch stop = new java.util.concurrent.CountDownLatch(1);
        boolean[] interrupted = {false};
        assertThatThrownBy(() -> timeout(0.2, () -> org.aio4j.lowlevel.Lowlevel.callBlocking(() -> {
            stop.await(10, TimeUnit.SECONDS);
            interrupted[0] = Thread.currentThread().isInterrupted();
            return "row";
        }, stop::countDown))).isInstanceOf(TimeoutError.class);
        assertThat(stop.getCount()).isZero();
        assertThat(interrupted[0]).isFalse();
    }
}
