package org.aio4j.http;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/** The JDK's exceptions of an exchange as the client's: {@link ConnectError}, {@link ReadError}, {@link HttpError}. */
final class Errors {
    private Errors() {
    }

    /**
     * {@code failure} (the JDK's exception) of {@code request} as an {@link HttpError}; {@code duringBody}
     * says the response's headers had arrived and its body was being read.
     */
    static HttpError map(Request request, Throwable failure, boolean duringBody) {
        if (failure instanceof HttpError h) {
            return h;
        }
        String host = Requests.origin(request.url());
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException && !duringBody) {
                return new ConnectError(request, request + ": the TLS handshake with " + host + " failed ("
                        + t.getMessage() + "). If the server's certificate is not signed by a CA in the JDK's trust"
                        + " store (a self-signed certificate or a private CA), pass an SSLContext that trusts it:"
                        + " ClientOptions.withSslContext(...)", failure);
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof HttpConnectTimeoutException) {
                return new ConnectError(request, request + ": could not connect to " + host + " ("
                        + message(t) + "); is a server listening there?", failure);
            }
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return new ConnectError(request, request + ": the host name '" + request.url().getHost()
                        + "' did not resolve; check the URL", failure);
            }
        }
        String jdk = message(failure);
        if (jdk.toLowerCase(java.util.Locale.ROOT).contains("too many redirects")) {
            return new HttpError(request, request + ": too many redirects (" + jdk + "); the server redirects in a"
                    + " loop, or further than the client follows", failure);
        }
        if (duringBody) {
            return new ReadError(request, request + ": the connection failed while the response body was being"
                    + " read (" + jdk + "); the server reset or closed it before the body was complete", failure);
        }
        return new ReadError(request, request + ": the connection failed or closed before the response was"
                + " complete (" + jdk + "); the server reset or closed it, or sent less than it announced", failure);
    }

    private static String message(Throwable t) {
        String m = t.getMessage();
        return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
