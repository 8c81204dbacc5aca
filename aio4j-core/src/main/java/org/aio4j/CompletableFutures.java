package org.aio4j;

import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * The bridges between aio4j's {@link Future} and Java's {@link CompletableFuture}, in both directions,
 * with cancellation carried both ways: {@link Aio#wrapFuture(CompletionStage)} (a stage as a future of
 * the loop), {@link Future#toCompletableFuture()} (a future as a stage), and
 * {@link Aio#runCoroutineThreadsafe} (a coroutine handed to a loop from any thread).
 */
final class CompletableFutures {
    /*
     * Implementation notes. A CompletableFuture completes on whatever thread calls complete(), so what
     * crosses into the loop goes through callSoonThreadsafe, and what crosses out is a
     * CompletableFuture completed from a done callback on the loop thread (its non-async dependents
     * then run on the loop thread, as a concurrent.futures callback runs in asyncio's loop thread). A
     * hop into a loop that has closed meanwhile is dropped: nobody is left to receive it.
     *
     * Cancellation, as asyncio's _chain_future: cancelling the CompletableFuture completes it as
     * cancelled at once and asks the loop to cancel the future or task, which may still finish
     * otherwise (a task may catch the CancelledError); cancelling the aio4j future cancels the
     * CompletableFuture when the future's done callbacks run.
     */

    private CompletableFutures() {
    }

    // ================================================================ stage -> Future

    /** See {@link Aio#wrapFuture(CompletionStage)}; a future of {@code loop} (loop thread). */
    static <T> Future<T> wrap(EventLoop loop, CompletionStage<T> stage) {
        if (stage == null) {
            throw new NullPointerException("await(null): pass a coroutine, a future or a task");
        }
        Future<T> f = new Future<>(loop);
        CompletableFuture<T> cf = queryable(stage);
        if (cf != null && cf.isDone()) {
            settleFrom(f, cf);
            return f;
        }
        loop.outsideWork(1);
        stage.whenComplete((value, failure) -> {
            Runnable settle = () -> {
                if (!f.done()) {
                    loop.outsideWork(-1);
                    if (failure != null) {
                        Throwable cause = unwrap(failure);
                        if (cause instanceof CancellationException) {
                            f.cancel();
                        } else {
                            f.setException(cause);
                        }
                    } else {
                        f.setResult(value);
                    }
                }
            };
            // Always through the loop, even when the stage completes on the loop's own thread (a task
            // or callback called complete()): settling inline would run the future's consequences
            // inside complete() and make them synchronous, where asyncio's wrap_future defers them.
            try {
                if (loop.isLoopThread()) {
                    loop.callSoon(settle);
                } else {
                    loop.callSoonThreadsafe(settle);
                }
            } catch (IllegalStateException closed) {
                // the loop is gone; nobody waits for this result any more
            }
        });
        f.addCallback((java.util.function.Consumer<Future<T>>) done -> {
            if (done.cancelled()) {
                loop.outsideWork(-1);
                CompletableFuture<T> target = cf;
                if (target == null) {
                    try {
                        target = stage.toCompletableFuture();
                    } catch (UnsupportedOperationException e) {
                        return; // a stage that cannot be cancelled
                    }
                }
                target.cancel(false);
            }
        });
        return f;
    }

    /**
     * {@code stage} as a CompletableFuture whose state can be read and that can be cancelled, or null.
     * {@link CompletableFuture#minimalCompletionStage()} returns a CompletableFuture subclass whose
     * isDone() and cancel() throw UnsupportedOperationException: treat it as a plain stage.
     */
    private static <T> CompletableFuture<T> queryable(CompletionStage<T> stage) {
        if (stage instanceof CompletableFuture<T> c) {
            try {
                c.isDone();
                return c;
            } catch (UnsupportedOperationException minimal) {
                return null;
            }
        }
        return null;
    }

    private static <T> void settleFrom(Future<T> f, CompletableFuture<T> cf) {
        try {
            f.setResult(cf.get());
        } catch (ExecutionException e) {
            f.setException(unwrap(e.getCause()));
        } catch (CancellationException e) {
            f.cancel();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.setException(e);
        }
    }

    private static Throwable unwrap(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    // ================================================================ Future -> CompletableFuture

    /** See {@link Future#toCompletableFuture()} (loop thread). */
    static <T> CompletableFuture<T> toCompletableFuture(Future<T> f) {
        EventLoop loop = f.loop;
        CompletableFuture<T> cf = new CompletableFuture<>();
        f.addDoneCallback(done -> copyOutcome(done, cf));
        cf.whenComplete((value, failure) -> {
            if (cf.isCancelled()) {
                cancelOnLoop(loop, f);
            }
        });
        return cf;
    }

    /** Completes {@code cf} as {@code done} is (loop thread; {@code done} is done). */
    private static <T> void copyOutcome(Future<T> done, CompletableFuture<T> cf) {
        switch (done.state()) {
            case SUCCEEDED -> cf.complete(done.result());
            case FAILED -> cf.completeExceptionally(done.exception());
            default -> cf.cancel(false);
        }
    }

    /** Cancels {@code f} from any thread: inline on its loop's thread, else through the inbox. */
    private static void cancelOnLoop(EventLoop loop, Future<?> f) {
        if (loop.isLoopThread()) {
            f.cancel();
            return;
        }
        try {
            loop.callSoonThreadsafe(f::cancel);
        } catch (IllegalStateException closed) {
            // the loop is gone, and its future with it
        }
    }

    // ================================================================ runCoroutineThreadsafe

    /** See {@link Aio#runCoroutineThreadsafe}; any thread. */
    static <T> CompletableFuture<T> runCoroutineThreadsafe(Coro<T> coro, EventLoop loop) {
        Objects.requireNonNull(coro, "runCoroutineThreadsafe(null, loop): pass a coroutine made with Aio.async(...)");
        Objects.requireNonNull(loop, "runCoroutineThreadsafe(coro, null): pass the event loop to run the coroutine on");
        if (!coro.isCreated()) {
            throw new IllegalStateException("runCoroutineThreadsafe: coroutine '" + coro.name() + "' was already"
                    + " awaited or closed; a coroutine runs once: call the method that made it again for a new one");
        }
        Submission<T> s = new Submission<>(loop, coro);
        ExecutorBridge bridge = loop.executor;
        bridge.submitted(s);
        try {
            loop.callSoonThreadsafe(s);
        } catch (IllegalStateException closed) {
            bridge.forget(s);
            throw new IllegalStateException("runCoroutineThreadsafe: the event loop is closed, so it cannot run"
                    + " coroutine '" + coro.name() + "'; submit to a loop that is running (or about to run)", closed);
        }
        if (loop.isClosed()) {
            s.loopClosed(); // closed after our post: the close may have missed it (see loopClosed)
        }
        return s.result;
    }

    /**
     * A coroutine on its way to a loop, and then its task. The loop's close fails it while it waits in
     * the inbox, and the submitter fails it itself if it sees the loop closed after posting, so that
     * no interleaving with close() leaves {@link #result} pending forever (see ExecutorBridge.atClose).
     */
    static final class Submission<T> implements Runnable {
        private final EventLoop loop;
        private final Coro<T> coro;
        final CompletableFuture<T> result = new CompletableFuture<>();

        Submission(EventLoop loop, Coro<T> coro) {
            this.loop = loop;
            this.coro = coro;
        }

        /** On the loop thread: start the task, and chain it to {@link #result}. */
        @Override
        public void run() {
            if (!loop.executor.started(this)) {
                return; // failed by the loop's close already
            }
            Task<T> task;
            try {
                task = loop.createTask(coro);
            } catch (Throwable e) {
                result.completeExceptionally(e);
                return;
            }
            // Cancelled before the loop got here: the task is cancelled before its first step, so its
            // body never runs (asyncio creates the task and cancels it at once the same way).
            task.addDoneCallback(done -> {
                loop.executor.forget(this);
                copyOutcome(done, result);
            });
            result.whenComplete((value, failure) -> {
                if (result.isCancelled()) {
                    cancelOnLoop(loop, task);
                }
            });
        }

        /** The loop closed before the task finished (or started): the result fails, if still pending. */
        void loopClosed() {
            loop.executor.forget(this);
            if (coro.isCreated()) {
                coro.close(); // it will never run: not "never awaited" either
            }
            result.completeExceptionally(new IllegalStateException("the event loop was closed before coroutine '"
                    + coro.name() + "' (submitted with runCoroutineThreadsafe) finished"));
        }
    }
}
