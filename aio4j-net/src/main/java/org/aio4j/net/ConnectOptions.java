package org.aio4j.net;

import java.net.InetSocketAddress;

/**
 * How {@link Net#createConnection} and {@link Streams#openConnection} connect. Immutable; start from
 * {@link #DEFAULT} and change with the withers.
 *
 * @param connectTimeout seconds for resolving and connecting together (every address tried), or
 *                       {@code Double.POSITIVE_INFINITY} (the default) for no limit; when it passes the
 *                       call throws {@link org.aio4j.TimeoutError}. The TLS handshake, if any, has its
 *                       own {@link TlsOptions#handshakeTimeout}
 * @param localAddr      the local address to bind before connecting, or null (the default)
 * @param tls            TLS client options (asyncio's {@code ssl=}), or null (the default) for plain TCP
 */
public record ConnectOptions(double connectTimeout, InetSocketAddress localAddr, TlsOptions tls) {
    /** No connect timeout, no local address, no TLS. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(Double.POSITIVE_INFINITY, null, null);

    /**
     * @throws IllegalArgumentException if {@code connectTimeout} is NaN or not positive, or {@code tls}
     *                                  is a server's options
     */
    public ConnectOptions {
        if (Double.isNaN(connectTimeout) || connectTimeout <= 0) {
            throw new IllegalArgumentException("connectTimeout must be a positive number of seconds (or"
                    + " Double.POSITIVE_INFINITY for none), got " + connectTimeout);
        }
        if (tls != null && tls.serverSide()) {
            throw new IllegalArgumentException("ConnectOptions.tls must be client options (TlsOptions.client...),"
                    + " got a server's: " + tls);
        }
    }

    /** Plain TCP options without TLS (the record's shape before TLS). */
    public ConnectOptions(double connectTimeout, InetSocketAddress localAddr) {
        this(connectTimeout, localAddr, null);
    }

    public ConnectOptions withConnectTimeout(double seconds) {
        return new ConnectOptions(seconds, localAddr, tls);
    }

    public ConnectOptions withLocalAddr(InetSocketAddress address) {
        return new ConnectOptions(connectTimeout, address, tls);
    }

    /** With TLS client options, or null for plain TCP. */
    public ConnectOptions withTls(TlsOptions options) {
        return new ConnectOptions(connectTimeout, localAddr, options);
    }
}
