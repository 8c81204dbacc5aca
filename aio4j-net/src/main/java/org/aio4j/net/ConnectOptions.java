package org.aio4j.net;

import java.net.InetSocketAddress;

/**
 * How {@link Net#createConnection} and {@link Streams#openConnection} connect. Immutable; start from
 * {@link #DEFAULT} and change with the withers.
 *
 * @param connectTimeout seconds for resolving and connecting together (every address tried), or
 *                       {@code Double.POSITIVE_INFINITY} (the default) for no limit; when it passes the
 *                       call throws {@link org.aio4j.TimeoutError}
 * @param localAddr      the local address to bind before connecting, or null (the default)
 */
public record ConnectOptions(double connectTimeout, InetSocketAddress localAddr) {
    /** No connect timeout, no local address. */
    public static final ConnectOptions DEFAULT = new ConnectOptions(Double.POSITIVE_INFINITY, null);

    /** @throws IllegalArgumentException if {@code connectTimeout} is NaN or not positive */
    public ConnectOptions {
        if (Double.isNaN(connectTimeout) || connectTimeout <= 0) {
            throw new IllegalArgumentException("connectTimeout must be a positive number of seconds (or"
                    + " Double.POSITIVE_INFINITY for none), got " + connectTimeout);
        }
    }

    public ConnectOptions withConnectTimeout(double seconds) {
        return new ConnectOptions(seconds, localAddr);
    }

    public ConnectOptions withLocalAddr(InetSocketAddress address) {
        return new ConnectOptions(connectTimeout, address);
    }
}
