package org.aio4j.net;

import java.io.IOException;
import java.util.Objects;
import org.aio4j.Aio;

/**
 * The sending side of a stream (asyncio's {@code StreamWriter}): writes to the connection's
 * transport, waits for the transport's buffer to drain, and closes the connection.
 *
 * <pre>{@code
 * w.write(response);
 * w.drain();          // waits while the peer is slower than we write
 * ...
 * w.close();
 * w.waitClosed();
 * }</pre>
 *
 * <h2>Flow control</h2>
 * {@link #write} never blocks and never drops bytes: what the socket does not take is queued in the
 * transport. Call {@link #drain} after writing: it returns at once while the queue is at or below the
 * transport's high watermark ({@link Transport#setWriteBufferLimits}; default 64 KiB) and otherwise
 * waits until it drains to the low one. A program that writes without draining buffers without limit.
 * Several tasks may wait in {@code drain()} at once; they are all woken together.
 *
 * <h2>Connection loss</h2>
 * Once the transport is closing (closed by us, by the peer, or by an error), {@code drain()} yields to
 * the loop once, so that the transport's {@code connectionLost} can run, and then throws
 * {@link ConnectionResetError} ({@code "Connection lost"}) with the transport's error as its cause, if
 * there was one. A loop of {@code write(); drain()} on a dead peer therefore fails instead of spinning.
 * If the reader holds an exception (the connection was lost with an error), {@code drain()} throws
 * that first, as asyncio does. Writes after the loss are dropped by the transport (counted, logged
 * once); the loss is reported through {@code drain()}, {@link #isClosing} and the reader.
 *
 * <h2>Closing</h2>
 * {@link #close} closes the connection after the queued bytes are sent; {@link #waitClosed} waits
 * until it is closed. Dropping a writer without closing it does not close the connection (there is no
 * finalizer: a writer can be dropped while its transport goes on serving another owner).
 *
 * <h2>Threads</h2>
 * Loop thread only; {@link #drain} and {@link #waitClosed} run in a coroutine, the rest anywhere on
 * the loop thread.
 */
public final class StreamWriter {
    /*
     * A thin wrapper, as asyncio's: the state lives in the transport (closing, buffer) and in the
     * protocol (write paused, lost, the waiter lots), so a writer adds nothing that could go stale.
     * Differences from asyncio, and why:
     *  - drain() on a closing transport always throws after its yield, also when connectionLost has
     *    not run yet (asyncio returns, or waits if paused, in that window): once the connection is
     *    going away, "your bytes were flushed" is not something drain can promise.
     *  - a drain woken by a clean loss (no error) throws ConnectionResetError too; asyncio returns.
     *  - waitClosed() waits on a lot rather than one shared future (see StreamReaderProtocol).
     *  - write()/writelines() after this writer's own close() throw IllegalStateException; asyncio
     *    drops the bytes silently (or, with data still queued, sends them). Writing after closing is
     *    a bug in the caller, and a silent drop hides it. Writes after a loss the caller did not ask
     *    for (a peer reset) stay a counted no-op in the transport: the caller learns
     *    of those from drain(). This is the writer's one piece of state.
     */

    // loop thread only
    private Transport transport; // replaced once by startTls
    private final StreamReaderProtocol protocol;
    private final StreamReader reader;
    private boolean closeCalled;

    StreamWriter(Transport transport, StreamReaderProtocol protocol, StreamReader reader) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        this.reader = reader;
    }

    /** The underlying transport (asyncio's {@code writer.transport}). */
    public Transport transport() {
        return transport;
    }

    /**
     * Sends {@code data}, queueing in the transport what the socket does not take now; never blocks.
     * The array is not kept (the caller may reuse it at once). Follow with {@link #drain}.
     *
     * @throws IllegalStateException after {@link #writeEof}, or after {@link #close} (asyncio drops the
     *                               bytes instead); a write after the peer closed or reset the
     *                               connection is dropped without an exception and {@link #drain} reports it
     */
    public void write(byte[] data) {
        Objects.requireNonNull(data, "data");
        checkNotClosed("write");
        transport.write(data);
    }

    /** Writes each array in turn (asyncio's {@code writelines}); see {@link #write}. */
    public void writelines(Iterable<byte[]> chunks) {
        Objects.requireNonNull(chunks, "chunks");
        checkNotClosed("writelines");
        transport.writelines(chunks);
    }

    private void checkNotClosed(String method) {
        if (closeCalled) {
            throw new IllegalStateException(method + "() after close() on " + this
                    + ": the writer is closed and the bytes would be lost; write before closing");
        }
    }

    /**
     * Closes the sending side once the queued bytes are sent (a TCP half-close); the peer reads end of
     * file, and this side can still read.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof} is false: over TLS, which has no
     *                                       half-close (as asyncio, which raises NotImplementedError)
     */
    public void writeEof() {
        transport.writeEof();
    }

    /** Whether {@link #writeEof} is supported (true for TCP and Unix sockets, false over TLS). */
    public boolean canWriteEof() {
        return transport.canWriteEof();
    }

    /** Closes the connection after the queued bytes are sent. Idempotent; never suspends. */
    public void close() {
        closeCalled = true;
        transport.close();
    }

    /** Whether the connection is closing or closed (by either side or by an error). */
    public boolean isClosing() {
        return transport.isClosing();
    }

    /**
     * Waits until the connection is closed (its {@code connectionLost} ran); returns at once if it is.
     * Cancellation-safe (cancelling one waiter does not affect others).
     *
     * @throws IOException the error the connection was lost with, if any (as asyncio's {@code wait_closed})
     * @throws org.aio4j.CancelledError if the task is cancelled while waiting
     */
    public void waitClosed() throws IOException {
        protocol.waitClosed();
    }

    /** The transport's extra information by name ({@code "peername"}, {@code "sockname"}, {@code "socket"}), or null. */
    public Object getExtraInfo(String name) {
        return transport.getExtraInfo(name);
    }

    /** The transport's extra information by name, or {@code fallback}. */
    public Object getExtraInfo(String name, Object fallback) {
        return transport.getExtraInfo(name, fallback);
    }

    /**
     * Waits until the transport's write buffer is at or below its low watermark, if it is above the
     * high one; returns at once otherwise (see the class documentation for the rules on a closing
     * connection). Any number of tasks may drain at once. Cancellation-safe: a cancelled drain leaves
     * nothing behind and the bytes stay queued.
     *
     * @throws ConnectionResetError     if the connection is closing or was lost (after one yield to the loop)
     * @throws IOException              the reader's stored exception (the connection's error)
     * @throws org.aio4j.CancelledError if the task is cancelled while waiting
     * @throws IllegalStateException    outside a coroutine when it has to wait or yield
     */
    public void drain() throws IOException {
        if (reader != null) {
            Exception e = reader.exception();
            if (e instanceof IOException io) {
                throw io;
            }
            if (e instanceof RuntimeException re) {
                throw re;
            }
            if (e != null) {
                throw new IOException("the connection failed: " + e, e);
            }
        }
        if (transport.isClosing()) {
            Aio.sleep(0); // let connectionLost run, so that its error is the cause (S1)
            throw protocol.connectionResetError();
        }
        protocol.drainHelper();
    }

    /**
     * Upgrades this connection to TLS in place (asyncio's {@code StreamWriter.start_tls}, the STARTTLS
     * pattern): the handshake runs now, and when this returns, this writer, its reader and
     * {@link #transport()} speak TLS. Bytes the reader had buffered but nobody read yet are taken as
     * the peer's first handshake bytes (a server that read the client's "STARTTLS" line may already
     * hold its ClientHello), so read exactly what precedes the upgrade before calling this. Bytes
     * written before the call are sent first, in plain text. No other task may write or read on
     * this stream during the upgrade.
     *
     * @param tls the TLS options: {@link TlsOptions#client} for the side that connected (with a
     *            {@code serverHostname}, unless host-name checking is off), {@link TlsOptions#server}
     *            for the other
     * @throws javax.net.ssl.SSLHandshakeException if the handshake failed; the connection is closed
     * @throws java.net.SocketTimeoutException     if it took longer than {@code tls.handshakeTimeout()}
     * @throws IllegalStateException               after {@link #close}, on a closing connection, or if
     *                                             it already speaks TLS
     * @throws org.aio4j.CancelledError            if the task is cancelled (the connection is aborted)
     */
    public void startTls(TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        checkNotClosed("startTls");
        if (transport instanceof TlsTransport) {
            throw new IllegalStateException("startTls() on " + this + ": the connection already speaks TLS");
        }
        byte[] early = reader != null ? reader.takeBuffered() : new byte[0];
        Transport upgraded = Net.startTls(transport, protocol, tls, early, protocol.isWritePaused());
        transport = upgraded;
        protocol.replaceTransport(upgraded);
    }

    /** Package-private for tests: tasks parked in drain(). */
    int drainWaiters() {
        return protocol.drainWaiterCount();
    }

    @Override
    public String toString() {
        return "StreamWriter[transport=" + transport + (reader != null ? ", reader=" + reader : "") + "]";
    }
}
