package org.aio4j;

/**
 * The body of a coroutine that returns a value: Python's {@code async def f(): ... return x}.
 *
 * <p>Pass it to {@link Aio#async(AsyncSupplier)}. The body may {@link Aio#await await} at any depth
 * of its call stack and may throw any exception, checked ones included: it propagates unchanged to
 * whoever awaits the coroutine.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface AsyncSupplier<T> {
    /** Runs the body inside a coroutine and returns its result. */
    T get() throws Exception;
}
