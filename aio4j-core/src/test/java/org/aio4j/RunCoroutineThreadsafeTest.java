package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Aio#runCoroutineThreadsafe} from plain threads, from the loop's own thread, and around a close. */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunCoroutineThreadsafeTest {

    /**
     * Runs a loop whose main task waits for {@code fromThread}, run on a plain platform thread with the
     * loop; returns what the thread returned.
     */
    private static <R> R withPlainThread(Function<EventLoop, R> fromThread) {
        return Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            CompletableFuture<R> out = new CompletableFuture<>();
            Thread.ofPlatform().name("plain").start(() -> {
                try {
                    out.complete(fromThread.apply(loop));
                } catch (Throwable e) {
                    out.completeExceptionally(e);
                }
            });
            return Aio.await(out);
        }));
    }

    @Test
    void aPlainThreadGetsTheCoroutinesResult() {
        int r = withPlainThread(loop -> Aio.runCoroutineThreadsafe(Aio.async(() -> {
            Aio.sleep(0.01);
            return 42;
        }), loop).join());
        assertThat(r).isEqualTo(42);
    }

    @Test
    void theCoroutineRunsOnTheLoopThreadAsATaskOfIt() {
        Object[] seen = withPlainThread(loop -> Aio.runCoroutineThreadsafe(Aio.async(() ->
                new Object[] {Aio.currentTask(), Aio.runningLoop()}), loop).join());
        assertThat(seen[0]).isInstanceOf(Task.class);
        assertThat(((Task<?>) seen[0]).done()).isTrue();
    }

    @Test
    void aPlainThreadGetsTheCoroutinesExceptionUnchangedAsTheCause() {
        IOException boom = new IOException("boom");
        Throwable got = withPlainThread(loop -> {
            CompletableFuture<Object> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> {
                throw boom;
            }), loop);
            try {
                cf.get(5, TimeUnit.SECONDS);
                return null;
            } catch (ExecutionException e) {
                return e.getCause();
            } catch (Exception e) {
                return e;
            }
        });
        assertThat(got).isSameAs(boom);
    }

    @Test
    void cancellingTheFutureFromThePlainThreadCancelsTheTask() {
        List<String> trace = new CopyOnWriteArrayList<>();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch taskSawIt = new CountDownLatch(1);
        Boolean cancelled = withPlainThread(loop -> {
            CompletableFuture<Object> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> {
                started.countDown();
                try {
                    Aio.sleep(60);
                } catch (CancelledError e) {
                    trace.add("task cancelled");
                    taskSawIt.countDown();
                    throw e;
                }
                return null;
            }), loop);
            try {
                started.await(5, TimeUnit.SECONDS);
                boolean cfCancelled = cf.cancel(true) && cf.isCancelled();
                // Waited for here, on the plain thread: Aio.run's exit would cancel the task anyway.
                return cfCancelled && taskSawIt.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        assertThat(cancelled).isTrue();
        assertThat(trace).containsExactly("task cancelled");
    }

    @Test
    void aTaskCancelledOnTheLoopCancelsTheFuture() {
        Throwable got = withPlainThread(loop -> {
            CompletableFuture<Object> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> {
                Aio.currentTask().cancel();
                Aio.sleep(60);
                return null;
            }), loop);
            try {
                cf.join();
                return null;
            } catch (CancellationException e) {
                return e;
            }
        });
        assertThat(got).isInstanceOf(CancellationException.class);
    }

    @Test
    void aClosedLoopIsRefusedWithAClearError() {
        EventLoop loop = EventLoop.create();
        loop.close();
        Coro<Integer> c = Aio.async(() -> 1);
        assertThatThrownBy(() -> Aio.runCoroutineThreadsafe(c, loop)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("runCoroutineThreadsafe: the event loop is closed");
        c.close();
    }

    @Test
    void aLoopClosedBeforeItRanTheCoroutineFailsTheFuture() {
        EventLoop loop = EventLoop.create();
        CompletableFuture<Integer> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> 1), loop);
        loop.close(); // never ran
        assertThatThrownBy(cf::join).hasCauseInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed before coroutine");
    }

    @Test
    void aLoopClosedWhileTheTaskIsPendingFailsTheFuture() throws Exception {
        EventLoop loop = EventLoop.create();
        CompletableFuture<Integer> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> {
            Aio.sleep(60);
            return 1;
        }), loop);
        loop.callLater(0.05, loop::stop);
        try (LogCapture log = LogCapture.start()) {
            loop.runForever();
            loop.close(); // reports the pending task, and fails the future
        }
        assertThatThrownBy(cf::join).hasCauseInstanceOf(IllegalStateException.class);
    }

    @Test
    void anAlreadyAwaitedCoroutineIsRefusedOnTheCallingThread() {
        Aio.run(Aio.async(() -> {
            Coro<Integer> c = Aio.async(() -> 1);
            Aio.await(c);
            assertThatThrownBy(() -> Aio.runCoroutineThreadsafe(c, Aio.runningLoop()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("runs once");
        }));
    }

    @Test
    void onTheLoopsOwnThreadTheFutureCanBeAwaited() {
        int r = Aio.run(Aio.async(() -> {
            CompletableFuture<Integer> cf = Aio.runCoroutineThreadsafe(Aio.async(() -> 7), Aio.runningLoop());
            return Aio.await(cf);
        }));
        assertThat(r).isEqualTo(7);
    }

    @Test
    void manyPlainThreadsSubmittingAtOnceAllGetTheirResults() {
        int threads = 4;
        int each = 200;
        long sum = withPlainThread(loop -> {
            List<Thread> ts = new ArrayList<>();
            long[] sums = new long[threads];
            for (int t = 0; t < threads; t++) {
                int id = t;
                ts.add(Thread.ofPlatform().start(() -> {
                    List<CompletableFuture<Integer>> cfs = new ArrayList<>();
                    for (int i = 0; i < each; i++) {
                        int v = i;
                        cfs.add(Aio.runCoroutineThreadsafe(Aio.async(() -> {
                            Aio.sleep(0);
                            return v;
                        }), loop));
                    }
                    for (CompletableFuture<Integer> cf : cfs) {
                        sums[id] += cf.join();
                    }
                }));
            }
            for (Thread t : ts) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }
            long total = 0;
            for (long s : sums) {
                total += s;
            }
            return total;
        });
        assertThat(sum).isEqualTo((long) threads * each * (each - 1) / 2);
    }
}
