package org.aio4j;

/**
 * A test applied to each value of an async generator ({@link AsyncGenerator#filter},
 * {@link AsyncGenerator#forEachWhile}); it runs inside the consuming coroutine and may await.
 *
 * @param <T> the type of the values
 */
@FunctionalInterface
public interface AsyncPredicate<T> {
    /** Tests one value; an exception ends the iteration and propagates to the consumer. */
    boolean test(T value) throws Exception;
}
