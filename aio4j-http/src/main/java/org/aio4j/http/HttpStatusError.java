package org.aio4j.http;

/**
 * A response whose status is not 2xx, raised by {@link Response#raiseForStatus()} (httpx's
 * {@code HTTPStatusError}). {@link #response()} is the response (from {@link AsyncClient#send} with
 * its body read; from {@link AsyncClient#stream} its body may still be unread: close it).
 */
public class HttpStatusError extends HttpError {
    private static final long serialVersionUID = 1L;

    private final transient Response response;

    /** A status error for {@code response} with {@code message}. */
    public HttpStatusError(Response response, String message) {
        super(response.request(), message, null);
        this.response = response;
    }

    /** The response that was not a success. */
    public Response response() {
        return response;
    }

    /** Its status code. */
    public int status() {
        return response.status();
    }
}
