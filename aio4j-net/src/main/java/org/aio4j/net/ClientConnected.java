package org.aio4j.net;

/**
 * The per-connection handler of {@link Streams#startServer} and {@link Streams#startUnixServer}
 * (asyncio's {@code client_connected_cb}). It runs as a new task for each accepted connection, so it
 * is a coroutine: it may await, read and drain.
 *
 * <h2>When it ends</h2>
 * <ul>
 *   <li>It returns: the connection stays as the handler left it. Close it with
 *       {@code writer.close()} (as in asyncio, returning does not close it; a handler may hand the
 *       streams to another task).</li>
 *   <li>It throws, or its task is cancelled (for instance when the loop shuts down): the connection is
 *       closed. An exception is also reported to the loop's exception handler. Other connections and
 *       the server are not affected.</li>
 * </ul>
 */
@FunctionalInterface
public interface ClientConnected {
    /**
     * Serves one connection.
     *
     * @param reader what the client sends
     * @param writer what goes back to it; {@code writer.close()} ends the connection
     * @throws Exception anything: it closes this connection and is reported (see the class documentation)
     */
    void handle(StreamReader reader, StreamWriter writer) throws Exception;
}
