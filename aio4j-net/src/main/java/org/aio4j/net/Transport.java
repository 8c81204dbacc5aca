package org.aio4j.net;

import java.nio.ByteBuffer;

/**
 * A bidirectional byte stream as a protocol sees it (asyncio's {@code Transport}): a TCP or Unix
 * socket, or a TLS session over one ({@link TlsOptions}: plaintext here, records on the socket; no
 * half-close, and {@code close} sends a close_notify first). Every method is for the loop thread (a callback
 * or a coroutine of the transport's loop) and none suspends.
 *
 * <h2>Writing</h2>
 * {@link #write} sends at once when nothing is queued and queues what the socket does not take; it
 * never blocks and never drops bytes. The array or buffer is not kept: what is queued is a copy, so
 * the caller may reuse it as soon as {@code write} returns. When the queue exceeds the high watermark
 * the protocol's {@link BaseProtocol#pauseWriting} is called, and {@link BaseProtocol#resumeWriting}
 * when it drains to the low one ({@link #setWriteBufferLimits}). A write after
 * {@link #writeEof} throws; a write after the connection was lost is dropped (counted, and logged
 * once), the loss itself having been reported to {@code connectionLost}.
 *
 * <h2>Closing</h2>
 * {@link #close} stops reading, sends what is queued, then closes the socket and calls
 * {@code connectionLost(null)}; {@link #abort} drops the queue and closes at once. Both are
 * idempotent; after either, {@link #isClosing} is true.
 *
 * <h2>Extra info</h2>
 * {@code "peername"} and {@code "sockname"} ({@link java.net.SocketAddress}), {@code "socket"} (the
 * {@link java.nio.channels.SocketChannel}: do not read, write or close it yourself).
 */
public interface Transport {
    /** Sends {@code data}, or queues a copy of what the socket does not take now. */
    void write(byte[] data);

    /** Sends {@code data[offset, offset + length)}; see {@link #write(byte[])}. */
    void write(byte[] data, int offset, int length);

    /** Sends the remaining bytes of {@code data} (its position moves to its limit); see {@link #write(byte[])}. */
    void write(ByteBuffer data);

    /** Writes each array in turn, as one flow-control step (asyncio's {@code writelines}). */
    void writelines(Iterable<byte[]> chunks);

    /**
     * Closes the sending side once the queued bytes are out (a TCP half-close); reading goes on.
     * Idempotent; does nothing once closing.
     *
     * @throws UnsupportedOperationException if {@link #canWriteEof} is false
     */
    void writeEof();

    /** Whether {@link #writeEof} is supported (true for TCP and Unix sockets, false over TLS). */
    boolean canWriteEof();

    /** Closes after the queued bytes are sent; see the class documentation. Idempotent. */
    void close();

    /** Closes now, dropping queued bytes; {@code connectionLost(null)} follows. Idempotent. */
    void abort();

    /** Whether {@link #close} or {@link #abort} was called or the connection was lost. */
    boolean isClosing();

    /** Stops calling the protocol's data callbacks until {@link #resumeReading}. Idempotent; works from {@code connectionMade}. */
    void pauseReading();

    /** Undoes {@link #pauseReading}. Idempotent; does nothing once closing or after end of file. */
    void resumeReading();

    /** Whether data callbacks are on: neither paused nor closing. */
    boolean isReading();

    /** Bytes queued and not yet handed to the socket. */
    long getWriteBufferSize();

    /** The current watermarks. */
    WriteBufferLimits getWriteBufferLimits();

    /**
     * Sets the watermarks, and pauses or resumes the protocol at once if the queue is already past
     * one of them.
     */
    void setWriteBufferLimits(WriteBufferLimits limits);

    /** Shorthand for {@code setWriteBufferLimits(new WriteBufferLimits(high, low))}. */
    default void setWriteBufferLimits(int high, int low) {
        setWriteBufferLimits(new WriteBufferLimits(high, low));
    }

    /** The protocol receiving this transport's callbacks. */
    BaseProtocol getProtocol();

    /**
     * Switches the protocol that receives the callbacks from now on (the new one gets no
     * {@code connectionMade}).
     *
     * @throws IllegalArgumentException unless it is a {@link Protocol} or a {@link BufferedProtocol}
     */
    void setProtocol(BaseProtocol protocol);

    /** The named extra information, or null if this transport has none by that name (see the class documentation). */
    Object getExtraInfo(String name);

    /** The named extra information, or {@code fallback}. */
    default Object getExtraInfo(String name, Object fallback) {
        Object v = getExtraInfo(name);
        return v != null ? v : fallback;
    }
}
