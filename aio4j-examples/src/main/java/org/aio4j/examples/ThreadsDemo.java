package org.aio4j.examples;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.aio4j.Aio.toThread;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.TimeoutError;

/**
 * The bridge to threads: a blocking read on a thread under a timeout that really stops it (the
 * cancellation interrupts the thread, which asyncio cannot do), and a plain Java thread handing
 * coroutines to the running loop with {@code runCoroutineThreadsafe}. Both run in real time: work on
 * other threads does not follow a virtual clock.
 */
final class ThreadsDemo {
    private ThreadsDemo() {
    }

    static void blockingReadUnderTimeout(PrintStream out, DemoRunner runner) {
        out.println("9. A blocking read on a thread (toThread), under a timeout that really stops it");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            AtomicReference<String> workerSaw = new AtomicReference<>("nothing");
            Pipe pipe = Pipe.open();                                    // a pipe nothing is written to
            try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                t.log("read(pipe) on a worker thread, within timeout(1.0)");
                timeout(1.0, () -> toThread(() -> {
                    try {
                        return source.read(ByteBuffer.allocate(64));   // blocks: no data will come
                    } catch (IOException e) {
                        workerSaw.set(e.getClass().getSimpleName());
                        throw e;
                    }
                }));
            } catch (TimeoutError e) {
                t.log("TimeoutError; the worker was interrupted (" + workerSaw.get() + ") and has returned");
            }
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (asyncio would leave the thread blocked, and asyncio.run wait for it)%n%n", total);
    }

    static Coro<String> ship(String order) {
        return async(() -> {
            sleep(0.3);                                    // an API call, say
            return order + ": shipped";
        });
    }

    static void plainThreadSubmitsCoroutines(PrintStream out, DemoRunner runner) {
        out.println("10. A plain Java thread submits coroutines to the running loop (runCoroutineThreadsafe)");
        double total = runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            EventLoop loop = Aio.runningLoop();
            CompletableFuture<List<String>> collected = new CompletableFuture<>();
            Thread producer = Thread.ofPlatform().name("producer").start(() -> {
                List<CompletableFuture<String>> submitted = new ArrayList<>();
                for (int i = 1; i <= 3; i++) {
                    submitted.add(Aio.runCoroutineThreadsafe(ship("order-" + i), loop));
                }
                List<String> results = new ArrayList<>();
                for (CompletableFuture<String> cf : submitted) {
                    results.add(cf.join());                // blocks the producer thread, not the loop
                }
                collected.complete(results);
            });
            t.log("thread '" + producer.getName() + "' started; the main task awaits its results");
            List<String> results = await(collected);
            t.log("thread '" + producer.getName() + "' collected " + results);
            return t.elapsed();
        }));
        out.printf("  total: %.2f s (the three coroutines ran concurrently on the loop)%n%n", total);
    }
}
