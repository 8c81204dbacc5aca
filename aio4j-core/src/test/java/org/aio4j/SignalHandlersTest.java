package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@link EventLoop#addSignalHandler} / {@link EventLoop#removeSignalHandler}, with real signals sent
 * to this process ({@code kill -s NAME <pid>}). USR1 for the general tests: the JVM leaves it to
 * programs and installs a handler even when it was ignored at startup (HUP is ignored under nohup).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalHandlersTest {

    /** Sends {@code signal} to this process and waits for {@code kill} to return. */
    static void kill(String signal) {
        try {
            Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(ProcessHandle.current().pid()))
                    .inheritIO().start();
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("kill finished").isTrue();
            assertThat(p.exitValue()).as("kill -s %s exit status", signal).isZero();
        } catch (IOException e) {
            Assumptions.abort("skipped: cannot run kill to send a signal (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Sends the signal from a thread of the default executor (the loop keeps running meanwhile). */
    static void killFromCoroutine(String signal) {
        Aio.toThread(() -> {
            kill(signal);
            return null;
        });
    }

    /** Adds a handler, or skips the test if the JVM keeps the signal ignored since startup. */
    static void addOrSkip(EventLoop loop, String signal, Runnable callback) {
        try {
            loop.addSignalHandler(signal, callback);
        } catch (IllegalStateException e) {
            Assumptions.abort("skipped: " + e.getMessage());
        }
    }

    @Test
    void theCallbackRunsOnTheLoopThreadWhenTheProcessGetsTheSignal() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Thread> ran = loop.createFuture();
            loop.addSignalHandler("USR1", () -> ran.setResult(Thread.currentThread()));
            killFromCoroutine("USR1");
            Thread t = Aio.waitFor(ran, 10.0);
            assertThat(t).isSameAs(loop.thread());
            assertThat(t.getName()).doesNotContain("SIGUSR1");
            assertThat(loop.removeSignalHandler("USR1")).isTrue();
            assertThat(loop.removeSignalHandler("USR1")).isFalse();
        }));
    }

    @Test
    void namesWithOrWithoutSigAndInAnyCaseAreTheSameSignalAndAddingAgainReplacesTheCallback() {
        List<String> calls = new CopyOnWriteArrayList<>();
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Void> second = loop.createFuture();
            loop.addSignalHandler("SIGUSR1", () -> calls.add("first"));
            loop.addSignalHandler("usr1", () -> {
                calls.add("second");
                second.setResult(null);
            });
            killFromCoroutine("USR1");
            Aio.waitFor(second, 10.0);
            Aio.sleep(0.05);
            assertThat(loop.removeSignalHandler("SIGUSR1")).isTrue();
        }));
        assertThat(calls).containsExactly("second");
    }

    @Test
    void removeAndCloseRestoreTheHandlerThatWasThereBefore() throws InterruptedException {
        AtomicInteger before = new AtomicInteger();
        SignalHandler original = Signal.handle(new Signal("USR1"), s -> before.incrementAndGet());
        try {
            Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                Future<Void> got = loop.createFuture();
                loop.addSignalHandler("USR1", () -> got.setResult(null));
                killFromCoroutine("USR1");
                Aio.waitFor(got, 10.0);
                assertThat(before.get()).isZero();
                loop.removeSignalHandler("USR1");
                killFromCoroutine("USR1");
                waitUntil(() -> before.get() == 1);
                loop.addSignalHandler("USR1", () -> { });   // left for close() to remove
            }));
            kill("USR1");
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (before.get() < 2 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(before.get()).as("deliveries to the handler installed before").isEqualTo(2);
        } finally {
            Signal.handle(new Signal("USR1"), original);
        }
    }

    private static void waitUntil(java.util.function.BooleanSupplier c) {
        double end = Aio.runningLoop().time() + 10.0;
        while (!c.getAsBoolean()) {
            assertThat(Aio.runningLoop().time()).as("waited 10 s").isLessThan(end);
            Aio.sleep(0.01);
        }
    }

    @Test
    void deliveriesWhileTheCallbackIsPendingCoalesceIntoOneCall() {
        AtomicInteger calls = new AtomicInteger();
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.addSignalHandler("USR1", calls::incrementAndGet);
            Future<Void> blocked = loop.createFuture();
            loop.callSoon(() -> {                  // the loop thread itself is busy: nothing can run
                long before = SignalHandlers.DELIVERIES.get();
                for (int i = 0; i < 3; i++) {
                    kill("USR1");
                }
                long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (SignalHandlers.DELIVERIES.get() < before + 3 && System.nanoTime() < end) {
                    Thread.onSpinWait();           // the JVM's signal threads hand all three over meanwhile
                }
                blocked.setResult(null);
            });
            Aio.await(blocked);
            waitUntil(() -> calls.get() >= 1);
            Aio.sleep(0.1);
            assertThat(calls.get()).isEqualTo(1);
            killFromCoroutine("USR1");
            waitUntil(() -> calls.get() == 2);
            loop.removeSignalHandler("USR1");
        }));
    }

    @Test
    void twoLoopsOnTwoThreadsBothGetTheSignal() throws Exception {
        EventLoop other = null;
        AtomicReference<EventLoop> otherLoop = new AtomicReference<>();
        Future<?>[] otherGot = new Future<?>[1];
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(1);
        Thread t = Thread.ofPlatform().name("second-loop").start(() -> Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Void> got = loop.createFuture();
            otherGot[0] = got;
            loop.addSignalHandler("USR1", () -> got.setResult(null));
            otherLoop.set(loop);
            ready.countDown();
            Aio.waitFor(got, 20.0);
        })));
        assertThat(ready.await(10, TimeUnit.SECONDS)).isTrue();
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Future<Void> got = loop.createFuture();
            loop.addSignalHandler("USR1", () -> got.setResult(null));
            killFromCoroutine("USR1");
            Aio.waitFor(got, 10.0);
        }));
        t.join(20_000);
        assertThat(t.isAlive()).isFalse();
        assertThat(otherGot[0].done() && !otherGot[0].cancelled() && otherGot[0].exception() == null).isTrue();
        assertThat(otherLoop.get().isClosed()).isTrue();
    }

    @Test
    void reservedAndUnknownSignalsAreRefusedNamingTheSignalsThatCanBeHandled() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            for (String s : List.of("QUIT", "KILL", "STOP", "SEGV", "USR2", "CHLD", "PIPE")) {
                assertThatThrownBy(() -> loop.addSignalHandler(s, () -> { }))
                        .as(s).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("SIG" + s + " cannot be handled")
                        .hasMessageContaining("HUP, INT, TERM, USR1");
            }
            assertThatThrownBy(() -> loop.addSignalHandler("NOPE", () -> { }))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown signal 'NOPE'")
                    .hasMessageContaining("HUP, INT, TERM");
            assertThatThrownBy(() -> loop.removeSignalHandler("QUIT")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> loop.addSignalHandler("USR1", null)).isInstanceOf(NullPointerException.class);
            assertThatThrownBy(() -> loop.addSignalHandler(null, () -> { })).isInstanceOf(NullPointerException.class);
        }));
    }

    @Test
    void addingFromAnotherThreadOrOnAClosedLoopIsAClearError() throws Exception {
        EventLoop loop = EventLoop.create();
        AtomicReference<Throwable> fromOther = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                loop.addSignalHandler("USR1", () -> { });
            } catch (Throwable e) {
                fromOther.set(e);
            }
        });
        t.join();
        assertThat(fromOther.get()).isInstanceOf(WrongThreadException.class).hasMessageContaining("loop's thread");
        loop.close();
        assertThatThrownBy(() -> loop.addSignalHandler("USR1", () -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThat(loop.removeSignalHandler("USR1")).isFalse();
    }

    @Test
    void hangupAndTerminateWorkUnlessTheJvmKeepsThemIgnored() {
        for (String s : List.of("HUP", "TERM")) {
            Aio.run(Aio.async(() -> {
                EventLoop loop = Aio.runningLoop();
                Future<Void> got = loop.createFuture();
                addOrSkip(loop, s, () -> got.setResult(null));
                killFromCoroutine(s);
                Aio.waitFor(got, 10.0);
                loop.removeSignalHandler(s);
            }));
        }
    }

    @Test
    void anExceptionFromTheCallbackGoesToTheExceptionHandlerAndTheHandlerStays() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            List<ExceptionContext> reports = new CopyOnWriteArrayList<>();
            loop.setExceptionHandler((l, c) -> reports.add(c));
            AtomicInteger calls = new AtomicInteger();
            loop.addSignalHandler("USR1", () -> {
                calls.incrementAndGet();
                throw new IllegalStateException("boom");
            });
            killFromCoroutine("USR1");
            waitUntil(() -> reports.size() == 1);
            killFromCoroutine("USR1");
            waitUntil(() -> calls.get() == 2);
            assertThat(reports.get(0).exception()).hasMessage("boom");
            loop.removeSignalHandler("USR1");
        }));
    }
}
