package org.aio4j;

/**
 * The body of an async generator: Python's {@code async def f(): ... yield v ...}.
 *
 * <p>Pass it to {@link Aio#asyncGenerator(AsyncGeneratorBody)}. The body produces values with
 * {@link Yielder#yield out.yield(v)} and may {@link Aio#await await} anywhere between them, at any
 * depth of its call stack. Returning ends the iteration; an exception thrown by the body (checked
 * ones included) ends the generator and propagates unchanged to the consumer that asked for the
 * next value.
 *
 * @param <T> the type of the values produced
 */
@FunctionalInterface
public interface AsyncGeneratorBody<T> {
    /** Runs the generator's body, producing values through {@code out}. */
    void run(Yielder<T> out) throws Exception;
}
