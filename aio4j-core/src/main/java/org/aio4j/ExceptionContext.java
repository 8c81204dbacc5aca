package org.aio4j;

/**
 * What an {@link EventLoop} tells its exception handler about an error nobody else could handle:
 * the fields of the context dict of Python's {@code loop.call_exception_handler}.
 *
 * @param message  what happened, always present
 * @param exception the error, or {@code null}
 * @param future   the future or task concerned, or {@code null} (for instance when the task has
 *                 already been garbage-collected)
 * @param handle   the callback handle concerned, or {@code null}
 * @param taskName the name of the task concerned, or {@code null}
 */
public record ExceptionContext(String message, Throwable exception, Future<?> future, Handle handle,
                               String taskName) {

    /** A context with a message and an exception only. */
    public static ExceptionContext of(String message, Throwable exception) {
        return new ExceptionContext(message, exception, null, null, null);
    }
}
