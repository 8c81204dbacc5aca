package org.aio4j.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.lowlevel.Lowlevel;

/**
 * Coroutines on raw non-blocking socket channels: asyncio's {@code loop.sock_recv},
 * {@code sock_recv_into}, {@code sock_sendall}, {@code sock_connect} and {@code sock_accept}, and for
 * UDP {@code sock_recvfrom}, {@code sock_recvfrom_into} and {@code sock_sendto} (which uvloop does not
 * implement). Each
 * tries the operation at once and, when the channel is not ready, waits for readiness on the loop
 * ({@link Lowlevel#waitReadable} / {@link Lowlevel#waitWritable}) and tries again. For framing,
 * buffering and flow control use transports ({@link Net}) instead.
 *
 * <pre>{@code
 * SocketChannel ch = SocketChannel.open();
 * ch.configureBlocking(false);
 * Sockets.sockConnect(ch, new InetSocketAddress("127.0.0.1", 8888));
 * Sockets.sockSendall(ch, "ping\n".getBytes(UTF_8));
 * byte[] reply = Sockets.sockRecv(ch, 1024);
 * }</pre>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Call them inside a coroutine on the event loop ({@link IllegalStateException} otherwise),
 *       with a channel in non-blocking mode ({@link IllegalArgumentException} otherwise: a blocking
 *       channel would stop the loop).</li>
 *   <li>One waiting task per channel and direction: a second concurrent {@code sockRecv} (or a
 *       transport reading the same channel) fails with {@link IllegalStateException} rather than
 *       steal the other's data.</li>
 *   <li>I/O errors are thrown as the channel reports them ({@link IOException}). If the channel is
 *       closed with {@link Lowlevel#notifyClosing} while a task waits, the task gets a
 *       {@link java.nio.channels.ClosedChannelException}.</li>
 *   <li>Cancellation: {@code sockRecv}, {@code sockRecvInto} and {@code sockAccept} are atomic
 *       with respect to cancellation (either they return the data or connection, or they throw
 *       {@link org.aio4j.CancelledError} having consumed nothing), and so are {@code sockRecvfrom},
 *       {@code sockRecvfromInto} and {@code sockSendto} (a datagram is received or sent whole, or
 *       not at all). {@code sockSendall} is not: when
 *       cancelled, a prefix of the data may have been sent (as in asyncio). A cancelled
 *       {@code sockConnect} leaves the channel connecting: close it.</li>
 *   <li>A call whose operation succeeds at once returns without suspending (as asyncio's).</li>
 * </ul>
 */
public final class Sockets {
    /*
     * Why stage through the loop's direct buffers (IoBuffers): a read or write with a heap buffer makes
     * the JDK copy through a temporary direct buffer cached per thread. A coroutine
     * runs one at a time with the loop's callbacks (the loop thread, or the baton in portable mode), and
     * nothing here suspends between filling the staging buffer and emptying it, so sharing the loop's
     * buffers with its transports is safe.
     *
     * Cancellation safety comes from the order: the operation runs only after a readiness wait that
     * returned normally (Lowlevel.waitReadable checks for a pending cancellation before returning),
     * and nothing suspends after it.
     *
     * EOF: sockRecvInto returns -1 where asyncio's sock_recv_into returns 0. Java's channels say -1 at
     * end of stream and 0 for an empty buffer; keeping that distinction is worth the difference.
     */
    private Sockets() {
    }

    /**
     * Receives up to {@code maxBytes} bytes: waits until some are available and returns them (never
     * more than one read's worth, at most 256 KiB per call). Returns an empty array at end of stream,
     * as asyncio returns {@code b""}; also (at once) when {@code maxBytes} is 0.
     *
     * @throws IllegalArgumentException if {@code maxBytes < 0} or the channel is in blocking mode
     * @throws IOException              if the read fails (e.g. the peer reset the connection)
     */
    public static byte[] sockRecv(SocketChannel channel, int maxBytes) throws IOException {
        EventLoop loop = check(channel, "sockRecv");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("sockRecv: maxBytes must be >= 0, got " + maxBytes);
        }
        if (maxBytes == 0) {
            return new byte[0];
        }
        ByteBuffer b = IoBuffers.of(loop).read;
        while (true) {
            b.clear();
            b.limit(Math.min(maxBytes, b.capacity()));
            int n = channel.read(b);
            if (n > 0) {
                byte[] out = new byte[n];
                b.flip();
                b.get(out);
                return out;
            }
            if (n < 0) {
                return new byte[0];
            }
            waitFor(channel, true);
        }
    }

    /**
     * Receives into {@code buffer}, from its position up to its limit: waits until some bytes are
     * available, reads them and returns how many (the position moves past them). Returns -1 at end of
     * stream (asyncio returns 0: see the implementation note), and 0 at once if the buffer has no room.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode
     * @throws java.nio.ReadOnlyBufferException if {@code buffer} is read-only
     * @throws IOException              if the read fails
     */
    public static int sockRecvInto(SocketChannel channel, ByteBuffer buffer) throws IOException {
        EventLoop loop = check(channel, "sockRecvInto");
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        if (!buffer.hasRemaining()) {
            return 0;
        }
        while (true) {
            int n;
            if (buffer.isDirect()) {
                n = channel.read(buffer);
            } else {
                ByteBuffer b = IoBuffers.of(loop).read;
                b.clear();
                b.limit(Math.min(buffer.remaining(), b.capacity()));
                n = channel.read(b);
                if (n > 0) {
                    buffer.put(b.flip());
                }
            }
            if (n != 0) {
                return n;
            }
            waitFor(channel, true);
        }
    }

    /** {@link #sockSendall(SocketChannel, ByteBuffer)} of the whole array (not kept after return). */
    public static void sockSendall(SocketChannel channel, byte[] data) throws IOException {
        Objects.requireNonNull(data, "data");
        sockSendall(channel, ByteBuffer.wrap(data));
    }

    /**
     * Sends every remaining byte of {@code data}, waiting for the socket to take more as often as
     * needed; returns when the last byte was handed to the socket (not when the peer received it).
     * The buffer's position moves past what was sent, also when the call fails or is cancelled.
     *
     * @throws IllegalArgumentException if the channel is in blocking mode
     * @throws IOException              if a write fails (e.g. "Broken pipe" after the peer closed)
     */
    public static void sockSendall(SocketChannel channel, ByteBuffer data) throws IOException {
        EventLoop loop = check(channel, "sockSendall");
        Objects.requireNonNull(data, "data");
        while (data.hasRemaining()) {
            int n;
            if (data.isDirect()) {
                n = channel.write(data);
            } else {
                ByteBuffer b = IoBuffers.of(loop).write;
                b.clear();
                int chunk = Math.min(data.remaining(), b.capacity());
                b.put(data.slice(data.position(), chunk)).flip();
                n = channel.write(b);
                data.position(data.position() + n);
            }
            if (n == 0) {
                waitFor(channel, false);
            }
        }
    }

    /**
     * Connects the channel to {@code address}, waiting until the connection is established. An
     * unresolved {@link InetSocketAddress} is resolved first ({@link Net#getaddrinfo}) and its first
     * address used.
     *
     * @throws java.net.ConnectException if the connection is refused (the message names the address)
     * @throws IllegalArgumentException  if the channel is in blocking mode
     * @throws java.nio.channels.AlreadyConnectedException if it is connected already
     * @throws IOException               for other failures (unreachable network, unknown host)
     */
    public static void sockConnect(SocketChannel channel, SocketAddress address) throws IOException {
        check(channel, "sockConnect");
        Objects.requireNonNull(address, "address");
        SocketAddress target = address;
        if (address instanceof InetSocketAddress inet && inet.isUnresolved()) {
            List<InetSocketAddress> all = Net.getaddrinfo(inet.getHostString(), inet.getPort());
            target = all.get(0);
        }
        String what = "connect to " + (target instanceof InetSocketAddress i ? Net.show(i) : String.valueOf(target));
        try {
            if (channel.connect(target)) {
                return;
            }
            while (true) {
                waitFor(channel, false);
                if (channel.finishConnect()) {
                    return;
                }
            }
        } catch (IOException e) {
            throw Net.withAddress(e, what);
        }
    }

    /**
     * Accepts a connection, waiting for one if none is pending. The returned channel is in
     * non-blocking mode and owned by the caller.
     *
     * @throws IllegalArgumentException if the server channel is in blocking mode
     * @throws java.nio.channels.NotYetBoundException if it is not bound
     * @throws IOException              if accepting fails (e.g. too many open files)
     */
    public static SocketChannel sockAccept(ServerSocketChannel server) throws IOException {
        check(server, "sockAccept");
        while (true) {
            SocketChannel c = server.accept();
            if (c != null) {
                try {
                    c.configureBlocking(false);
                } catch (IOException | RuntimeException e) {
                    try {
                        c.close();
                    } catch (IOException suppressed) {
                        e.addSuppressed(suppressed);
                    }
                    throw e;
                }
                return c;
            }
            waitFor(server, true);
        }
    }

    // ================================================================ datagrams

    /**
     * Receives one datagram of at most {@code maxBytes} bytes, waiting until one arrives (asyncio's
     * {@code sock_recvfrom}). The rest of a longer datagram is discarded, as {@code recvfrom} does
     * (the JDK gives no sign of it: pass 65,527 to be sure of whole datagrams). An empty datagram
     * gives an empty array.
     *
     * @throws IllegalArgumentException if {@code maxBytes < 0} or the channel is in blocking mode
     * @throws java.net.PortUnreachableException on a connected channel, after an earlier datagram
     *                                  drew an ICMP "port unreachable" (the channel stays usable)
     * @throws IOException              if the receive fails otherwise
     */
    public static Datagram sockRecvfrom(DatagramChannel channel, int maxBytes) throws IOException {
        EventLoop loop = check(channel, "sockRecvfrom");
        if (maxBytes < 0) {
            throw new IllegalArgumentException("sockRecvfrom: maxBytes must be >= 0, got " + maxBytes);
        }
        ByteBuffer b = IoBuffers.of(loop).read;
        while (true) {
            b.clear();
            b.limit(Math.min(maxBytes, b.capacity()));
            SocketAddress from = channel.receive(b);
            if (from != null) {
                byte[] out = new byte[b.position()];
                b.flip().get(out);
                return new Datagram(out, (InetSocketAddress) from);
            }
            waitFor(channel, true);
        }
    }

    /** {@link #sockRecvfromInto(DatagramChannel, ByteBuffer, int)} with room for {@code buffer.remaining()} bytes. */
    public static ReceivedInto sockRecvfromInto(DatagramChannel channel, ByteBuffer buffer) throws IOException {
        return sockRecvfromInto(channel, buffer, 0);
    }

    /**
     * Receives one datagram into {@code buffer}, from its position, storing at most {@code nbytes}
     * bytes ({@code 0}: as many as the buffer has room for), waiting until one arrives (asyncio's
     * {@code sock_recvfrom_into}); the position moves past what was stored. What does not fit is
     * discarded, as {@link #sockRecvfrom} says.
     *
     * @throws IllegalArgumentException if {@code nbytes} is negative or more than the buffer has room
     *                                  for, or the channel is in blocking mode
     * @throws java.nio.ReadOnlyBufferException if {@code buffer} is read-only
     * @throws IOException              as {@link #sockRecvfrom}
     */
    public static ReceivedInto sockRecvfromInto(DatagramChannel channel, ByteBuffer buffer, int nbytes) throws IOException {
        EventLoop loop = check(channel, "sockRecvfromInto");
        Objects.requireNonNull(buffer, "buffer");
        if (buffer.isReadOnly()) {
            throw new java.nio.ReadOnlyBufferException();
        }
        if (nbytes < 0 || nbytes > buffer.remaining()) {
            throw new IllegalArgumentException("sockRecvfromInto: nbytes must be in 0.." + buffer.remaining()
                    + " (the room left in the buffer; 0 means all of it), got " + nbytes);
        }
        int room = nbytes == 0 ? buffer.remaining() : nbytes;
        while (true) {
            SocketAddress from;
            int n;
            if (buffer.isDirect()) {
                int limit = buffer.limit();
                int start = buffer.position();
                buffer.limit(start + room);
                try {
                    from = channel.receive(buffer);
                } finally {
                    buffer.limit(limit);
                }
                n = buffer.position() - start;
            } else {
                ByteBuffer b = IoBuffers.of(loop).read;
                b.clear();
                b.limit(Math.min(room, b.capacity()));
                from = channel.receive(b);
                n = b.position();
                if (from != null) {
                    buffer.put(b.flip());
                }
            }
            if (from != null) {
                return new ReceivedInto(n, (InetSocketAddress) from);
            }
            waitFor(channel, true);
        }
    }

    /**
     * Sends {@code data} as one datagram to {@code address}, waiting for room in the socket buffer if
     * there is none (asyncio's {@code sock_sendto}), and returns the bytes sent: all of them. On a
     * connected channel {@code address} must be its peer ({@code null} also means the peer).
     *
     * @throws IllegalArgumentException if {@code data} is larger than UDP can carry (65,507 bytes
     *                                  over IPv4, 65,527 over IPv6), or empty on a connected channel
     *                                  (the JDK cannot send an empty datagram there), {@code address}
     *                                  is null on an unconnected channel, or the channel is in blocking mode
     * @throws java.nio.channels.AlreadyConnectedException if the channel is connected to another address
     * @throws java.nio.channels.UnresolvedAddressException if {@code address} is not resolved
     * @throws java.net.PortUnreachableException on a connected channel, after an earlier datagram
     *                                  drew an ICMP "port unreachable" (this one was not sent)
     * @throws IOException              if the send fails otherwise
     */
    public static int sockSendto(DatagramChannel channel, byte[] data, SocketAddress address) throws IOException {
        EventLoop loop = check(channel, "sockSendto");
        Objects.requireNonNull(data, "data");
        SocketAddress to = address != null ? address : channel.getRemoteAddress();
        if (to == null) {
            throw new IllegalArgumentException("Sockets.sockSendto(" + channel + ", data, null): the channel is not"
                    + " connected, so the datagram needs an address");
        }
        DatagramSocketTransport.checkSize(data.length, to);
        if (data.length == 0 && channel.isConnected()) {
            throw DatagramSocketTransport.emptyOnConnected();
        }
        ByteBuffer b = IoBuffers.of(loop).write;
        while (true) {
            b.clear();
            b.put(data).flip();
            if (DatagramSocketTransport.Sender.DEFAULT.send(channel, b, address == null ? null : to)) {
                return data.length;
            }
            waitFor(channel, false);
        }
    }

    // ================================================================ helpers

    private static EventLoop check(SelectableChannel channel, String what) {
        Objects.requireNonNull(channel, "channel");
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("Sockets." + what + "() must be called inside a coroutine on the event loop;"
                    + " start one with Aio.run(Aio.async(...))");
        }
        if (channel.isBlocking()) {
            throw new IllegalArgumentException("Sockets." + what + "(" + channel + "): the channel is in blocking mode,"
                    + " which would block the loop: call channel.configureBlocking(false) first");
        }
        return Lowlevel.currentLoop().orElseThrow();
    }

    /** Waits for readiness; a channel closed meanwhile (notifyClosing) surfaces as its ClosedChannelException. */
    private static void waitFor(SelectableChannel channel, boolean readable) throws IOException {
        try {
            if (readable) {
                Lowlevel.waitReadable(channel);
            } else {
                Lowlevel.waitWritable(channel);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
