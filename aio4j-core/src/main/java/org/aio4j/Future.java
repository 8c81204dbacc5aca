package org.aio4j;

import java.util.ArrayList;
import java.util.function.Consumer;

/**
 * A result that will be available later, bound to one {@link EventLoop}: Python's
 * {@code asyncio.Future}. Create one with {@link EventLoop#createFuture()}; complete it with
 * {@link #setResult}, {@link #setException} or {@link #cancel}; wait for it with
 * {@link Aio#await(Awaitable)}.
 *
 * <h2>States</h2>
 * <pre>
 *   PENDING --setResult--> SUCCEEDED
 *   PENDING --setException--> FAILED
 *   PENDING --cancel--> CANCELLED
 * </pre>
 * A done future never changes again: a second {@code setResult}, {@code setException} throws
 * {@link IllegalStateException} naming the state; a second {@code cancel} returns {@code false}.
 *
 * <h2>Callbacks</h2>
 * Done callbacks are never run inline: when the future completes, each is scheduled with
 * {@link EventLoop#callSoon}, in registration order; one added to a done future is scheduled at once.
 *
 * <h2>Errors nobody looked at</h2>
 * If a {@link Task} fails and nobody retrieves the exception (by awaiting it, {@link #result()} or
 * {@link #exception()}, or gives up on it with {@link #cancel}), the loop reports "Task exception
 * was never retrieved" to its exception handler when the task is garbage-collected or the loop closes.
 *
 * <h2>Threads</h2>
 * Loop thread only (a task of the loop counts as the loop thread). Mutating methods called from
 * another thread while the loop runs throw {@link WrongThreadException}; to complete a future from
 * another thread, use {@link EventLoop#callSoonThreadsafe}. Not {@code java.util.concurrent.Future}:
 * to hand a result to blocking code, use {@link #toCompletableFuture()}.
 *
 * @param <T> the result type
 */
public sealed class Future<T> implements Awaitable<T> permits Task, GatheringFuture, ParkFuture, ExecutorFuture,
        Waiting.Shielded {

    /** The public lifecycle of a future. */
    public enum State {
        /** Not done yet. */
        PENDING,
        /** Done with a result. */
        SUCCEEDED,
        /** Done with an exception. */
        FAILED,
        /** Done by cancellation. */
        CANCELLED
    }

    final EventLoop loop;
    private State state = State.PENDING;
    /**
     * The value (SUCCEEDED), the Throwable (FAILED), or for CANCELLED the cancel message or, for a task
     * whose coroutine ended with a CancelledError, that very error.
     */
    private Object outcome;
    /**
     * Done callbacks: null, a single callback, or an ArrayList of them. Each is a user
     * {@code Consumer<Future<T>>} or a {@link Task} waiting for this future, woken directly: the
     * equivalent of asyncio scheduling {@code Task.__wakeup} with call_soon.
     */
    private Object callbacks;
    /** A FAILED outcome nobody has looked at yet (asyncio's {@code _log_traceback}). */
    UnretrievedReport unretrieved;

    Future(EventLoop loop) {
        this.loop = loop;
    }

    // ---------------------------------------------------------------- state

    /** The loop this future belongs to. */
    public final EventLoop getLoop() {
        return loop;
    }

    /** The current state. */
    public final State state() {
        return state;
    }

    /** Whether the future is done: it has a result or an exception, or was cancelled. */
    public final boolean done() {
        return state != State.PENDING;
    }

    /** Whether the future was cancelled. */
    public final boolean cancelled() {
        return state == State.CANCELLED;
    }

    /**
     * The result. Rethrows the exception if the future failed (unchanged, checked ones included).
     *
     * @throws CancelledError if the future was cancelled
     * @throws IllegalStateException if the future is not done yet
     */
    public final T result() {
        checkReadThread();
        switch (state) {
            case SUCCEEDED:
                return value();
            case FAILED:
                markRetrieved();
                throw Sneaky.raise((Throwable) outcome);
            case CANCELLED:
                throw cancelledError();
            default:
                throw new IllegalStateException("Result is not ready: " + this
                        + " is still pending; await it (Aio.await) or add a done callback");
        }
    }

    /**
     * The exception the future failed with, or {@code null} if it succeeded.
     *
     * @throws CancelledError if the future was cancelled
     * @throws IllegalStateException if the future is not done yet
     */
    public final Throwable exception() {
        checkReadThread();
        switch (state) {
            case SUCCEEDED:
                return null;
            case FAILED:
                markRetrieved();
                return (Throwable) outcome;
            case CANCELLED:
                throw cancelledError();
            default:
                throw new IllegalStateException("Exception is not set: " + this
                        + " is still pending; await it (Aio.await) or add a done callback");
        }
    }

    @SuppressWarnings("unchecked")
    private T value() {
        return (T) outcome;
    }

    /** The cancel message of a cancelled future (may be null). */
    final String cancelMessage() {
        if (state != State.CANCELLED) {
            return null;
        }
        return outcome instanceof CancelledError e ? e.getMessage() : (String) outcome;
    }

    /**
     * What a consumer of this cancelled future gets: the {@link CancelledError} the task's coroutine
     * ended with, the same instance for every consumer (its stack, cause and suppressed exceptions
     * kept, as failures are), or a new one with the cancel message when nobody raised one (a future
     * cancelled with {@link #cancel}, a task cancelled before its first step).
     */
    final CancelledError cancelledError() {
        return outcome instanceof CancelledError e ? e : new CancelledError((String) outcome);
    }

    /**
     * The cancel message asyncio's {@code _make_cancelled_error()} would use: a cancelled future's;
     * a task overrides it with the message of a cancel() it caught.
     */
    String lastCancelMessage() {
        return cancelMessage();
    }

    /** Whether this failed future's exception is a {@link CancelledError} (a gather fails with one). */
    final boolean outcomeIsCancelledError() {
        return state == State.FAILED && outcome instanceof CancelledError;
    }

    // ---------------------------------------------------------------- completion

    /**
     * Completes the future with {@code value} and schedules the done callbacks.
     *
     * @throws IllegalStateException if the future is already done
     */
    public void setResult(T value) {
        loop.checkThread();
        if (state != State.PENDING) {
            throw new IllegalStateException("invalid state: cannot set the result of " + this
                    + ": it is already " + state);
        }
        complete(State.SUCCEEDED, value);
    }

    /**
     * Completes the future with {@code exception} and schedules the done callbacks.
     *
     * @throws IllegalStateException if the future is already done
     * @throws NullPointerException if {@code exception} is null
     */
    public void setException(Throwable exception) {
        loop.checkThread();
        if (exception == null) {
            throw new NullPointerException("setException(null): pass the exception the future failed with");
        }
        if (state != State.PENDING) {
            throw new IllegalStateException("invalid state: cannot set an exception on " + this
                    + ": it is already " + state);
        }
        completeExceptionally(exception);
    }

    /** Cancels the future without a message; see {@link #cancel(String)}. */
    public boolean cancel() {
        return cancel(null);
    }

    /**
     * Cancels the future: if it is pending it becomes CANCELLED, its done callbacks are scheduled and
     * awaiting it raises {@link CancelledError} with {@code message}. On a future that already failed
     * it changes nothing but counts as looking at the exception: the failure is no longer reported as
     * never retrieved (as in asyncio: whoever cancels has given up on the outcome).
     *
     * @return {@code false} if the future was already done, else {@code true}
     */
    public boolean cancel(String message) {
        loop.checkThread();
        markRetrieved();
        if (state != State.PENDING) {
            return false;
        }
        complete(State.CANCELLED, message);
        return true;
    }

    final void completeExceptionally(Throwable exception) {
        if (!(exception instanceof CancelledError)) {
            unretrieved = UnretrievedReport.track(this, exception);
        }
        complete(State.FAILED, exception);
    }

    final void complete(State newState, Object newOutcome) {
        state = newState;
        outcome = newOutcome;
        Object cbs = callbacks;
        if (cbs != null) {
            callbacks = null;
            if (cbs instanceof ArrayList<?> list) {
                for (Object cb : list) {
                    schedule(cb);
                }
            } else {
                schedule(cbs);
            }
        }
        onDone();
    }

    /** Hook for subclasses, run after the state changed and the callbacks were scheduled. */
    void onDone() {
    }

    private void schedule(Object cb) {
        if (cb instanceof Task<?> waiter) {
            waiter.wakeUp();
        } else {
            loop.scheduleDoneCallback((Consumer<?>) cb, this);
        }
    }

    final void markRetrieved() {
        UnretrievedReport r = unretrieved;
        if (r != null) {
            unretrieved = null;
            r.retrieved();
        }
    }

    // ---------------------------------------------------------------- callbacks

    /**
     * Adds a callback run with this future when it is done, scheduled with
     * {@link EventLoop#callSoon} (at once if the future is already done).
     */
    public final void addDoneCallback(Consumer<? super Future<T>> callback) {
        loop.checkThread();
        if (callback == null) {
            throw new NullPointerException("addDoneCallback(null)");
        }
        var vars = Context.capture();
        Consumer<?> cb = vars == null ? callback : new DoneCallbackHandle.InContext(callback, vars);
        if (state != State.PENDING) {
            loop.checkOpen("schedule a done callback");
            loop.scheduleDoneCallback(cb, this);
        } else {
            addCallback(cb);
        }
    }

    /**
     * Removes every registration of {@code callback}.
     *
     * @return how many were removed
     */
    public final int removeDoneCallback(Consumer<? super Future<T>> callback) {
        loop.checkThread();
        return removeCallback(callback);
    }

    /** Whether a registered callback is {@code cb}, possibly wrapped with its context. */
    private static boolean same(Object registered, Object cb) {
        return registered == cb || (registered instanceof DoneCallbackHandle.InContext c && c.consumer() == cb);
    }

    final void addCallback(Object cb) {
        Object cbs = callbacks;
        if (cbs == null) {
            callbacks = cb;
        } else if (cbs instanceof ArrayList<?>) {
            @SuppressWarnings("unchecked")
            ArrayList<Object> list = (ArrayList<Object>) cbs;
            list.add(cb);
        } else {
            ArrayList<Object> list = new ArrayList<>(4);
            list.add(cbs);
            list.add(cb);
            callbacks = list;
        }
    }

    /** Whether {@code cb} is registered (identity). */
    final boolean hasCallback(Object cb) {
        Object cbs = callbacks;
        if (cbs instanceof ArrayList<?> list) {
            for (Object x : list) {
                if (same(x, cb)) {
                    return true;
                }
            }
            return false;
        }
        return same(cbs, cb);
    }

    final int removeCallback(Object cb) {
        Object cbs = callbacks;
        if (cbs == null) {
            return 0;
        }
        if (cbs instanceof ArrayList<?> list) {
            int before = list.size();
            list.removeIf(x -> same(x, cb));
            int removed = before - list.size();
            if (list.isEmpty()) {
                callbacks = null;
            }
            return removed;
        }
        if (same(cbs, cb)) {
            callbacks = null;
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------- awaiting

    /**
     * Waits for the future inside a coroutine and returns its result (see {@link Awaitable}).
     *
     * @throws IllegalStateException outside a coroutine, or for a future of another loop
     */
    @Override
    public final T await() {
        return Strand.currentOrThrow("await a Future").task.awaitFuture(this);
    }

    /**
     * The outcome for an awaiting task: returns the value or throws the exception or a
     * CancelledError. The future must be done.
     */
    final T resultForAwait(Task<?> awaiter) {
        if (state == State.SUCCEEDED) {
            return value();
        }
        if (state == State.CANCELLED) {
            throw cancelledError();
        }
        markRetrieved();
        Throwable failure = (Throwable) outcome;
        AsyncStackTrace.link(failure, awaiter, this);
        throw Sneaky.raise(failure);
    }

    /**
     * A {@link java.util.concurrent.CompletableFuture} completed (on the loop thread) when this future
     * is, for handing the result to blocking or non-aio4j code: its non-async dependents run on the
     * loop thread. Cancellation is carried both ways: this future cancelled cancels the stage, and
     * cancelling the stage (from any thread) cancels this future (a task: requests its cancellation,
     * which the task may still refuse) at the loop's next iteration, or at once on the loop thread.
     */
    public final java.util.concurrent.CompletableFuture<T> toCompletableFuture() {
        loop.checkThread();
        return CompletableFutures.toCompletableFuture(this);
    }

    private void checkReadThread() {
        if (loop.isDebug()) {
            loop.checkThread();
        }
    }

    final void checkLoopThread() {
        loop.checkThread();
    }

    @Override
    public String toString() {
        return describeState(new StringBuilder("Future[")).append(']').toString();
    }

    final StringBuilder describeState(StringBuilder sb) {
        sb.append(state.name().toLowerCase(java.util.Locale.ROOT));
        switch (state) {
            case SUCCEEDED -> sb.append(" result=").append(abbreviate(outcome));
            case FAILED -> sb.append(" exception=").append(outcome);
            case CANCELLED -> {
                if (cancelMessage() != null) {
                    sb.append(" message=").append(cancelMessage());
                }
            }
            default -> { }
        }
        return sb;
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        return s.length() > 60 ? s.substring(0, 57) + "..." : s;
    }
}
