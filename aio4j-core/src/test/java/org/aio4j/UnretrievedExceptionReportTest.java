package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * "Task exception was never retrieved": a failed future whose exception nobody looked at is reported
 * to the loop's exception handler when the loop closes (or when the future is collected).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class UnretrievedExceptionReportTest {

    private final List<ExceptionContext> reports = new CopyOnWriteArrayList<>();

    private Runner runner() {
        Runner runner = Runner.create(Clock.virtual());
        runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
        return runner;
    }

    @Test
    void failedTaskNobodyRetrievedIsReportedWhenTheLoopCloses() {
        IllegalStateException boom = new IllegalStateException("nobody looks at me");
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Aio.createTask(Aio.async(() -> {
                    throw boom;
                }), "failing");
                Aio.sleep(1.0);
            }));
        }
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.message()).contains("Task exception was never retrieved").contains("failing");
            assertThat(r.exception()).isSameAs(boom);
            assertThat(r.taskName()).isEqualTo("failing");
        });
    }

    @Test
    void failedTaskThatWasAwaitedIsNotReported() {
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Task<Void> t = Aio.createTask(Aio.async(() -> {
                    throw new IllegalStateException("awaited");
                }));
                assertThatThrownBy(() -> Aio.await(t)).hasMessage("awaited");
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void failedTaskWhoseExceptionWasReadIsNotReported() {
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Task<Void> t = Aio.createTask(Aio.async(() -> {
                    throw new IllegalStateException("read");
                }));
                Aio.sleep(1.0);
                assertThat(t.exception()).hasMessage("read");
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void failedTaskWhoseResultWasReadIsNotReported() {
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Task<Void> t = Aio.createTask(Aio.async(() -> {
                    throw new IllegalStateException("read via result");
                }));
                Aio.sleep(1.0);
                assertThatThrownBy(t::result).hasMessage("read via result");
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void mainTaskExceptionRethrownByRunIsNotReported() {
        try (Runner runner = runner()) {
            assertThatThrownBy(() -> runner.run(Aio.async(() -> {
                throw new IllegalStateException("main");
            }))).hasMessage("main");
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void cancelledTaskIsNotReported() {
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Task<Void> t = Aio.createTask(Aio.async(() -> Aio.sleep(10.0)));
                Aio.sleep(0);
                t.cancel();
                Aio.sleep(0);
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void failedFutureNobodyRetrievedIsReportedWhenTheLoopCloses() {
        IllegalArgumentException boom = new IllegalArgumentException("future failure");
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Aio.runningLoop().createFuture().setException(boom);
            }));
        }
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.message()).contains("Future exception was never retrieved");
            assertThat(r.exception()).isSameAs(boom);
        });
    }

    @Test
    void cancelOfAFailedFutureReturnsFalseAndSilencesTheReport() {
        // CPython test_futures: test_tb_logger_not_called_after_cancel.
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Future<Void> f = Aio.runningLoop().createFuture();
                f.setException(new IllegalArgumentException("given up on"));
                assertThat(f.cancel()).isFalse();
                assertThat(f.state()).isEqualTo(Future.State.FAILED);
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void cancelOfAFailedTaskReturnsFalseAndSilencesTheReport() {
        try (Runner runner = runner()) {
            runner.run(Aio.async(() -> {
                Task<Void> t = Aio.createTask(Aio.async(() -> {
                    throw new IllegalStateException("given up on");
                }));
                Aio.sleep(1.0);
                assertThat(t.cancel("too late")).isFalse();
                assertThat(t.state()).isEqualTo(Future.State.FAILED);
            }));
        }
        assertThat(reports).isEmpty();
    }

    @Test
    void failedTaskCollectedWhileTheLoopRunsIsReportedToItsHandler() {
        try (Runner runner = Runner.create()) { // real clock: the report comes from the cleaner thread
            runner.getLoop().setExceptionHandler((l, ctx) -> reports.add(ctx));
            boolean reportedWhileRunning = runner.run(Aio.async(() -> {
                startFailingTask();
                Aio.sleep(0);
                Aio.sleep(0);
                for (int i = 0; i < 200 && reports.isEmpty(); i++) {
                    System.gc();
                    Aio.sleep(0.02);
                }
                return !reports.isEmpty();
            }));
            assertThat(reportedWhileRunning).as("reported before 4 s of System.gc() calls").isTrue();
        }
        assertThat(reports).singleElement().satisfies(r -> {
            assertThat(r.message()).contains("Task exception was never retrieved").contains("collected");
            assertThat(r.future()).isNull();
        });
    }

    private static void startFailingTask() {
        Aio.createTask(Aio.async(() -> {
            throw new IllegalStateException("boom");
        }), "collected");
    }
}
