package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "coroutine '...' was never awaited" at the latest when the loop closes: a short program that forgets
 * an await hears about it by the time {@link Aio#run} returns, whether or not the garbage collector
 * ever runs ({@link NeverAwaitedReportTest} covers the report on collection). The forgotten
 * coroutines are kept strongly reachable while the loop runs, so only the close can report them.
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NeverAwaitedAtCloseTest {

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
        log.close();
    }

    /** A coroutine-returning method, as a program would have one. */
    private static Coro<String> fetch(String name) {
        return Aio.async(name, () -> "data");
    }

    private long reportsOf(String name) {
        return reported.stream().filter(name::equals).count();
    }

    @Test
    void aForgottenAwaitIsReportedByTheTimeAioRunReturns() {
        String name = "fetch-" + id;
        List<Coro<String>> keep = new ArrayList<>(); // strongly reachable: no collector can report it
        String result = Aio.run(Aio.async(() -> {
            keep.add(fetch(name)); // the program forgot Aio.await(...) here
            return "main done";
        }));
        assertThat(result).isEqualTo("main done");
        assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                .contains("coroutine '" + name + "' was never awaited"));
        assertThat(reportsOf(name)).isEqualTo(1);
        assertThat(keep.get(0).isCreated()).isTrue();
    }

    @Test
    void theShortestProgramThatForgetsAnAwaitHearsAboutIt() {
        String name = "fetch-short-" + id;
        Aio.run(Aio.async(() -> {
            fetch(name);
        }));
        assertThat(log.messages()).anySatisfy(m -> assertThat(m)
                .isEqualTo("coroutine '" + name + "' was never awaited (enable debug mode, -Daio4j.debug=true,"
                        + " to see where it was created)"));
        assertThat(reportsOf(name)).isEqualTo(1);
    }

    @Test
    void aForgottenAwaitInAnEarlierStepIsReportedAtCloseToo() {
        String name = "fetch-early-" + id;
        List<Coro<String>> keep = new ArrayList<>();
        Aio.run(Aio.async(() -> {
            keep.add(fetch(name));
            Aio.sleep(0.01);
            Task<Void> other = Aio.createTask(Aio.async(() -> Aio.sleep(0.01)));
            Aio.await(other);
        }));
        assertThat(reportsOf(name)).isEqualTo(1);
    }

    @Test
    void aCoroutineForgottenByAnotherTaskIsReported() {
        String name = "fetch-by-task-" + id;
        List<Coro<String>> keep = new ArrayList<>();
        Aio.run(Aio.async(() -> {
            Aio.await(Aio.createTask(Aio.async(() -> {
                keep.add(fetch(name));
            })));
        }));
        assertThat(reportsOf(name)).isEqualTo(1);
    }

    @Test
    void aCoroutineAwaitedInALaterStepIsNotReported() {
        String later = "fetch-later-" + id;
        String byTask = "fetch-by-other-task-" + id;
        String wrapped = "fetch-wrapped-" + id;
        String forgotten = "fetch-forgotten-" + id;
        List<Coro<String>> keep = new ArrayList<>();
        Aio.run(Aio.async(() -> {
            Coro<String> c = fetch(later);
            Coro<String> d = fetch(byTask);
            Coro<String> e = fetch(wrapped);
            keep.add(fetch(forgotten));
            Aio.sleep(0.01); // they outlive the step that made them: now they are watched
            assertThat(Aio.await(c)).isEqualTo("data");
            assertThat(Aio.await(Aio.createTask(Aio.async(() -> Aio.await(d))))).isEqualTo("data");
            Aio.sleep(0.01);
            assertThat(Aio.await(Aio.createTask(e))).isEqualTo("data");
        }));
        assertThat(reported).filteredOn(n -> n.endsWith(id)).containsExactly(forgotten);
    }

    @Test
    void aCoroutineClosedOnPurposeIsNotReported() {
        String name = "fetch-closed-" + id;
        Aio.run(Aio.async(() -> {
            Coro<String> c = fetch(name);
            Aio.sleep(0.01);
            c.close();
        }));
        assertThat(reportsOf(name)).isZero();
    }

    @Test
    void aCoroutineMadeInOneRunAndAwaitedInTheNextIsNotReported() {
        String name = "fetch-next-run-" + id;
        List<Coro<String>> made = new ArrayList<>();
        try (Runner runner = Runner.create()) {
            runner.run(Aio.async(() -> {
                made.add(fetch(name));
            }));
            assertThat(runner.run(made.get(0))).isEqualTo("data");
        }
        assertThat(reportsOf(name)).isZero();
    }

    @Test
    void aCoroutineReportedAtCloseIsNotReportedAgainWhenCollected() throws Exception {
        String name = "fetch-once-" + id;
        List<Coro<String>> keep = new ArrayList<>();
        Aio.run(Aio.async(() -> {
            keep.add(fetch(name));
        }));
        assertThat(reportsOf(name)).isEqualTo(1);
        WeakReference<Coro<String>> ref = new WeakReference<>(keep.remove(0));
        for (int i = 0; i < 200 && ref.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        if (ref.get() != null) {
            fail("the coroutine was not collected within 2 s of System.gc() calls");
        }
        // Give the cleaner thread time to run a second report, if one were still registered.
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(reportsOf(name)).isEqualTo(1);
        assertThat(log.messages()).filteredOn(m -> m.contains("'" + name + "'")).hasSize(1);
    }
}
