package org.aio4j;

/**
 * Receives errors an {@link EventLoop} cannot hand to anyone else: a callback that threw, a task
 * whose failure nobody retrieved. Install with {@link EventLoop#setExceptionHandler}; the default
 * logs through {@link System.Logger} (logger {@code org.aio4j}). Runs on the loop thread.
 */
@FunctionalInterface
public interface ExceptionHandler {
    /** Handles one error. Exceptions thrown from here are logged and otherwise ignored. */
    void handle(EventLoop loop, ExceptionContext context);
}
