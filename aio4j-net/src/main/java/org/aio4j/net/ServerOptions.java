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
 */
public record ServerOptions(int backlog, boolean reuseAddress, boolean reusePort, boolean startServing) {
    /** backlog 100, reuseAddress, no reusePort, serving at once. */
    public static final ServerOptions DEFAULT = new ServerOptions(100, true, false, true);

    /** @throws IllegalArgumentException if {@code backlog < 1} */
    public ServerOptions {
        if (backlog < 1) {
            throw new IllegalArgumentException("backlog must be at least 1, got " + backlog);
        }
    }

    public ServerOptions withBacklog(int backlog) {
        return new ServerOptions(backlog, reuseAddress, reusePort, startServing);
    }

    public ServerOptions withReuseAddress(boolean on) {
        return new ServerOptions(backlog, on, reusePort, startServing);
    }

    public ServerOptions withReusePort(boolean on) {
        return new ServerOptions(backlog, reuseAddress, on, startServing);
    }

    public ServerOptions withStartServing(boolean on) {
        return new ServerOptions(backlog, reuseAddress, reusePort, on);
    }
}
