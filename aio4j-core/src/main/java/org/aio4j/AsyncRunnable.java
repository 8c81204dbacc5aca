package org.aio4j;

/**
 * The body of a coroutine that returns nothing: Python's {@code async def f(): ...} without a
 * {@code return} value.
 *
 * <p>Pass it to {@link Aio#async(AsyncRunnable)}; the resulting {@link Coro} yields {@code null}.
 * The body may {@link Aio#await await} at any depth and may throw any exception, checked ones
 * included.
 */
@FunctionalInterface
public interface AsyncRunnable {
    /** Runs the body inside a coroutine. */
    void run() throws Exception;
}
