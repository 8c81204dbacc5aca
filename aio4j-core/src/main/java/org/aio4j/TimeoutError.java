package org.aio4j;

/**
 * Raised when a scoped timeout ({@link Aio#timeout}, {@link Aio#timeoutAt}) or {@link Aio#waitFor}
 * expires: Python's {@code TimeoutError}.
 *
 * <p>Unlike {@link CancelledError} it is an ordinary {@link RuntimeException}: a timeout is a failure
 * of the operation, for the caller to handle. Its cause is the {@code CancelledError} the scope used
 * to interrupt the body (as Python's {@code raise TimeoutError from exc}), or the
 * {@link InterruptedException} that ended a blocking JDK call the body was parked in.
 */
public class TimeoutError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A timeout with {@code message}. */
    public TimeoutError(String message) {
        super(message);
    }

    /** A timeout with {@code message}, caused by {@code cause}. */
    public TimeoutError(String message, Throwable cause) {
        super(message, cause);
    }
}
