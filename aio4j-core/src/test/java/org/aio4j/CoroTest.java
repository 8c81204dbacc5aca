package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link Coro}: a coroutine object runs only when awaited, inline, at most once. */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CoroTest {

    @Test
    void coroutineDoesNotRunUntilAwaited() {
        Steps steps = new Steps();
        VirtualRun.run(() -> {
            steps.expect(1);
            Coro<String> c = Aio.async(() -> {
                steps.expect(3);
                return "done";
            });
            Aio.sleep(0.5); // plenty of chances to run, if it were scheduled
            steps.expect(2);
            assertThat(c.isCreated()).isTrue();
            assertThat(Aio.await(c)).isEqualTo("done");
            assertThat(c.isClosed()).isTrue();
            steps.expect(4);
        });
        steps.finish(5);
    }

    @Test
    void awaitingACoroutineRunsItInlineInTheSameTask() {
        VirtualRun.run(() -> {
            Task<?> outer = Aio.currentTask();
            Thread outerThread = Thread.currentThread();
            int tasksBefore = Aio.allTasks().size();
            Task<?> inner = Aio.await(Aio.async(() -> {
                assertThat(Aio.allTasks()).hasSize(tasksBefore);
                assertThat(Thread.currentThread()).isSameAs(outerThread);
                return Aio.currentTask();
            }));
            assertThat(inner).isSameAs(outer);
        });
    }

    @Test
    void awaitingACoroutineSuspendsTheTaskAtTheCoroutinesAwaits() {
        double elapsed = VirtualRun.run(() -> {
            double start = VirtualRun.now();
            Aio.await(Aio.async(() -> Aio.sleep(1.5)));
            return VirtualRun.now() - start;
        });
        assertThat(elapsed).isEqualTo(1.5);
    }

    @Test
    void coroutineCannotBeAwaitedTwice() {
        VirtualRun.run(() -> {
            AtomicInteger runs = new AtomicInteger();
            Coro<Integer> c = Aio.async(runs::incrementAndGet);
            assertThat(Aio.await(c)).isEqualTo(1);
            assertThatThrownBy(() -> Aio.await(c))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already awaited");
            assertThatThrownBy(c::await)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already awaited");
            assertThat(runs).hasValue(1);
        });
    }

    @Test
    void coroutineCannotBeAwaitedWhileItRuns() {
        VirtualRun.run(() -> {
            Coro<?>[] self = new Coro<?>[1];
            Coro<Throwable> c = Aio.async(() -> {
                try {
                    Aio.await(self[0]);
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            self[0] = c;
            assertThat(Aio.await(c)).hasMessageContaining("already awaited and is running");
        });
    }

    @Test
    void coroutineWrappedInATaskCannotBeAwaitedOrWrappedAgain() {
        VirtualRun.run(() -> {
            Coro<Integer> c = Aio.async(() -> 7);
            Task<Integer> t = Aio.createTask(c);
            assertThatThrownBy(() -> Aio.await(c)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already awaited");
            assertThatThrownBy(() -> Aio.createTask(c)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("create a task");
            assertThat(Aio.await(t)).isEqualTo(7);
        });
    }

    @Test
    void closedCoroutineNeverRuns() {
        VirtualRun.run(() -> {
            AtomicInteger runs = new AtomicInteger();
            Coro<Integer> c = Aio.async(runs::incrementAndGet);
            c.close();
            assertThat(c.isClosed()).isTrue();
            assertThat(c.isCreated()).isFalse();
            assertThatThrownBy(() -> Aio.await(c)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> Aio.createTask(c)).isInstanceOf(IllegalStateException.class);
            c.close(); // idempotent
            assertThat(runs).hasValue(0);
        });
    }

    @Test
    void runningCoroutineCannotBeClosed() {
        VirtualRun.run(() -> {
            Coro<?>[] self = new Coro<?>[1];
            Coro<Throwable> c = Aio.async(() -> {
                try {
                    self[0].close();
                    return null;
                } catch (IllegalStateException e) {
                    return e;
                }
            });
            self[0] = c;
            assertThat(Aio.await(c)).hasMessageContaining("it is running");
            assertThat(c.isClosed()).isTrue();
        });
    }

    @Test
    void closingAFinishedCoroutineDoesNothing() {
        VirtualRun.run(() -> {
            Coro<Integer> c = Aio.async(() -> 1);
            Aio.await(c);
            c.close();
            assertThat(c.isClosed()).isTrue();
        });
    }

    @Test
    void coroutineThatThrowsIsClosedAndTheExceptionPropagatesUnchanged() {
        IOException boom = new IOException("checked");
        VirtualRun.run(() -> {
            Coro<Void> c = Aio.async(() -> {
                throw boom;
            });
            assertThatThrownBy(() -> Aio.await(c)).isSameAs(boom);
            assertThat(c.isClosed()).isTrue();
        });
    }

    @Test
    void coroutineCanAwaitAtAnyDepthOfItsCallStack() {
        double at = VirtualRun.run(() -> {
            deep(10);
            return VirtualRun.now();
        });
        assertThat(at).isEqualTo(1.0);
    }

    private static void deep(int n) {
        if (n == 0) {
            Aio.sleep(1.0);
        } else {
            deep(n - 1);
        }
    }

    @Test
    void namedCoroutineReportsItsName() {
        Coro<Integer> named = Aio.async("fetch-user", () -> 1);
        Coro<Void> namedRunnable = Aio.async("log-it", () -> { });
        try {
            assertThat(named.name()).isEqualTo("fetch-user");
            assertThat(namedRunnable.name()).isEqualTo("log-it");
            assertThat(named.toString()).contains("fetch-user").contains("created");
            Coro<Integer> unnamed = Aio.async(() -> 1);
            assertThat(unnamed.name()).isNotBlank();
            unnamed.close();
        } finally {
            named.close();
            namedRunnable.close();
        }
    }

    @Test
    void taskNamesItsCoroutineInItsDescription() {
        String description = VirtualRun.run(() -> {
            Task<Void> t = Aio.createTask(Aio.async("worker-body", () -> Aio.sleep(1.0)), "worker");
            String d = t.toString();
            t.cancel();
            return d;
        });
        assertThat(description).contains("worker").contains("coro=worker-body");
    }

    @Test
    void inDebugModeAnUnnamedCoroutineKeepsTheNameOfItsCreationSiteAfterItRan() {
        String[] names = Aio.run(Aio.async(() -> {
            Aio.runningLoop().setDebug(true);
            Coro<Integer> c = Aio.async(() -> 1);
            String before = c.name();
            Aio.await(c);
            return new String[] {before, c.name()};
        }));
        assertThat(names[0]).contains("CoroTest");
        assertThat(names[1]).isEqualTo(names[0]);
    }

    @Test
    void asyncWithNullBodyIsRejected() {
        assertThatThrownBy(() -> Aio.async((AsyncSupplier<Object>) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("async(null)");
        assertThatThrownBy(() -> Aio.async((AsyncRunnable) null))
                .isInstanceOf(NullPointerException.class);
    }
}
