package org.aio4j.http;

/**
 * The connection failed or was closed during the exchange (httpx's {@code ReadError} and
 * {@code RemoteProtocolError}): the server reset it or closed it before the response, or its body,
 * was complete. The request may have been processed by the server; retry only if it is idempotent.
 */
public class ReadError extends HttpError {
    private static final long serialVersionUID = 1L;

    /** See {@link HttpError#HttpError(Request, String, Throwable)}. */
    public ReadError(Request request, String message, Throwable cause) {
        super(request, message, cause);
    }
}
