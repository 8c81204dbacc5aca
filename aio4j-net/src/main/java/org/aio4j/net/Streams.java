package org.aio4j.net;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.LoopGroup;
import org.aio4j.lowlevel.Lowlevel;

/**
 * Reader/writer streams over TCP and Unix sockets: asyncio's {@code open_connection},
 * {@code start_server}, {@code open_unix_connection} and {@code start_unix_server}.
 *
 * <pre>{@code
 * Server server = Streams.startServer((r, w) -> {
 *     byte[] data;
 *     while ((data = r.read(65536)).length > 0) {   // echo until the client's end of file
 *         w.write(data);
 *         w.drain();
 *     }
 *     w.close();
 * }, "127.0.0.1", 8888);
 *
 * StreamPair s = Streams.openConnection("127.0.0.1", 8888);
 * s.writer().write("hello\n".getBytes(UTF_8));
 * byte[] line = s.reader().readline();
 * }</pre>
 *
 * <h2>Contract</h2>
 * Every method runs inside a coroutine on the loop (connecting and resolving names suspend) and is a
 * cancellation point; the {@link IOException}s and options are those of the matching {@link Net}
 * method. {@code limit} is the {@link StreamReader}'s limit (default
 * {@value StreamReader#DEFAULT_LIMIT}): the longest line {@code readline} returns and half the read
 * buffer's cap; zero or negative throws {@link IllegalArgumentException} before anything is opened.
 *
 * <h2>Servers</h2>
 * Each accepted connection gets a new reader, writer and task running the {@link ClientConnected}
 * handler. A handler that throws (or whose task is cancelled) has its connection closed; the exception
 * goes to the loop's exception handler and the server keeps serving. A handler that returns leaves its
 * connection open (close it with {@code writer.close()}), as asyncio does. Shut a server down with
 * {@code server.close(); server.closeClients(); server.waitClosed();}: {@link Server#close} alone
 * stops accepting but leaves the connections (and their handlers) running.
 */
public final class Streams {
    private Streams() {
    }

    /** {@link #openConnection(String, int, int, ConnectOptions)} with the default limit and options. */
    public static StreamPair openConnection(String host, int port) throws IOException {
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULT);
    }

    /**
     * Connects to {@code host:port} over TCP (as {@link Net#createConnection}) and returns the
     * connection's reader and writer.
     *
     * @throws IllegalArgumentException if {@code limit <= 0}, or for a port outside 1..65535
     * @throws java.net.ConnectException if every address refused
     * @throws org.aio4j.TimeoutError   if {@code options.connectTimeout()} passed first
     * @throws IllegalStateException    outside a coroutine
     */
    public static StreamPair openConnection(String host, int port, int limit, ConnectOptions options) throws IOException {
        Objects.requireNonNull(options, "options");
        StreamReader.checkLimit(limit);
        EventLoop loop = loopOf("openConnection");
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(loop, reader, null);
        Connection<StreamReaderProtocol> c = Net.createConnection(() -> protocol, host, port, options);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /**
     * Connects to {@code host:port} and does a TLS handshake (asyncio's
     * {@code open_connection(host, port, ssl=...)}): {@link #openConnection(String, int, int, ConnectOptions)}
     * with the default limit and {@code ConnectOptions.DEFAULT.withTls(tls)}.
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake failed (the message says why and what to check)
     * @throws java.net.SocketTimeoutException     if the handshake took longer than {@code tls.handshakeTimeout()}
     */
    public static StreamPair openConnection(String host, int port, TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        return openConnection(host, port, StreamReader.DEFAULT_LIMIT, ConnectOptions.DEFAULT.withTls(tls));
    }

    /** {@link #openUnixConnection(Path, int)} with the default limit. */
    public static StreamPair openUnixConnection(Path path) throws IOException {
        return openUnixConnection(path, StreamReader.DEFAULT_LIMIT);
    }

    /**
     * Connects to the Unix socket at {@code path} (as {@link Net#createUnixConnection}).
     *
     * @throws IllegalArgumentException if {@code limit <= 0}, or the path is too long for a Unix socket
     * @throws IllegalStateException    outside a coroutine
     */
    public static StreamPair openUnixConnection(Path path, int limit) throws IOException {
        Objects.requireNonNull(path, "path");
        StreamReader.checkLimit(limit);
        EventLoop loop = loopOf("openUnixConnection");
        StreamReader reader = new StreamReader(limit);
        StreamReaderProtocol protocol = new StreamReaderProtocol(loop, reader, null);
        Connection<StreamReaderProtocol> c = Net.createUnixConnection(() -> protocol, path);
        return new StreamPair(reader, new StreamWriter(c.transport(), protocol, reader));
    }

    /** {@link #startServer(ClientConnected, String, int, int, ServerOptions)} with the default limit and options. */
    public static Server startServer(ClientConnected handler, String host, int port) throws IOException {
        return startServer(handler, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT);
    }

    /**
     * Listens on {@code host:port} (as {@link Net#createServer}: null or empty host means every
     * interface, port 0 picks a free port) and runs {@code handler} as a new task for each connection
     * (see the class documentation).
     *
     * @throws IllegalArgumentException if {@code limit <= 0}, or for a port outside 0..65535
     * @throws java.net.BindException   if the address is in use
     * @throws IllegalStateException    outside a coroutine
     */
    public static Server startServer(ClientConnected handler, String host, int port, int limit, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(options, "options");
        StreamReader.checkLimit(limit);
        EventLoop loop = loopOf("startServer");
        return Net.createServer(() -> new StreamReaderProtocol(loop, new StreamReader(limit), handler), host, port, options);
    }

    /**
     * A TLS server (asyncio's {@code start_server(..., ssl=...)}): {@link #startServer(ClientConnected, String, int, int, ServerOptions)}
     * with the default limit and {@code ServerOptions.DEFAULT.withTls(tls)}. The handler runs once a
     * connection's handshake is done; connections whose handshake fails never reach it.
     */
    public static Server startServer(ClientConnected handler, String host, int port, TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        return startServer(handler, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT.withTls(tls));
    }

    /**
     * {@link #startServer(LoopGroup, ClientConnected, String, int, int, ServerOptions, GroupServer.Accept)} with
     * the default limit and options and {@link GroupServer.Accept#AUTO}.
     */
    public static GroupServer startServer(LoopGroup group, ClientConnected handler, String host, int port)
            throws IOException {
        return startServer(group, handler, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT,
                GroupServer.Accept.AUTO);
    }

    /**
     * Listens on {@code host:port} with every loop of {@code group} (as
     * {@link Net#createServer(LoopGroup, java.util.function.Supplier, String, int, ServerOptions, GroupServer.Accept)})
     * and runs {@code handler} as a new task, on the loop that serves the connection, for each one:
     * a handler and its reader and writer never leave their loop. {@code handler} is called on
     * every loop's thread, so what it shares must be thread-safe. Callable inside a coroutine (of any
     * loop) or from a thread that runs no loop (it blocks until every loop listens).
     *
     * @throws IllegalArgumentException if {@code limit <= 0}, or for a port outside 0..65535
     * @throws java.net.BindException   if the address is in use
     */
    public static GroupServer startServer(LoopGroup group, ClientConnected handler, String host, int port, int limit,
                                          ServerOptions options, GroupServer.Accept accept) throws IOException {
        Objects.requireNonNull(handler, "handler");
        StreamReader.checkLimit(limit);
        return GroupServer.start(group, loop -> () -> new StreamReaderProtocol(loop, new StreamReader(limit), handler),
                host, port, options, accept);
    }

    /** {@link #startUnixServer(ClientConnected, Path, int, ServerOptions)} with the default limit and options. */
    public static Server startUnixServer(ClientConnected handler, Path path) throws IOException {
        return startUnixServer(handler, path, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT);
    }

    /**
     * Listens on the Unix socket at {@code path} (as {@link Net#createUnixServer}) and runs
     * {@code handler} for each connection.
     *
     * @throws IllegalArgumentException if {@code limit <= 0}, or the path is too long for a Unix socket
     * @throws java.net.BindException   if a server already listens there
     * @throws IllegalStateException    outside a coroutine
     */
    public static Server startUnixServer(ClientConnected handler, Path path, int limit, ServerOptions options)
            throws IOException {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        StreamReader.checkLimit(limit);
        EventLoop loop = loopOf("startUnixServer");
        return Net.createUnixServer(() -> new StreamReaderProtocol(loop, new StreamReader(limit), handler), path, options);
    }

    private static EventLoop loopOf(String what) {
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("Streams." + what + "() must be called inside a coroutine on the event loop"
                    + " (it waits for the network); start one with Aio.run(Aio.async(...))");
        }
        return Lowlevel.currentLoop().orElseThrow();
    }
}
