package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Virtual threads that user code starts inside a task run on the JDK's scheduler, in parallel with
 * the loop, although the JDK makes a virtual thread inherit its creator's scheduler (the strand
 * forwards any continuation that is not its own). Real time, short.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForeignVirtualThreadTest {

    @Test
    void virtualThreadStartedInsideATaskRunsBesideTheLoop() {
        String result = Aio.run(Aio.async(() -> {
            AtomicBoolean release = new AtomicBoolean();
            CompletableFuture<String> done = new CompletableFuture<>();
            // Spins until the loop releases it: on the loop thread this would never end.
            Thread.ofVirtual().start(() -> {
                while (!release.get()) {
                    Thread.onSpinWait();
                }
                done.complete("ran beside the loop");
            });
            Aio.sleep(0.02);
            release.set(true);
            return Aio.await(done);
        }));
        assertThat(result).isEqualTo("ran beside the loop");
    }

    @Test
    void executorOfVirtualThreadsCreatedInsideATaskDoesNotBlockTheLoop() {
        int ticks = Aio.run(Aio.async(() -> {
            try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
                AtomicBoolean stop = new AtomicBoolean();
                var busy = executor.submit(() -> {
                    long n = 0;
                    while (!stop.get()) {
                        n++;
                    }
                    return n;
                });
                int count = 0;
                for (int i = 0; i < 5; i++) {
                    Aio.sleep(0.005);
                    count++;
                }
                stop.set(true);
                Aio.await(CompletableFuture.supplyAsync(() -> {
                    try {
                        return busy.get();
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
                return count;
            }
        }));
        assertThat(ticks).isEqualTo(5);
    }
}
