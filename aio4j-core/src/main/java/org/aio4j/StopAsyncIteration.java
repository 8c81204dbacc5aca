package org.aio4j;

import java.util.NoSuchElementException;

/**
 * Thrown by {@link AsyncGenerator#anext()} (and {@code asend}, {@code athrow}) when the generator has
 * no more values: Python's {@code StopAsyncIteration}. It extends {@link NoSuchElementException},
 * what a Java {@link java.util.Iterator} throws at its end, so either catch reads naturally.
 *
 * <p>A {@code for} loop over the generator never sees it: the loop just ends. A generator body that
 * lets one escape (from a nested {@code anext()}) does not end quietly: the consumer gets an
 * {@link IllegalStateException} caused by it, as Python turns it into a {@code RuntimeError}.
 */
public class StopAsyncIteration extends NoSuchElementException {
    private static final long serialVersionUID = 1L;

    /** The end of an iteration, with a message naming the generator. */
    public StopAsyncIteration(String message) {
        super(message);
    }
}
