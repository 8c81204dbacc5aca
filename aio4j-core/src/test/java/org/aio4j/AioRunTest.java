package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link Aio#run} (asyncio.run's contract) and the entry points that ask for the running loop:
 * {@link Aio#runningLoop}, {@link Aio#currentTask}, {@link Aio#toThread}.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AioRunTest {

    @Test
    void runReturnsTheResultOfTheMainCoroutine() {
        assertThat(Aio.run(Aio.async(() -> "hello"))).isEqualTo("hello");
        assertThat(Aio.run(Aio.async(() -> { }))).isNull();
    }

    @Test
    void runRethrowsTheMainCoroutinesExceptionUnchanged() {
        IOException boom = new IOException("checked");
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> {
            Aio.sleep(0);
            throw boom;
        }))).isSameAs(boom);
    }

    @Test
    void runRethrowsCancelledErrorWhenTheMainTaskIsCancelled() {
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> {
            Aio.currentTask().cancel("main cancelled");
            Aio.sleep(0);
        }))).isInstanceOf(CancelledError.class).hasMessage("main cancelled");
    }

    @Test
    void runCancelsLeftoverTasksAndWaitsForTheirCleanup() {
        List<String> trace = new CopyOnWriteArrayList<>();
        AtomicReference<Task<Void>> leftover = new AtomicReference<>();
        String result = Aio.run(Aio.async(() -> {
            leftover.set(Aio.createTask(Aio.async(() -> {
                try {
                    trace.add("leftover started");
                    Aio.sleep(3600.0);
                } catch (CancelledError e) {
                    trace.add("leftover cancelled");
                    Aio.sleep(0); // cleanup that awaits
                    Future<String> f = Aio.runningLoop().createFuture();
                    Aio.runningLoop().callSoon(() -> f.setResult("cleanup done"));
                    trace.add(Aio.await(f));
                    throw e;
                } finally {
                    trace.add("leftover finally");
                }
            })));
            Aio.sleep(0);
            return "main done";
        }));
        assertThat(result).isEqualTo("main done");
        assertThat(trace).containsExactly("leftover started", "leftover cancelled", "cleanup done",
                "leftover finally");
        assertThat(leftover.get().cancelled()).isTrue();
    }

    @Test
    void leftoverTaskCreatedAsMainReturnsGetsItsFirstStepThenIsCancelled() {
        // As in asyncio.run: the main task's completion stops the loop one iteration later, and the
        // leftover's first step was scheduled before that.
        AtomicReference<Task<Void>> leftover = new AtomicReference<>();
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            leftover.set(Aio.createTask(Aio.async(() -> {
                trace.add("first step");
                Aio.sleep(3600.0);
                trace.add("must not resume");
            })));
        }));
        assertThat(leftover.get().cancelled()).isTrue();
        assertThat(trace).containsExactly("first step");
    }

    @Test
    void runCancelsLeftoverTasksAlsoWhenTheMainCoroutineFails() {
        List<String> trace = new CopyOnWriteArrayList<>();
        IllegalStateException boom = new IllegalStateException("main failed");
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> {
            Aio.createTask(Aio.async(() -> {
                try {
                    Aio.sleep(3600.0);
                } finally {
                    trace.add("leftover cleaned up");
                }
            }));
            Aio.sleep(0);
            throw boom;
        }))).isSameAs(boom);
        assertThat(trace).containsExactly("leftover cleaned up");
    }

    @Test
    void runInsideACoroutineThrowsIllegalStateMentioningTheRunningLoop() {
        Throwable caught = VirtualRun.run(() -> {
            Coro<Integer> inner = Aio.async(() -> 1);
            try {
                Aio.run(inner);
                return null;
            } catch (IllegalStateException e) {
                assertThat(inner.isCreated()).isTrue();
                inner.close();
                return e;
            }
        });
        assertThat(caught).hasMessageContaining("running event loop");
    }

    @Test
    void runInsideALoopCallbackThrowsIllegalState() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        AtomicReference<Throwable> caught = new AtomicReference<>();
        Coro<Integer> inner = Aio.async(() -> 1);
        try {
            loop.callSoon(() -> {
                try {
                    Aio.run(inner);
                } catch (Throwable e) {
                    caught.set(e);
                }
            });
            loop.stop();
            loop.runForever();
        } finally {
            loop.close();
            inner.close();
        }
        assertThat(caught.get()).isInstanceOf(IllegalStateException.class).hasMessageContaining("running event loop");
    }

    @Test
    void runWithDebugTurnsTheLoopsDebugModeOn() {
        assertThat(Aio.run(Aio.async(() -> Aio.runningLoop().isDebug()), true)).isTrue();
        assertThat(Aio.run(Aio.async(() -> Aio.runningLoop().isDebug()), false)).isFalse();
    }

    @Test
    void eachRunUsesANewLoopThatIsClosedAfterwards() {
        EventLoop first = Aio.run(Aio.async(Aio::runningLoop));
        EventLoop second = Aio.run(Aio.async(Aio::runningLoop));
        assertThat(first).isNotSameAs(second);
        assertThat(first.isClosed()).isTrue();
        assertThat(second.isClosed()).isTrue();
    }

    @Test
    void runAfterAFailedRunWorks() {
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> {
            throw new IllegalStateException("first");
        }))).hasMessage("first");
        assertThat(Aio.run(Aio.async(() -> "second"))).isEqualTo("second");
    }

    @Test
    void runningLoopOutsideALoopThrowsIllegalState() {
        assertThatThrownBy(Aio::runningLoop)
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no running event loop");
        assertThatThrownBy(Aio::allTasks).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(Aio::currentTask).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void runningLoopOfAnIdleLoopThrowsIllegalState() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        try {
            assertThatThrownBy(Aio::runningLoop).isInstanceOf(IllegalStateException.class);
        } finally {
            loop.close();
        }
    }

    @Test
    void runningLoopInsideACoroutineAndACallbackIsTheLoop() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        AtomicReference<EventLoop> inCallback = new AtomicReference<>();
        try {
            loop.callSoon(() -> inCallback.set(Aio.runningLoop()));
            EventLoop inTask = loop.runUntilComplete(Aio.async(Aio::runningLoop));
            assertThat(inTask).isSameAs(loop);
            assertThat(inCallback.get()).isSameAs(loop);
        } finally {
            loop.close();
        }
    }

    @Test
    void currentTaskInALoopCallbackIsNull() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        AtomicReference<Object> inCallback = new AtomicReference<>("not set");
        try {
            loop.callSoon(() -> inCallback.set(Aio.currentTask()));
            loop.stop();
            loop.runForever();
        } finally {
            loop.close();
        }
        assertThat(inCallback.get()).isNull();
    }

    @Test
    void toThreadRunsOnAnotherThreadAndReturnsTheValue() {
        Thread caller = Thread.currentThread();
        List<Thread> threads = Aio.run(Aio.async(() -> {
            Thread taskThread = Thread.currentThread();
            Thread worker = Aio.toThread(Thread::currentThread);
            return List.of(taskThread, worker);
        }));
        assertThat(threads.get(1)).isNotSameAs(caller).isNotSameAs(threads.get(0));
        assertThat(threads.get(1).isVirtual()).as("the default executor runs a virtual thread per call").isTrue();
        assertThat(threads.get(1).getName()).startsWith("aio4j-to-thread-");
    }

    @Test
    void toThreadDoesNotBlockTheLoop() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            Task<Void> ticker = Aio.createTask(Aio.async(() -> {
                trace.add("ticker ran while the worker blocked");
            }));
            String r = Aio.toThread(() -> {
                Thread.sleep(100); // blocking, but on the worker thread
                return "worker done";
            });
            trace.add(r);
            Aio.await(ticker);
        }));
        assertThat(trace).containsExactly("ticker ran while the worker blocked", "worker done");
    }

    @Test
    void toThreadRunsCpuBoundWorkOffTheLoopThread() {
        AtomicBoolean workerStarted = new AtomicBoolean();
        AtomicBoolean workerDone = new AtomicBoolean();
        String seenByTicker = Aio.run(Aio.async(() -> {
            Task<String> ticker = Aio.createTask(Aio.async(() -> {
                while (!workerStarted.get()) {
                    Aio.sleep(0.001);
                }
                return workerDone.get() ? "loop was held until the worker finished" : "loop ran while the worker ran";
            }));
            Aio.toThread(() -> {
                workerStarted.set(true);
                long end = System.nanoTime() + 300_000_000L; // busy, no blocking call to park in
                while (System.nanoTime() - end < 0) {
                    Thread.onSpinWait();
                }
                workerDone.set(true);
                return null;
            });
            return Aio.await(ticker);
        }));
        assertThat(seenByTicker).isEqualTo("loop ran while the worker ran");
    }

    @Test
    void toThreadRethrowsTheFunctionsExceptionUnchanged() {
        IOException boom = new IOException("from the worker");
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> Aio.toThread(() -> {
            throw boom;
        })))).isSameAs(boom);
    }

    @Test
    void toThreadOnAVirtualClockWaitsInRealTimeForTheWorker() {
        double virtualElapsed = VirtualRun.run(() -> {
            Task<Void> timer = Aio.createTask(Aio.async(() -> Aio.sleep(1000.0)));
            String r = Aio.toThread(() -> {
                Thread.sleep(50);
                return "ok";
            });
            assertThat(r).isEqualTo("ok");
            double t = VirtualRun.now();
            timer.cancel();
            return t;
        });
        assertThat(virtualElapsed).as("no jump to the 1000 s timer while the worker ran").isEqualTo(0.0);
    }
}
