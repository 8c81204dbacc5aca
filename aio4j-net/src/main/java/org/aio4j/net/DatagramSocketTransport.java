package org.aio4j.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;

/**
 * The transport of a UDP socket, driven by the loop's readiness callbacks
 * ({@link EventLoop#addReader} / {@link EventLoop#addWriter}).
 *
 * <h2>Threads</h2>
 * Loop thread only, like its loop's callbacks.
 */
final class DatagramSocketTransport implements DatagramTransport {
    /*
     * Lifecycle (one guarded field, so connectionLost runs exactly once), as
     * SocketTransport's:
     *
     *   OPEN --close()--> CLOSING --queue drained--> LOST --connectionLost ran--> CLOSED
     *     \------------------abort() / failed callback----^
     *
     * I/O errors never end the endpoint (U2): a failed receive or send goes to errorReceived, the
     * datagram concerned is dropped, reading and the write loop stay armed. Only a protocol callback
     * that throws (or the channel closed behind the transport's back) is fatal.
     *
     * Reading: up to READS_PER_EVENT datagrams per readable event (asyncio reads one; a burst of
     * small datagrams would cost a select each), into the loop's 256 KiB direct buffer, so no
     * datagram is ever truncated (U4: the JDK's receive drops what does not fit, silently). State is
     * re-checked after every callback. ICMP errors on a connected socket surface on a later receive
     * or send as PortUnreachableException (U3): errorReceived, and the next datagram is read.
     *
     * Writing: sendto tries the socket first when the queue is empty and queues a copy otherwise
     * (T4). OP_WRITE is wanted only while the queue is non-empty (T6); a writable event sends up to
     * SENDS_PER_EVENT datagrams (bounded work per event; the loop is level-triggered, so the rest
     * goes next time). Accounting is symmetric (U5): payload + HEADER per datagram on enqueue and on
     * dequeue, so empty datagrams count and the size returns to 0 exactly.
     *
     * The JDK's DatagramChannel.send returns 0 both for "no room in the socket buffer" and for a sent
     * empty datagram; an empty datagram is taken as sent (Sender.DEFAULT), and refused on a connected
     * socket, which cannot send one at all (emptyOnConnected). Linux loopback never runs
     * out of send room for UDP anyway (the datagram is queued straight at the receiver or dropped).
     */
    private enum State { OPEN, CLOSING, LOST, CLOSED }

    /** Counted per queued datagram on top of its payload: the UDP header (asyncio 3.13 counts it too). */
    static final int HEADER = 8;
    /** The largest UDP payloads: 65,535 minus the IPv4 (20) or IPv6 (0: its own header is not counted) and UDP (8) headers. */
    static final int MAX_IPV4_PAYLOAD = 65_507;
    static final int MAX_IPV6_PAYLOAD = 65_527;
    private static final int READS_PER_EVENT = 16;
    private static final int SENDS_PER_EVENT = 64;
    private static final System.Logger LOG = System.getLogger("org.aio4j.net");

    /**
     * Hands one datagram to the socket; whether it went (false: no room now, try when writable). The
     * seam through which a test stands in for a kernel that holds datagrams back, which loopback never
     * does; everything else in the path stays real.
     */
    @FunctionalInterface
    interface Sender {
        boolean send(DatagramChannel channel, ByteBuffer datagram, SocketAddress target) throws IOException;

        Sender DEFAULT = (ch, d, target) -> {
            if (!d.hasRemaining()) {
                ch.send(d, target); // sends the empty datagram, and says 0 whether it went or not
                return true;
            }
            return (target == null ? ch.write(d) : ch.send(d, target)) > 0;
        };
    }

    private record Queued(byte[] data, SocketAddress target) {
    }

    // loop thread only
    private final EventLoop loop;
    private final DatagramChannel channel;
    private final IoBuffers buffers;
    /** The remote address: sendto(data) goes there, and no other address is allowed; null if none. */
    private final InetSocketAddress remote;
    /** Whether the socket is connected to {@code remote} (not with allowBroadcast). */
    private final boolean connected;
    /** The local address, once known (an unbound socket is bound by its first send). */
    private SocketAddress sockname;
    private DatagramProtocol protocol;
    private State state = State.OPEN;
    private boolean started;
    private boolean readerOn;
    private boolean writerOn;
    private boolean protocolPaused;
    private final ArrayDeque<Queued> queue = new ArrayDeque<>();
    private long queued;
    private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
    private int sendsAfterClose;
    Sender sender = Sender.DEFAULT;

    DatagramSocketTransport(EventLoop loop, DatagramChannel channel, DatagramProtocol protocol,
                            InetSocketAddress remote, boolean connected) {
        this.loop = loop;
        this.channel = channel;
        this.buffers = IoBuffers.of(loop);
        this.remote = remote;
        this.connected = connected;
        SocketAddress local;
        try {
            local = channel.getLocalAddress();
        } catch (IOException e) {
            local = null;
        }
        this.sockname = local;
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    /**
     * Calls connectionMade on the next iteration, then starts receiving, and completes {@code waiter}
     * once connectionMade ran (with its exception if it threw).
     */
    void start(Future<Void> waiter) {
        loop.callSoon(() -> {
            if (waiter.done()) {
                // the creating call was cancelled: it aborts the endpoint as it unwinds, and as the
                // protocol was never handed out, it hears nothing
                return;
            }
            started = true;
            if (state != State.OPEN) {
                waiter.setException(new ConnectionResetError("the endpoint was closed before it was made"));
                return;
            }
            try {
                protocol.connectionMade(this);
            } catch (Throwable t) {
                fatal(t, "protocol.connectionMade() failed");
                if (!waiter.done()) {
                    waiter.setException(t);
                }
                return;
            }
            updateReader();
            if (!waiter.done()) {
                waiter.setResult(null);
            }
        });
    }

    // ================================================================ receiving

    private void updateReader() {
        boolean want = started && state == State.OPEN;
        if (want && !readerOn) {
            loop.addReader(channel, this::readReady);
            readerOn = true;
        } else if (!want && readerOn) {
            loop.removeReader(channel);
            readerOn = false;
        }
    }

    private void readReady() {
        ByteBuffer b = buffers.read;
        for (int i = 0; i < READS_PER_EVENT && state == State.OPEN; i++) {
            b.clear();
            SocketAddress from;
            try {
                from = channel.receive(b);
            } catch (ClosedChannelException e) {
                fatal(e, "the channel was closed by someone else than the transport");
                return;
            } catch (IOException e) {
                errorReceived(e); // an ICMP error on a connected socket, say: the endpoint goes on
                return;           // one error per event: a condition that persists cannot spin here
            }
            if (from == null) {
                return; // nothing more now
            }
            byte[] data = new byte[b.position()];
            b.flip().get(data);
            try {
                protocol.datagramReceived(data, (InetSocketAddress) from);
            } catch (Throwable t) {
                fatal(t, "protocol.datagramReceived() failed");
                return;
            }
        }
    }

    private void errorReceived(IOException e) {
        if (state == State.LOST || state == State.CLOSED) {
            return;
        }
        try {
            protocol.errorReceived(e);
        } catch (Throwable t) {
            report(t, "protocol.errorReceived() failed");
            if (t instanceof VirtualMachineError err) {
                throw err;
            }
        }
    }

    // ================================================================ sending

    @Override
    public void sendto(byte[] data) {
        sendto(data, null);
    }

    @Override
    public void sendto(byte[] data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        send(data, 0, data.length, address);
    }

    @Override
    public void sendto(ByteBuffer data, SocketAddress address) {
        Objects.requireNonNull(data, "data");
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        send(copy, 0, copy.length, address);
    }

    private void send(byte[] data, int offset, int length, SocketAddress address) {
        SocketAddress target = target(address);
        checkSize(length, target != null ? target : remote);
        if (length == 0 && target == null) {
            throw emptyOnConnected();
        }
        if (state != State.OPEN) {
            if (sendsAfterClose++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "sendto() on a closed datagram endpoint (" + sockname
                        + "): the datagram is dropped");
            }
            return;
        }
        if (queue.isEmpty()) {
            ByteBuffer b = buffers.write;
            b.clear();
            b.put(data, offset, length).flip();
            try {
                if (sender.send(channel, b, target)) {
                    return;
                }
            } catch (ClosedChannelException e) {
                fatal(e, "the channel was closed by someone else than the transport");
                return;
            } catch (IOException e) {
                errorReceived(e);
                return;
            }
        }
        queue.addLast(new Queued(Arrays.copyOfRange(data, offset, offset + length), target));
        queued += length + HEADER;
        if (!writerOn) {
            loop.addWriter(channel, this::writeReady);
            writerOn = true;
        }
        maybePauseProtocol();
    }

    /** The address to send to: null for the connected peer (a plain write). */
    private SocketAddress target(SocketAddress address) {
        if (remote != null) {
            if (address != null && !address.equals(remote)) {
                throw new IllegalArgumentException("Invalid address " + address + ": this endpoint was made with the"
                        + " remote address " + Net.show(remote) + ", so sendto takes that address or null");
            }
            return connected ? null : remote;
        }
        if (address == null) {
            throw new IllegalArgumentException("sendto(data) needs an address: this endpoint was made without a"
                    + " remote address; call sendto(data, address)");
        }
        if (!(address instanceof InetSocketAddress inet) || inet.isUnresolved()) {
            throw new IllegalArgumentException("cannot send to " + address + ": pass a resolved InetSocketAddress"
                    + " (resolve names first with Net.getaddrinfo)");
        }
        return address;
    }

    /** Refuses a payload no UDP datagram to {@code to} can carry (the kernel would say only "Message too long"). */
    static void checkSize(int length, SocketAddress to) {
        boolean v4 = to instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address;
        int max = v4 ? MAX_IPV4_PAYLOAD : MAX_IPV6_PAYLOAD;
        if (length > max) {
            throw new IllegalArgumentException("a datagram of " + length + " bytes is larger than UDP over "
                    + (v4 ? "IPv4" : "IPv6") + " can carry (" + max + " bytes): split the data, or use a stream");
        }
    }

    /**
     * The JDK sends on a connected DatagramChannel with write(2), and Linux's write(2) of 0 bytes sends
     * nothing (send() to the peer's address takes the same path), so an empty datagram cannot leave a
     * connected channel; refusing it beats dropping it unseen.
     */
    static IllegalArgumentException emptyOnConnected() {
        return new IllegalArgumentException("an empty datagram cannot be sent on a connected socket: the JDK"
                + " writes it with write(2), which sends nothing for 0 bytes; send empty datagrams from an endpoint"
                + " made without a remote address, with sendto(data, address)");
    }

    private void writeReady() {
        if (state == State.LOST || state == State.CLOSED) {
            return;
        }
        ByteBuffer b = buffers.write;
        for (int i = 0; i < SENDS_PER_EVENT && !queue.isEmpty(); i++) {
            Queued q = queue.peekFirst();
            b.clear();
            b.put(q.data).flip();
            boolean sent;
            try {
                sent = sender.send(channel, b, q.target);
            } catch (ClosedChannelException e) {
                fatal(e, "the channel was closed by someone else than the transport");
                return;
            } catch (IOException e) {
                dequeue();
                errorReceived(e); // the datagram is dropped; the rest goes on (U2)
                if (state == State.LOST || state == State.CLOSED) {
                    return;
                }
                continue;
            }
            if (!sent) {
                break; // no room: the next writable event goes on
            }
            dequeue();
        }
        // resumeWriting may send (the queue fills again), close or abort: decide after it ran (T1, T5)
        maybeResumeProtocol();
        if (!queue.isEmpty() || state == State.LOST || state == State.CLOSED) {
            return;
        }
        if (writerOn) {
            loop.removeWriter(channel);
            writerOn = false;
        }
        if (state == State.CLOSING) {
            lose(null);
        }
    }

    private void dequeue() {
        Queued q = queue.pollFirst();
        queued -= q.data.length + HEADER;
    }

    private void maybePauseProtocol() {
        if (!protocolPaused && queued > limits.high() && state != State.LOST && state != State.CLOSED) {
            protocolPaused = true;
            try {
                protocol.pauseWriting();
            } catch (Throwable t) {
                report(t, "protocol.pauseWriting() failed");
            }
        }
    }

    private void maybeResumeProtocol() {
        if (protocolPaused && queued <= limits.low() && state != State.LOST && state != State.CLOSED) {
            protocolPaused = false;
            try {
                protocol.resumeWriting();
            } catch (Throwable t) {
                report(t, "protocol.resumeWriting() failed");
            }
        }
    }

    @Override
    public long getWriteBufferSize() {
        return queued;
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return limits;
    }

    @Override
    public void setWriteBufferLimits(WriteBufferLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        maybePauseProtocol();
        maybeResumeProtocol();
    }

    // ================================================================ closing

    @Override
    public void close() {
        if (state != State.OPEN) {
            return;
        }
        state = State.CLOSING;
        updateReader();
        if (queue.isEmpty()) {
            lose(null);
        }
    }

    @Override
    public void abort() {
        lose(null);
    }

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    /** A failed protocol callback (or a channel closed under us): report, then abort with it. */
    private void fatal(Throwable t, String what) {
        report(t, "Fatal error on datagram transport " + this + ": " + what);
        lose(t instanceof Exception e ? e : new RuntimeException(t));
        if (t instanceof VirtualMachineError err) {
            throw err;
        }
    }

    private void report(Throwable t, String message) {
        loop.callExceptionHandler(ExceptionContext.of(message, t));
    }

    /** Drops the queue, stops watching the socket and schedules connectionLost(exc). Idempotent. */
    private void lose(Exception exc) {
        if (state == State.LOST || state == State.CLOSED) {
            return;
        }
        state = State.LOST;
        queue.clear();
        queued = 0;
        if (writerOn) {
            loop.removeWriter(channel);
            writerOn = false;
        }
        updateReader();
        if (!started) {
            closeChannel(); // connectionMade never ran: the protocol hears nothing
            return;
        }
        loop.callSoon(() -> {
            try {
                protocol.connectionLost(exc);
            } catch (Throwable t) {
                report(t, "protocol.connectionLost() failed");
            } finally {
                closeChannel();
            }
        });
    }

    private void closeChannel() {
        state = State.CLOSED;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + channel + " failed", e);
        }
    }

    // ================================================================ the rest

    @Override
    public DatagramProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(DatagramProtocol protocol) {
        this.protocol = Objects.requireNonNull(protocol, "protocol");
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "sockname" -> sockname();
            case "peername" -> connected ? remote : null;
            case "socket" -> channel;
            default -> null;
        };
    }

    private SocketAddress sockname() {
        if (sockname == null && channel.isOpen()) {
            try {
                sockname = channel.getLocalAddress();
            } catch (IOException e) {
                // closed meanwhile: unknown
            }
        }
        return sockname;
    }

    @Override
    public String toString() {
        return "DatagramTransport[" + state.name().toLowerCase(java.util.Locale.ROOT) + " " + sockname
                + (remote != null ? " -> " + remote : "") + (queued > 0 ? ", " + queued + " bytes queued" : "") + "]";
    }
}
