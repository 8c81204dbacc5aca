package org.aio4j;

/**
 * Something a coroutine can wait for: Python's awaitable.
 *
 * <p>{@link Coro}, {@link Future} and {@link Task} are awaitables. A user type becomes awaitable by
 * implementing {@link #await()} in terms of other awaits (for example by awaiting a {@link Future} it
 * owns); {@link Aio#await(Awaitable)} calls it after checking that the caller runs inside a
 * coroutine.
 *
 * <p>Contract: {@code await()} runs on the calling coroutine's strand, returns the result or throws
 * the failure unchanged (checked exceptions included), and throws {@link CancelledError} if the
 * calling task is cancelled while it waits. Calling it outside a coroutine throws
 * {@link IllegalStateException}.
 *
 * @param <T> the result type
 */
public interface Awaitable<T> {
    /**
     * Waits, suspending the current coroutine if needed, and returns the result.
     *
     * @throws IllegalStateException if called outside a coroutine
     * @throws CancelledError if the awaiting task is cancelled
     */
    T await();
}
