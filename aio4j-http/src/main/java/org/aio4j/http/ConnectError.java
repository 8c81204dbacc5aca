package org.aio4j.http;

/**
 * No connection to the server could be made (httpx's {@code ConnectError}): the name did not
 * resolve, the connection was refused or unreachable, or the TLS handshake failed (for example the
 * server's certificate is not trusted: pass an {@link javax.net.ssl.SSLContext} that trusts it with
 * {@link ClientOptions#withSslContext}). Nothing of the request reached the server's application.
 */
public class ConnectError extends HttpError {
    private static final long serialVersionUID = 1L;

    /** See {@link HttpError#HttpError(Request, String, Throwable)}. */
    public ConnectError(Request request, String message, Throwable cause) {
        super(request, message, cause);
    }
}
