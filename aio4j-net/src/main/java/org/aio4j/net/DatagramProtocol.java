package org.aio4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The callbacks of a UDP endpoint (asyncio's {@code DatagramProtocol}). All have empty defaults.
 *
 * <pre>{@code
 * final class EchoUdp implements DatagramProtocol {
 *     private DatagramTransport transport;
 *     public void connectionMade(DatagramTransport t) { transport = t; }
 *     public void datagramReceived(byte[] data, InetSocketAddress from) { transport.sendto(data, from); }
 * }
 * }</pre>
 *
 * <h2>Contract</h2>
 * The same as {@link BaseProtocol}'s, with datagrams for bytes: every callback runs on the loop
 * thread, one at a time, and must not block or await; {@code connectionMade} runs once, first, and
 * {@code connectionLost} once, last; {@code pauseWriting} and {@code resumeWriting} strictly
 * alternate; a callback may call any transport method, {@code close} and {@code abort} included.
 * A callback that throws is reported to the loop's exception handler and the endpoint is aborted
 * ({@code connectionLost} gets the exception); a failing {@code errorReceived}, {@code pauseWriting}
 * or {@code resumeWriting} is only reported.
 *
 * <p>This is not a {@link BaseProtocol}: its {@code connectionMade} takes a {@link DatagramTransport},
 * which is not a byte-stream {@link Transport} (asyncio's protocols are duck-typed, so one base class
 * serves both there).
 */
public interface DatagramProtocol {
    /** The endpoint is ready; {@code transport} sends its datagrams. Called once, first. */
    default void connectionMade(DatagramTransport transport) {
    }

    /**
     * A datagram arrived from {@code from}. {@code data} is a new array owned by the protocol, possibly
     * empty (UDP carries empty datagrams). Each call is exactly one datagram.
     */
    default void datagramReceived(byte[] data, InetSocketAddress from) {
    }

    /**
     * A send or receive failed, and the endpoint goes on working: an ICMP "port unreachable" on a
     * connected endpoint ({@link java.net.PortUnreachableException}, reported on a later send or
     * receive, as the kernel learns of it), a full network buffer, an unreachable network. The
     * datagram concerned, if any, is dropped.
     */
    default void errorReceived(IOException exc) {
    }

    /**
     * The endpoint is closed: {@code exc} is null after {@code close()} or {@code abort()}, the cause
     * when a protocol callback failed. Called once, last; the socket is closed after it returns.
     */
    default void connectionLost(Exception exc) {
    }

    /** The transport's queue of unsent datagrams went above its high watermark: stop sending until {@link #resumeWriting}. */
    default void pauseWriting() {
    }

    /** The queue drained to its low watermark after a {@link #pauseWriting}. */
    default void resumeWriting() {
    }
}
