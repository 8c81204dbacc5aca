package org.aio4j;

/**
 * How an async generator's body hands out a value: Python's {@code yield} expression inside
 * {@code async def}. Given to the body by {@link Aio#asyncGenerator(AsyncGeneratorBody)}; it is
 * valid only inside that body, while the generator runs.
 *
 * @param <T> the type of the values produced
 */
public interface Yielder<T> {
    /**
     * Hands {@code value} to the consumer and suspends the body until the consumer asks for the next
     * value. Returns the value the consumer sent with {@link AsyncGenerator#asend(Object)}, or
     * {@code null} when it asked with {@code anext()} or a {@code for} loop.
     *
     * <p>When the consumer calls {@link AsyncGenerator#athrow(Throwable)}, this throws that exception;
     * when the generator is closed ({@link AsyncGenerator#aclose()}, a {@code forEach} or
     * {@code take} that stops early, or loop shutdown), this throws {@link GeneratorExit}: let it
     * propagate (clean up in {@code finally}, which may await), as Python's generators do.
     *
     * @throws IllegalStateException if called outside the generator's body (from another task, from
     *                               a generator nested in it, or after the generator ended), or
     *                               again after {@link GeneratorExit} was thrown by a stopping
     *                               {@code forEach}
     */
    Object yield(T value);
}
