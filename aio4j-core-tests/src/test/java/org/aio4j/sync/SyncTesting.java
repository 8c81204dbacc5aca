package org.aio4j.sync;

import java.util.concurrent.CompletableFuture;
import org.aio4j.Aio;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.test.TestLoop;

/** Helpers shared by the tests of this package. */
final class SyncTesting {

    private SyncTesting() {
    }

    /**
     * Runs {@code call} on a new platform thread (not a loop thread, not a task) while the calling
     * coroutine's loop keeps running, and returns what it threw, or {@code null}.
     */
    static Throwable thrownOnPlainThread(Runnable call) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread.ofPlatform().name("plain-java-thread").start(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return Aio.await(outcome);
    }

    /** Runs {@code call} as a plain callback of {@code loop} (no task) and returns what it threw, or null. */
    static Throwable thrownInCallback(EventLoop loop, Runnable call) {
        Future<Throwable> outcome = loop.createFuture();
        loop.callSoon(() -> {
            try {
                call.run();
                outcome.setResult(null);
            } catch (Throwable t) {
                outcome.setResult(t);
            }
        });
        return Aio.await(outcome);
    }

    /** Starts {@code body} as a task and lets it run until it parks (or ends). */
    static <T> Task<T> started(Coro<T> body) {
        Task<T> t = Aio.createTask(body);
        settle();
        return t;
    }

    /** Runs until every other task is parked and nothing is ready, at the current virtual time. */
    static void settle() {
        TestLoop.current().waitAllTasksBlocked();
    }
}
