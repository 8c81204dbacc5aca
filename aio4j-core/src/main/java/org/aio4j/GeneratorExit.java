package org.aio4j;

/**
 * Thrown inside an async generator's body, at the {@code yield} where it is suspended, when the
 * generator is closed: Python's {@code GeneratorExit}. {@link AsyncGenerator#aclose()} throws it, so
 * do a {@code forEach}/{@code take} that stops early and the loop's
 * {@link EventLoop#shutdownAsyncgens()}.
 *
 * <p>It extends {@link Error}, like {@link CancelledError} and for the same reason (Python puts it
 * under {@code BaseException}): a {@code catch (Exception e)} must not swallow it. The body's
 * {@code finally} blocks run (they may await); the body should let it propagate. A body that yields
 * again instead makes {@code aclose()} fail with {@link IllegalStateException} ("ignored
 * GeneratorExit"), as Python does.
 */
public class GeneratorExit extends Error {
    private static final long serialVersionUID = 1L;

    /** A closing request. */
    public GeneratorExit() {
        super("the async generator is being closed", null, false, Debug.enabledHere());
    }
}
