package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#wrapFuture} and {@link Future#toCompletableFuture()}: completion on foreign threads, and
 * cancellation carried both ways. Real time: other threads are involved.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WrapFutureTest {

    private static void later(Runnable r) {
        Thread.ofPlatform().name("foreign").start(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                return;
            }
            r.run();
        });
    }

    // ------------------------------------------------------------ CompletableFuture -> Future

    @Test
    void aCompletableFutureCompletedOnAForeignThreadSettlesTheWrappedFutureOnTheLoop() {
        String r = Aio.run(Aio.async(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> f = Aio.wrapFuture(cf);
            assertThat(f.getLoop()).isSameAs(Aio.runningLoop());
            later(() -> cf.complete("from " + Thread.currentThread().getName()));
            return Aio.await(f);
        }));
        assertThat(r).isEqualTo("from foreign");
    }

    @Test
    void cancellingTheWrappedFutureCancelsTheCompletableFuture() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Aio.run(Aio.async(() -> {
            Future<String> f = Aio.wrapFuture(cf);
            f.cancel();
            Aio.sleep(0); // the done callbacks run
            Aio.sleep(0);
        }));
        assertThat(cf).isCancelled();
    }

    @Test
    void cancellingTheCompletableFutureOnAForeignThreadCancelsTheWrappedFuture() {
        Aio.run(Aio.async(() -> {
            CompletableFuture<String> cf = new CompletableFuture<>();
            Future<String> f = Aio.wrapFuture(cf);
            later(() -> cf.cancel(true));
            assertThatThrownBy(() -> Aio.await(f)).isInstanceOf(CancelledError.class);
            assertThat(f.cancelled()).isTrue();
        }));
    }

    @Test
    void aCompletableFutureCompletedAfterItsLoopClosedIsDroppedQuietly() throws Exception {
        CompletableFuture<String> cf = new CompletableFuture<>();
        AtomicReference<Future<String>> wrapped = new AtomicReference<>();
        try (LogCapture log = LogCapture.start()) {
            EventLoop loop = EventLoop.create();
            loop.runUntilComplete(Aio.async(() -> {
                wrapped.set(Aio.wrapFuture(cf));
            }));
            loop.close();
            CountDownLatch done = new CountDownLatch(1);
            Thread.ofPlatform().start(() -> {
                cf.complete("too late");
                done.countDown();
            });
            assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(wrapped.get().done()).isFalse();
    }

    // ------------------------------------------------------------ Future -> CompletableFuture

    @Test
    void aBlockingThreadGetsATasksResultThroughToCompletableFuture() {
        String r = Aio.run(Aio.async(() -> {
            Task<String> t = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.02);
                return "task result";
            }));
            CompletableFuture<String> cf = t.toCompletableFuture();
            return Aio.toThread(cf::join); // a blocking consumer on another thread
        }));
        assertThat(r).isEqualTo("task result");
    }

    @Test
    void cancellingTheCompletableFutureOnAForeignThreadCancelsTheTask() {
        Aio.run(Aio.async(() -> {
            CountDownLatch started = new CountDownLatch(1);
            Task<String> t = Aio.createTask(Aio.async(() -> {
                started.countDown();
                Aio.sleep(60);
                return "never";
            }));
            CompletableFuture<String> cf = t.toCompletableFuture();
            Aio.sleep(0);
            later(() -> cf.cancel(false));
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            assertThat(cf).isCancelled();
        }));
    }

    @Test
    void aCancelledTaskCancelsItsCompletableFuture() {
        CompletableFuture<String> cf = Aio.run(Aio.async(() -> {
            Task<String> t = Aio.createTask(Aio.async(() -> {
                Aio.sleep(60);
                return "never";
            }));
            CompletableFuture<String> c = t.toCompletableFuture();
            Aio.sleep(0);
            t.cancel();
            assertThatThrownBy(() -> Aio.await(t)).isInstanceOf(CancelledError.class);
            Aio.sleep(0); // the done callback that cancels the CompletableFuture
            return c;
        }));
        assertThat(cf).isCancelled();
        assertThatThrownBy(cf::join).isInstanceOf(CancellationException.class);
    }

    @Test
    void aFailedTaskFailsItsCompletableFutureAndCountsAsRetrieved() {
        IllegalStateException boom = new IllegalStateException("boom");
        try (LogCapture log = LogCapture.start()) {
            CompletableFuture<Object> cf = Aio.run(Aio.async(() -> {
                Task<Object> t = Aio.createTask(Aio.async(() -> {
                    throw boom;
                }));
                CompletableFuture<Object> c = t.toCompletableFuture();
                Aio.await(Aio.wrapFuture(c.exceptionally(e -> e))); // wait until it failed
                return c;
            }));
            assertThat(cf).isCompletedExceptionally();
            assertThatThrownBy(cf::join).hasCause(boom);
            assertThat(log.messages()).noneSatisfy(m -> assertThat(m).contains("never retrieved"));
        }
    }

    @Test
    void cancellingTheCompletableFutureOfAFutureThatAlreadyCompletedChangesNothing() {
        Aio.run(Aio.async(() -> {
            Future<String> f = Aio.runningLoop().createFuture();
            CompletableFuture<String> cf = f.toCompletableFuture();
            f.setResult("v");
            Aio.sleep(0);
            assertThat(cf.cancel(true)).isFalse();
            Aio.sleep(0);
            assertThat(f.result()).isEqualTo("v");
        }));
    }
}
