package org.aio4j.http;

import java.net.http.HttpClient;
import javax.net.ssl.SSLContext;

/**
 * How an {@link AsyncClient} sends its requests. Immutable; start from {@link #DEFAULT} and change
 * with the withers:
 *
 * <pre>{@code
 * AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT
 *         .withTimeout(5.0)                 // each exchange, unless the request says otherwise
 *         .withMaxConnections(100)          // requests in flight at once, all hosts together
 *         .withMaxConnectionsPerHost(10));  // ... and to any one scheme://host:port
 * }</pre>
 *
 * @param timeout               seconds each exchange may take (sending the request and reading the
 *                              whole response; for {@link AsyncClient#stream} up to the response's
 *                              headers), as an aio4j {@link org.aio4j.Aio#timeout timeout} scope:
 *                              on expiry the exchange is cancelled and the call throws
 *                              {@link org.aio4j.TimeoutError}. {@code Double.POSITIVE_INFINITY} (the
 *                              default) for no limit. A {@link Request#withTimeout request's own}
 *                              timeout replaces it. Waiting for a permit of the limits below is not
 *                              counted: put an {@code Aio.timeout} around the call for a total limit
 * @param maxConnections        requests in flight at once on this client, all hosts together
 *                              (httpx's {@code max_connections}), or 0 (the default) for no limit
 * @param maxConnectionsPerHost requests in flight at once to one origin ({@code scheme://host:port}),
 *                              or 0 (the default) for no limit
 * @param followRedirects       whether 3xx answers with a {@code Location} are followed (the JDK's
 *                              {@link HttpClient.Redirect#NORMAL}: never from https to http, at
 *                              most 5 hops), the default; false returns them as they are
 * @param version               the HTTP version to ask for: {@link HttpClient.Version#HTTP_2} (the
 *                              default; HTTP/2 over TLS by ALPN, plain http by the h2c upgrade,
 *                              falling back to HTTP/1.1 when the server does not speak it) or
 *                              {@link HttpClient.Version#HTTP_1_1}
 * @param sslContext            the TLS context for https, or null (the default) for the JDK's
 *                              default, which trusts the JDK's trust store ({@code cacerts})
 */
public record ClientOptions(double timeout, int maxConnections, int maxConnectionsPerHost, boolean followRedirects,
        HttpClient.Version version, SSLContext sslContext) {
    /** No timeout, no limits, redirects followed, HTTP/2 preferred, the JDK's default TLS trust. */
    public static final ClientOptions DEFAULT = new ClientOptions(Double.POSITIVE_INFINITY, 0, 0, true,
            HttpClient.Version.HTTP_2, null);

    /**
     * @throws IllegalArgumentException if {@code timeout} is NaN or not positive, a limit is negative,
     *                                  or {@code version} is null
     */
    public ClientOptions {
        Requests.checkTimeout(timeout, "ClientOptions.timeout");
        if (maxConnections < 0 || maxConnectionsPerHost < 0) {
            throw new IllegalArgumentException("ClientOptions: maxConnections (" + maxConnections + ") and"
                    + " maxConnectionsPerHost (" + maxConnectionsPerHost + ") must be >= 0 (0 means no limit)");
        }
        if (version == null) {
            throw new IllegalArgumentException("ClientOptions.version must be HttpClient.Version.HTTP_2 or HTTP_1_1, got null");
        }
    }

    /** With {@code seconds} per exchange ({@code Double.POSITIVE_INFINITY}: none). */
    public ClientOptions withTimeout(double seconds) {
        return new ClientOptions(seconds, maxConnections, maxConnectionsPerHost, followRedirects, version, sslContext);
    }

    /** With at most {@code n} requests in flight on the client (0: no limit). */
    public ClientOptions withMaxConnections(int n) {
        return new ClientOptions(timeout, n, maxConnectionsPerHost, followRedirects, version, sslContext);
    }

    /** With at most {@code n} requests in flight to each origin (0: no limit). */
    public ClientOptions withMaxConnectionsPerHost(int n) {
        return new ClientOptions(timeout, maxConnections, n, followRedirects, version, sslContext);
    }

    /** Following redirects or not. */
    public ClientOptions withFollowRedirects(boolean follow) {
        return new ClientOptions(timeout, maxConnections, maxConnectionsPerHost, follow, version, sslContext);
    }

    /** Asking for HTTP version {@code v}. */
    public ClientOptions withVersion(HttpClient.Version v) {
        return new ClientOptions(timeout, maxConnections, maxConnectionsPerHost, followRedirects, v, sslContext);
    }

    /** With the TLS context {@code context} (null: the JDK's default, its trust store). */
    public ClientOptions withSslContext(SSLContext context) {
        return new ClientOptions(timeout, maxConnections, maxConnectionsPerHost, followRedirects, version, context);
    }
}
