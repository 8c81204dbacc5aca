package org.aio4j;

/**
 * The body of a scoped timeout that wants its {@link Timeout} handle (to read or move the deadline):
 * {@code Aio.timeout(5, t -> { ...; t.reschedule(t.when() + 5); ... })}.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface TimeoutBody<T> {
    /** Runs the body inside the timeout scope. */
    T run(Timeout timeout) throws Exception;
}
