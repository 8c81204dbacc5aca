package org.aio4j.net;

/**
 * How {@link Net#createServer} and {@link Streams#startServer} listen (asyncio's keyword arguments of
 * {@code create_server}). Immutable; start from {@link #DEFAULT} and change with the withers.
 *
 * @param backlog      the listen queue length, and the most connections accepted per readiness event
 * @param reuseAddress {@code SO_REUSEADDR} (default true, as asyncio on POSIX: a restarted server can
 *                     bind the port while old connections linger in TIME_WAIT)
 * @param reusePort    {@code SO_REUSEPORT} (default false): several processes share the port
 * @param startServing accept connections at once (default true); false waits for
 *                     {@link Server#startServing} or {@link Server#serveForever}
 * @param tls          TLS server options (asyncio's {@code ssl=}): each accepted connection does the
 *                     handshake before its protocol's {@code connectionMade}; null (the default) for
 *                     plain TCP
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing, TlsOptions tls) {
    /** backlog 100, reuseAddress, no reusePort, serving at once, no TLS. */
    public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, true, null);

    /** @throws IllegalArgumentException if {@code backlog < 1}, or {@code tls} is a client's options */
    public ServerOptions {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
        if (tls != null && !tls.serverSide()) {
            throw new IllegalArgumentException("ServerOptions.tls must be server options (TlsOptions.server...),"
                    + " got a client's: " + tls);
        }
    }

    /** Plain TCP options without TLS (the record's shape before TLS). */
    public ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing) {
        this(backlog, reuseAddress, reusePort, startServing, null);
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, tls);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing, tls);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing, tls);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on, tls);
    }

    /** With TLS server options, or null for plain TCP. */
    public ServerOptions withTls(TlsOptions options) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing, options);
    }
}
