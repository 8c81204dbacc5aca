package org.aio4j;

import static org.aio4j.Aio.async;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LoopGroup} under concurrent submits racing its close: every future a submit returned
 * completes (with a result, cancelled, or failed because the loop closed), none is left pending,
 * and every refused submit says why.
 */
@Tag("stress")
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopGroupStressTest {
    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    @Test
    void submitsRacingCloseAllSettle() throws Exception {
        for (int round = 0; round < 5 * SCALE; round++) {
            LoopGroup group = LoopGroup.create(2);
            java.util.concurrent.atomic.AtomicInteger destroyedPending = new java.util.concurrent.atomic.AtomicInteger();
            for (int i = 0; i < 2; i++) {
                group.submitTo(i, async(() -> Aio.runningLoop().setExceptionHandler((loop, c) -> {
                    if (c.message().contains("destroyed")) {
                        destroyedPending.incrementAndGet();
                    }
                }))).get(5, TimeUnit.SECONDS);
            }
            ConcurrentLinkedQueue<CompletableFuture<Integer>> futures = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<Throwable> refusals = new ConcurrentLinkedQueue<>();
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch running = new CountDownLatch(3);
            List<Thread> submitters = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int id = t;
                submitters.add(Thread.ofPlatform().daemon().start(() -> {
                    running.countDown();
                    int i = 0;
                    while (!stop.get()) {
                        if (group.isClosed()) {
                            Thread.onSpinWait(); // no coroutine made to be refused: each would warn "never awaited"
                            continue;
                        }
                        try {
                            int n = i++;
                            futures.add(id == 0 ? group.submit(async(() -> n))
                                    : group.submit("k" + n, async(() -> {
                                        Aio.sleep(0.001);
                                        return n;
                                    })));
                        } catch (IllegalStateException refused) {
                            refusals.add(refused);
                        }
                    }
                }));
            }
            try {
                assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(5);
                group.close();
            } finally {
                stop.set(true); // whatever failed, the submitters end (and are daemons: they cannot hold the JVM)
            }
            for (Thread t : submitters) {
                t.join();
            }
            for (CompletableFuture<Integer> f : futures) {
                try {
                    f.get(5, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException settled) {
                    // failed (the loop closed first) or cancelled by the close: settled either way
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new AssertionError("a future of a closed group is still pending: " + f, e);
                }
            }
            assertThat(futures).isNotEmpty();
            assertThat(destroyedPending).as("tasks destroyed pending (finally never ran)").hasValue(0);
            assertThat(refusals).allSatisfy(e -> assertThat(e).hasMessageContaining("takes no new work"));
        }
    }
}
