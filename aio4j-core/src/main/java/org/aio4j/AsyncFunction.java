package org.aio4j;

/**
 * A function applied to each value of an async generator ({@link AsyncGenerator#map}); it runs inside
 * the consuming coroutine and may await.
 *
 * @param <T> the type of the input values
 * @param <R> the type of the results
 */
@FunctionalInterface
public interface AsyncFunction<T, R> {
    /** Maps one value; an exception ends the iteration and propagates to the consumer. */
    R apply(T value) throws Exception;
}
