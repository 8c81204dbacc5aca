package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Runner}: several coroutines on one loop, and the close() sequence. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunnerTest {

    @Test
    void runnerRunsSeveralCoroutinesOnTheSameLoop() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            EventLoop first = runner.run(Aio.async(Aio::runningLoop));
            EventLoop second = runner.run(Aio.async(Aio::runningLoop));
            assertThat(first).isSameAs(second).isSameAs(runner.getLoop());
            assertThat(runner.getLoop().isClosed()).isFalse();
        }
    }

    @Test
    void taskStartedInOneRunKeepsRunningInTheNext() {
        List<String> trace = new CopyOnWriteArrayList<>();
        try (Runner runner = Runner.create(Clock.virtual())) {
            Task<Void> background = runner.run(Aio.async(() -> Aio.createTask(Aio.async(() -> {
                Aio.sleep(1.0);
                trace.add("background at " + VirtualRun.now());
            }))));
            assertThat(background.done()).isFalse();
            runner.run(Aio.async(() -> Aio.await(background)));
            assertThat(trace).containsExactly("background at 1.0");
        }
    }

    @Test
    void virtualTimeCarriesOverBetweenRuns() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            runner.run(Aio.async(() -> Aio.sleep(2.0)));
            assertThat(runner.getLoop().time()).isEqualTo(2.0);
            runner.run(Aio.async(() -> Aio.sleep(1.0)));
            assertThat(runner.getLoop().time()).isEqualTo(3.0);
        }
    }

    @Test
    void closedRunnerRefusesToRun() {
        Runner runner = Runner.create(Clock.virtual());
        runner.close();
        runner.close(); // idempotent
        assertThat(runner.getLoop().isClosed()).isTrue();
        Coro<Integer> c = Aio.async(() -> 1);
        assertThatThrownBy(() -> runner.run(c)).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        c.close();
    }

    @Test
    void runNullIsRejected() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            assertThatThrownBy(() -> runner.run(null)).isInstanceOf(NullPointerException.class);
        }
    }

    @Test
    void closeCancelsPendingTasksAndWaitsForTheirCleanup() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Runner runner = Runner.create(Clock.virtual());
        Task<Void> pending = runner.run(Aio.async(() -> Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(3600.0);
            } finally {
                Aio.sleep(1.0); // cleanup that takes (virtual) time
                trace.add("cleanup done at " + VirtualRun.now());
            }
        }))));
        runner.close();
        assertThat(pending.cancelled()).isTrue();
        assertThat(trace).containsExactly("cleanup done at 1.0");
        assertThat(runner.getLoop().isClosed()).isTrue();
    }

    @Test
    void closeReportsALeftoverTaskThatFailedDuringCancellation() {
        List<ExceptionContext> reports = new ArrayList<>();
        IllegalStateException cleanupFailure = new IllegalStateException("cleanup failed");
        Runner runner = Runner.create(Clock.virtual());
        runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
        runner.run(Aio.async(() -> Aio.createTask(Aio.async(() -> {
            try {
                Aio.sleep(3600.0);
            } catch (CancelledError e) {
                throw cleanupFailure;
            }
        }), "bad-cleanup")));
        runner.close();
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.message()).contains("unhandled exception during Aio.run() shutdown");
            assertThat(r.exception()).isSameAs(cleanupFailure);
            assertThat(r.taskName()).isEqualTo("bad-cleanup");
        });
    }

    @Test
    void closeWaitsForWorkStillRunningInTheDefaultExecutor() {
        // The work is sent from a task and still runs when the loop has stopped: it must not need
        // the loop to finish (it did, when its virtual thread inherited the task's loop scheduler).
        AtomicReference<String> late = new AtomicReference<>();
        Runner runner = Runner.create(Clock.virtual());
        runner.run(Aio.async(() -> {
            Aio.runningLoop().runInExecutor(null, () -> {
                Thread.sleep(50);
                late.set("finished");
                return null;
            });
        }));
        runner.close();
        assertThat(late).hasValue("finished");
    }

    @Test
    void runFromInsideACoroutineThrowsIllegalState() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            Throwable caught = runner.run(Aio.async(() -> {
                Coro<Integer> inner = Aio.async(() -> 1);
                try {
                    runner.run(inner);
                    return null;
                } catch (IllegalStateException e) {
                    inner.close();
                    return e;
                }
            }));
            assertThat(caught).hasMessageContaining("running event loop");
        }
    }
}
