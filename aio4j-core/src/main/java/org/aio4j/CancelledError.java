package org.aio4j;

/**
 * Raised inside a coroutine whose task was cancelled, and by {@link Future#result()} of a cancelled
 * future: Python's {@code asyncio.CancelledError}.
 *
 * <p>It extends {@link Error}, not {@link Exception}, for the same reason Python 3.8 moved
 * {@code CancelledError} under {@code BaseException}: a {@code catch (Exception e)} written for
 * ordinary failures must not swallow a cancellation. A coroutine may catch it to clean up (it may
 * await during the cleanup) and should then rethrow it; a coroutine that swallows it stays alive and
 * the task is not cancelled.
 *
 * <p>The message is the one given to {@link Task#cancel(String)} or {@link Future#cancel(String)},
 * or {@code null}.
 *
 * <p>Stack traces: outside debug mode a {@code CancelledError} carries no stack trace, because
 * cancellation is control flow, not a bug, and filling in a task's stack costs microseconds
 * (shutting down a million tasks would spend seconds on it). In debug mode ({@code -Daio4j.debug=true},
 * {@code AIO4J_DEBUG=1}, or a loop with {@link EventLoop#setDebug debug} on) it records where it was
 * raised. kotlinx.coroutines makes the same choice for its cancellation exceptions.
 */
public class CancelledError extends Error {
    private static final long serialVersionUID = 1L;

    /** A cancellation without a message. */
    public CancelledError() {
        this(null);
    }

    /** A cancellation carrying {@code message} (may be {@code null}). */
    public CancelledError(String message) {
        super(message, null, true, wantsStackTrace());
    }

    private static boolean wantsStackTrace() {
        return Debug.enabledHere();
    }
}
