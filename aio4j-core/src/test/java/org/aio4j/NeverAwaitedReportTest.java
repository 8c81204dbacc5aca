package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "coroutine '...' was never awaited": reported when a coroutine that never ran is garbage-collected.
 * These tests drive the collector with System.gc() and wait (bounded) for the report.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NeverAwaitedReportTest {

    private final List<String> reported = new CopyOnWriteArrayList<>();
    private final Consumer<String> listener = reported::add;
    private final String id = UUID.randomUUID().toString().substring(0, 8);
    private LogCapture log;

    @BeforeEach
    void listen() {
        NeverAwaitedListeners.add(listener);
        log = LogCapture.start();
    }

    @AfterEach
    void stopListening() {
        NeverAwaitedListeners.remove(listener);
        if (log != null) {
            log.close();
        }
    }

    private static void collectUntil(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            System.gc();
            Thread.sleep(20);
        }
        fail("no report within 4 s of System.gc() calls");
    }

    private static void makeAndDrop(String name) {
        Aio.async(name, () -> "never run");
    }

    @Test
    void coroutineCollectedWithoutBeingAwaitedIsReported() throws Exception {
        String name = "forgotten-" + id;
        makeAndDrop(name);
        collectUntil(() -> reported.contains(name));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                .contains("coroutine '" + name + "' was never awaited")
                .contains("debug mode"));
    }

    @Test
    void coroutineCreatedAndDroppedInsideATaskIsReported() throws Exception {
        String name = "forgotten-in-task-" + id;
        VirtualRun.run(() -> {
            makeAndDrop(name);
            Aio.sleep(1.0);
        });
        collectUntil(() -> reported.contains(name));
    }

    @Test
    void awaitedClosedAndTaskWrappedCoroutinesAreNotReported() throws Exception {
        String forgotten = "forgotten-" + id;
        String awaited = "awaited-" + id;
        String closed = "closed-" + id;
        String wrapped = "wrapped-" + id;
        VirtualRun.run(() -> {
            Aio.await(Aio.async(awaited, () -> 1));
            Aio.async(closed, () -> 1).close();
            Aio.await(Aio.createTask(Aio.async(wrapped, () -> 1)));
            makeAndDrop(forgotten);
        });
        Coro<Integer> closedOutside = Aio.async(closed + "-outside", () -> 1);
        closedOutside.close();
        closedOutside = null;
        collectUntil(() -> reported.contains(forgotten));
        System.gc();
        Thread.sleep(50);
        assertThat(reported).filteredOn(n -> n.endsWith(id) || n.endsWith(id + "-outside"))
                .containsExactly(forgotten);
    }

    @Test
    void inDebugModeTheReportShowsWhereTheCoroutineWasCreated() throws Exception {
        String name = "forgotten-debug-" + id;
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.getLoop().setDebug(true);
            runner.run(Aio.async(() -> makeAndDrop(name)));
        }
        collectUntil(() -> reported.contains(name));
        assertThat(log.records()).anySatisfy(r -> {
            assertThat(r.getMessage()).contains("coroutine '" + name + "' was never awaited").contains("created at");
            assertThat(r.getThrown()).hasMessage("coroutine created here");
            assertThat(r.getThrown().getStackTrace()).anySatisfy(
                    e -> assertThat(e.getMethodName()).isEqualTo("makeAndDrop"));
        });
    }
}
