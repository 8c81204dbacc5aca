package org.aio4j;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LoopGroup}: placement, crossing loops, shutdown with work on every loop, a failing loop. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopGroupTest {

    private static int openFds() {
        String[] names = new File("/proc/self/fd").list();
        return names == null ? -1 : names.length;
    }

    /** The platform thread that runs {@code loop} (a callback runs on it; a task runs on a virtual thread). */
    private static Thread threadOf(EventLoop loop) throws Exception {
        CompletableFuture<Thread> t = new CompletableFuture<>();
        loop.callSoonThreadsafe(() -> t.complete(Thread.currentThread()));
        return t.get(5, TimeUnit.SECONDS);
    }

    @Test
    void createStartsOneRunningLoopPerThread() throws Exception {
        try (LoopGroup group = LoopGroup.create(3)) {
            assertThat(group.size()).isEqualTo(3);
            Set<Thread> threads = new HashSet<>();
            for (EventLoop loop : group.loops()) {
                assertThat(loop.isRunning()).isTrue();
                threads.add(threadOf(loop));
            }
            assertThat(threads).hasSize(3).allSatisfy(t -> assertThat(t.isVirtual()).isFalse());
        }
    }

    @Test
    void createWithoutACountMakesOneLoopPerProcessor() {
        try (LoopGroup group = LoopGroup.create()) {
            assertThat(group.size()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }

    @Test
    void aGroupNeedsAtLeastOneLoop() {
        assertThatThrownBy(() -> LoopGroup.create(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least one loop");
    }

    @Test
    void submitPlacesRoundRobinOverEveryLoop() throws Exception {
        try (LoopGroup group = LoopGroup.create(3)) {
            List<EventLoop> placed = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                placed.add(group.submit(async(() -> Aio.runningLoop())).get(5, TimeUnit.SECONDS));
            }
            List<EventLoop> loops = group.loops();
            for (int i = 0; i < 9; i++) {
                assertThat(placed.get(i)).as("task %d", i).isSameAs(placed.get(i % 3));
            }
            assertThat(new HashSet<>(placed)).containsExactlyInAnyOrderElementsOf(loops);
        }
    }

    @Test
    void theSameKeyAlwaysLandsOnTheSameLoop() throws Exception {
        try (LoopGroup group = LoopGroup.create(4)) {
            Set<EventLoop> used = new HashSet<>();
            for (int k = 0; k < 40; k++) {
                String key = "user-" + k;
                EventLoop first = group.submit(key, async(() -> Aio.runningLoop())).get(5, TimeUnit.SECONDS);
                for (int again = 0; again < 3; again++) {
                    assertThat(group.submit(key, async(() -> Aio.runningLoop())).get(5, TimeUnit.SECONDS))
                            .as(key).isSameAs(first);
                }
                assertThat(group.loop(group.indexFor(key))).isSameAs(first);
                used.add(first);
            }
            assertThat(used).as("40 keys spread over the 4 loops").hasSize(4);
        }
    }

    @Test
    void runBlocksForTheResultAndRethrowsTheExceptionUnwrapped() {
        try (LoopGroup group = LoopGroup.create(2)) {
            assertThat(group.run(async(() -> Aio.sleep(0.01, "done")))).isEqualTo("done");
            assertThatThrownBy(() -> group.run(async(() -> {
                throw new java.io.IOException("disk gone");
            }))).isInstanceOf(java.io.IOException.class).hasMessage("disk gone");
            assertThatThrownBy(() -> group.run(async(() -> {
                Aio.currentTask().cancel();
                Aio.sleep(1);
            }))).isInstanceOf(CancelledError.class);
        }
    }

    @Test
    void runFromALoopThreadIsAnErrorThatSaysToAwaitInstead() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            Throwable e = group.submit(async(() -> {
                try {
                    group.run(async(() -> 1));
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            })).get(5, TimeUnit.SECONDS);
            assertThat(e).hasMessageContaining("await(group.submit(coro))").hasMessageContaining("a loop of this group");
            assertThatThrownBy(() -> Aio.run(async(() -> group.run(async(() -> 1)))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("blocks the calling thread");
        }
    }

    @Test
    void aTaskOnOneLoopAwaitsAResultComputedOnAnother() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            EventLoop b = group.loop(1);
            String r = group.submitTo(0, async(() -> {
                EventLoop a = Aio.runningLoop();
                CompletableFuture<String> there = Aio.runCoroutineThreadsafe(async(() -> {
                    Aio.sleep(0.01);
                    return "computed on " + (Aio.runningLoop() == b ? "b" : "?");
                }), b);
                Future<String> here = Aio.wrapFuture(there);   // a future of loop a, settled from loop b
                assertThat(here.getLoop()).isSameAs(a);
                String viaWrap = await(here);
                String viaGroup = await(group.submitTo(1, async(() -> Aio.runningLoop() == b ? "b again" : "?")));
                return viaWrap + ", " + viaGroup;
            })).get(5, TimeUnit.SECONDS);
            assertThat(r).isEqualTo("computed on b, b again");
        }
    }

    @Test
    void awaitingAnotherLoopsFutureDirectlyFailsAndSaysWhatToDo() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            Future<String> ofB = group.submitTo(1, async(() -> Aio.runningLoop().<String>createFuture()))
                    .get(5, TimeUnit.SECONDS);
            Throwable e = group.submitTo(0, async(() -> {
                try {
                    await(ofB);
                    return null;
                } catch (IllegalStateException expected) {
                    return expected;
                }
            })).get(5, TimeUnit.SECONDS);
            assertThat(e).hasMessageContaining("different loop").hasMessageContaining("runCoroutineThreadsafe")
                    .hasMessageContaining("await the CompletableFuture");
        }
    }

    @Test
    void closeCancelsTheTasksOnEveryLoopRunsTheirFinallyBlocksAndReleasesThreadsAndFds() throws Exception {
        int fdsBefore = openFds();
        LoopGroup group = LoopGroup.create(3);
        List<Thread> threads = new ArrayList<>();
        for (EventLoop loop : group.loops()) {
            threads.add(threadOf(loop));
        }
        int perLoop = 4;
        CountDownLatch started = new CountDownLatch(3 * perLoop);
        Set<String> cleanedUp = ConcurrentHashMap.newKeySet();
        List<CompletableFuture<Void>> futures = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < perLoop; j++) {
                String id = i + "/" + j;
                futures.add(group.submitTo(i, async(() -> {
                    try {
                        started.countDown();
                        Aio.sleep(3600);
                    } finally {
                        Aio.sleep(0.001);   // cleanup may still await: the loop runs until it is done
                        cleanedUp.add(id + " on " + group.indexOf(Aio.runningLoop()));
                    }
                })));
            }
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        group.close();
        assertThat(cleanedUp).hasSize(3 * perLoop);
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < perLoop; j++) {
                assertThat(cleanedUp).contains(i + "/" + j + " on " + i);
            }
        }
        assertThat(futures).allSatisfy(f -> assertThat(f).isCancelled());
        assertThat(threads).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
        assertThat(group.loops()).allSatisfy(l -> assertThat(l.isClosed()).isTrue());
        assertThat(openFds()).as("every loop's selector released").isEqualTo(fdsBefore);
    }

    @Test
    void workAfterCloseIsRefusedAndCloseIsIdempotent() {
        LoopGroup group = LoopGroup.create(2);
        group.close();
        group.close();
        assertThat(group.isClosed()).isTrue();
        assertThatThrownBy(() -> group.submit(async(() -> 1))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed").hasMessageContaining("make a new group");
        assertThatThrownBy(() -> group.submit("k", async(() -> 1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> group.run(async(() -> 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aTaskThatFailsLeavesItsLoopRunningAndReportsToItsFuture() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            CompletableFuture<Object> f = group.submitTo(0, async(() -> {
                throw new IllegalArgumentException("bad input");
            }));
            assertThat(f).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(group.submitTo(0, async(() -> 7)).get(5, TimeUnit.SECONDS)).isEqualTo(7);
            assertThat(group.failure(0)).isEmpty();
        }
    }

    @Test
    void aLoopStoppedByAVirtualMachineErrorIsReportedSkippedAndRefusedWhileTheOthersGoOn() throws Exception {
        try (LoopGroup group = LoopGroup.create(3)) {
            List<ExceptionContext> reported = new CopyOnWriteArrayList<>();
            group.submitTo(1, async(() -> {
                Aio.runningLoop().setExceptionHandler((loop, context) -> reported.add(context));
            })).get(5, TimeUnit.SECONDS);
            AtomicInteger cleaned = new AtomicInteger();
            CountDownLatch parked = new CountDownLatch(1);
            CompletableFuture<Void> victim = group.submitTo(1, async(() -> {
                try {
                    parked.countDown();
                    Aio.sleep(3600);
                } finally {
                    cleaned.incrementAndGet();
                }
            }));
            assertThat(parked.await(5, TimeUnit.SECONDS)).isTrue();
            Thread loopThread = threadOf(group.loop(1));
            group.loop(1).callSoonThreadsafe(() -> {
                throw new InternalError("simulated fatal error");
            });
            loopThread.join(5000);
            assertThat(loopThread.isAlive()).isFalse();

            assertThat(group.failure(1)).get().isInstanceOf(InternalError.class);
            assertThat(reported).singleElement().satisfies(c -> {
                assertThat(c.message()).contains("loop 1 of").contains("stopped after an uncaught java.lang.InternalError");
                assertThat(c.exception()).hasMessage("simulated fatal error");
            });
            assertThat(victim).isCancelled();
            assertThat(cleaned).hasValue(1);
            assertThat(group.loop(1).isClosed()).isTrue();

            Set<Integer> placed = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                placed.add(group.submit(async(() -> group.indexOf(Aio.runningLoop()))).get(5, TimeUnit.SECONDS));
            }
            assertThat(placed).containsExactlyInAnyOrder(0, 2);
            assertThatThrownBy(() -> group.submitTo(1, async(() -> 1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("loop 1 of").hasMessageContaining("simulated fatal error")
                    .hasMessageContaining("submit(coro) skips stopped loops");
            assertThat(group.toString()).contains("1 failed");
        }
    }

    @Test
    void whenEveryLoopHasStoppedSubmitSaysSo() throws Exception {
        try (LoopGroup group = LoopGroup.create(1)) {
            Thread t = threadOf(group.loop(0));
            group.loop(0).callSoonThreadsafe(() -> {
                throw new InternalError("gone");
            });
            t.join(5000);
            assertThatThrownBy(() -> group.submit(async(() -> 1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("every loop");
        }
    }

    @Test
    void cancellingTheSubmittedFutureCancelsTheTask() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            CountDownLatch inside = new CountDownLatch(1);
            CompletableFuture<Boolean> sawCancel = new CompletableFuture<>();
            CompletableFuture<Void> f = group.submit(async(() -> {
                try {
                    inside.countDown();
                    Aio.sleep(3600);
                } catch (CancelledError e) {
                    sawCancel.complete(true);
                    throw e;
                }
            }));
            assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
            f.cancel(true);
            assertThat(sawCancel.get(5, TimeUnit.SECONDS)).isTrue();
            assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
        }
    }
}
