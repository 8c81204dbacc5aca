package org.aio4j.http;

/**
 * The base of the HTTP client's errors (httpx's {@code HTTPError}): {@link ConnectError} (no
 * connection could be made, TLS included), {@link ReadError} (the connection failed or closed during
 * the exchange) and {@link HttpStatusError} (from {@link Response#raiseForStatus()}). Thrown as
 * itself for the rest, e.g. too many redirects. Its message names the request and says what to do;
 * its cause, if any, is the JDK's exception.
 *
 * <p>Timeouts are not HTTP errors: an expired {@linkplain ClientOptions#timeout timeout} throws
 * aio4j's {@link org.aio4j.TimeoutError}, and a cancelled task {@link org.aio4j.CancelledError}, as
 * every other await does.
 */
public class HttpError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Request request;

    /** An error of {@code request} (may be null) with {@code message} and {@code cause} (may be null). */
    public HttpError(Request request, String message, Throwable cause) {
        super(message, cause);
        this.request = request;
    }

    /** The request that failed, or null if unknown. */
    public Request request() {
        return request;
    }
}
