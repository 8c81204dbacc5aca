package org.aio4j.net;

import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * A UDP endpoint as its protocol sees it (asyncio's {@code DatagramTransport}), made by
 * {@link Datagrams#createDatagramEndpoint}. Every method is for the loop thread (a callback or a
 * coroutine of the transport's loop) and none suspends.
 *
 * <h2>Sending</h2>
 * {@link #sendto} hands the datagram to the socket at once when nothing is queued, and queues a copy
 * when the socket has no room (the array or buffer is not kept). A datagram goes out whole or not at
 * all; queued datagrams leave in order. When the queue exceeds the high watermark the protocol's
 * {@link DatagramProtocol#pauseWriting} is called, and {@link DatagramProtocol#resumeWriting} when it
 * drains to the low one. The queue's size counts each datagram's payload plus 8 bytes (its UDP header),
 * so that empty datagrams count too. A send the kernel refuses is reported to
 * {@link DatagramProtocol#errorReceived} and the datagram dropped; the endpoint stays open.
 *
 * <p>On an endpoint made with a remote address, {@code sendto(data)} sends there, and another address
 * is refused ({@link IllegalArgumentException}); on one without, every datagram needs an address.
 * A payload larger than UDP allows (65,507 bytes over IPv4, 65,527 over IPv6) is refused at once
 * ({@link IllegalArgumentException}). Empty datagrams are sent and received, except that a connected
 * endpoint cannot send one (the JDK writes on a connected socket with {@code write(2)}, which sends
 * nothing for 0 bytes): there it is refused ({@link IllegalArgumentException}). A {@code sendto} after {@link #close} or {@link #abort} is
 * dropped (counted and logged once), as writes on a closed stream transport are.
 *
 * <h2>Loss</h2>
 * UDP may drop datagrams, and it does when a receiver does not keep up: on Linux loopback the kernel
 * never reports a full send buffer for UDP (each datagram goes straight to the receiving socket's
 * queue), so a burst larger than the receiver's buffer ({@code SO_RCVBUF}) is partly dropped without
 * any error on either side, and {@code pauseWriting} fires only where a network device really holds
 * datagrams back.
 *
 * <h2>Closing</h2>
 * {@link #close} stops receiving, sends what is queued, then closes the socket and calls
 * {@code connectionLost(null)}; {@link #abort} drops the queue and closes at once. Both are
 * idempotent; after either, {@link #isClosing} is true.
 *
 * <h2>Extra info</h2>
 * {@code "sockname"} (the local {@link java.net.InetSocketAddress}), {@code "peername"} (the remote
 * address of a connected endpoint, else null), {@code "socket"} (the
 * {@link java.nio.channels.DatagramChannel}: do not read, write or close it yourself).
 */
public interface DatagramTransport {
    /**
     * Sends {@code data} to the endpoint's remote address.
     *
     * @throws IllegalArgumentException if the endpoint has no remote address, or {@code data} is
     *                                  larger than a UDP datagram can be, or empty on a connected endpoint
     */
    void sendto(byte[] data);

    /**
     * Sends {@code data} to {@code address} ({@code null}: the remote address).
     *
     * @throws IllegalArgumentException if the endpoint has a remote address and {@code address} is
     *                                  another one, if it has none and {@code address} is null or
     *                                  unresolved, or if {@code data} is larger than a UDP datagram can be
     *                                  (or empty, on a connected endpoint)
     */
    void sendto(byte[] data, SocketAddress address);

    /** Sends the remaining bytes of {@code data} (its position moves to its limit) as one datagram; see {@link #sendto(byte[], SocketAddress)}. */
    void sendto(ByteBuffer data, SocketAddress address);

    /** Closes after the queued datagrams are sent; see the class documentation. Idempotent. */
    void close();

    /** Closes now, dropping queued datagrams; {@code connectionLost(null)} follows. Idempotent. */
    void abort();

    /** Whether {@link #close} or {@link #abort} was called or the endpoint was lost. */
    boolean isClosing();

    /** Bytes queued and not yet handed to the socket: payloads plus 8 bytes per datagram. */
    long getWriteBufferSize();

    /** The current watermarks. */
    WriteBufferLimits getWriteBufferLimits();

    /** Sets the watermarks, and pauses or resumes the protocol at once if the queue is past one of them. */
    void setWriteBufferLimits(WriteBufferLimits limits);

    /** Shorthand for {@code setWriteBufferLimits(new WriteBufferLimits(high, low))}. */
    default void setWriteBufferLimits(int high, int low) {
        setWriteBufferLimits(new WriteBufferLimits(high, low));
    }

    /** The protocol receiving this endpoint's callbacks. */
    DatagramProtocol getProtocol();

    /** Switches the protocol that receives the callbacks from now on (the new one gets no {@code connectionMade}). */
    void setProtocol(DatagramProtocol protocol);

    /** The named extra information, or null if there is none by that name (see the class documentation). */
    Object getExtraInfo(String name);

    /** The named extra information, or {@code fallback}. */
    default Object getExtraInfo(String name, Object fallback) {
        Object v = getExtraInfo(name);
        return v != null ? v : fallback;
    }
}
