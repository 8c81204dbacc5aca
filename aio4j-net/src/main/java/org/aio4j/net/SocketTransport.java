package org.aio4j.net;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;

/**
 * The transport of a connected TCP or Unix socket, driven by the loop's readiness callbacks
 * ({@link EventLoop#addReader} / {@link EventLoop#addWriter}).
 *
 * <h2>Threads</h2>
 * Loop thread only, like its loop's callbacks.
 */
final class SocketTransport implements Transport {
    /*
     * Lifecycle (one guarded field, so connectionLost runs exactly once):
     *
     *   OPEN --close()--> CLOSING --queue drained--> LOST --connectionLost ran--> CLOSED
     *     \------------------abort() / fatal error------^
     *
     * LOST means connectionLost is scheduled (call_soon, as asyncio) and the socket is about to be
     * closed; from LOST on no protocol callback other than that one runs.
     *
     * Reading: one read per readable event into the loop's direct buffer (asyncio and uvloop read
     * once per event too; the loop is level-triggered, so what is left is read next time). The
     * reader is registered while `wantRead()`: started, OPEN, not paused, no EOF seen (T7, T9).
     *
     * Writing: write() tries the socket first when the queue is empty and queues a copy of what is
     * left (T4); OP_WRITE is wanted only while the queue is non-empty (T6). A writable event stages
     * as much of the queue as fits in the loop's direct buffer and makes one write call: bounded
     * work per event, one syscall. Every path that adds bytes goes through enqueue() and every path
     * that removes them through consumed(), so the watermark check cannot be skipped (T3).
     * pause/resumeWriting strictly alternate through `protocolPaused`, set before the callback runs,
     * and state is re-checked after every protocol callback (T5, T1).
     */
    private enum State { OPEN, CLOSING, LOST, CLOSED }

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");

    // loop thread only
    private final EventLoop loop;
    private final SocketChannel channel;
    private final IoBuffers buffers;
    private final Server server;
    private final SocketAddress peername;
    private final SocketAddress sockname;
    private BaseProtocol protocol;
    /** The protocol as a Protocol, or null when it is a BufferedProtocol. */
    private Protocol plain;
    private BufferedProtocol buffered;
    private State state = State.OPEN;
    private boolean started;
    private boolean readerOn;
    private boolean readingPaused;
    private boolean eofReceived;
    private boolean eofRequested;
    private boolean writerOn;
    private boolean protocolPaused;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
    private int writesAfterLoss;
    private final Runnable onReadable = this::readReady;
    private final Runnable onWritable = this::writeReady;

    SocketTransport(EventLoop loop, SocketChannel channel, BaseProtocol protocol, Server server) {
        this.loop = loop;
        this.channel = channel;
        this.buffers = IoBuffers.of(loop);
        this.server = server;
        this.peername = addressOrNull(channel, true);
        this.sockname = addressOrNull(channel, false);
        assign(protocol);
        if (peername instanceof java.net.InetSocketAddress) {
            try {
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true); // as asyncio, for every TCP transport
            } catch (IOException | UnsupportedOperationException ignored) {
                // not fatal: only latency
            }
        }
        if (server != null) {
            server.attach(this);
        }
    }

    /**
     * Calls connectionMade on the next iteration, then starts reading unless the protocol paused,
     * and completes {@code waiter} (if any) once connectionMade ran.
     */
    void start(Future<Void> waiter) {
        loop.callSoon(() -> {
            if (state != State.OPEN) {
                // closed or aborted before it started (closeClients right after the accept): the
                // protocol hears nothing and the socket is closed already
                started = true;
                if (waiter != null && !waiter.done()) {
                    waiter.setException(new ConnectionResetError("the connection was closed before it was made"));
                }
                return;
            }
            // From here on the connection counts as made: a close() or a failure inside
            // connectionMade itself is followed by connectionLost, exactly once (T1).
            started = true;
            try {
                protocol.connectionMade(this);
            } catch (Throwable t) {
                fatal(t, "protocol.connectionMade() failed");
                if (waiter != null && !waiter.done()) {
                    waiter.setException(t);
                }
                return;
            }
            updateReader();
            if (waiter != null && !waiter.done()) {
                waiter.setResult(null); // as asyncio, also if connectionMade closed the transport
            }
        });
    }

    private static SocketAddress addressOrNull(SocketChannel ch, boolean remote) {
        try {
            return remote ? ch.getRemoteAddress() : ch.getLocalAddress();
        } catch (IOException e) {
            return null;
        }
    }

    private void assign(BaseProtocol p) {
        Objects.requireNonNull(p, "protocol");
        if (p instanceof BufferedProtocol b) {
            buffered = b;
            plain = null;
        } else if (p instanceof Protocol s) {
            plain = s;
            buffered = null;
        } else {
            throw new IllegalArgumentException(p.getClass().getName() + " implements only BaseProtocol:"
                    + " implement Protocol (data as byte arrays) or BufferedProtocol (reads into your buffer)");
        }
        protocol = p;
    }

    // ================================================================ reading

    private boolean wantRead() {
        return started && state == State.OPEN && !readingPaused && !eofReceived;
    }

    private void updateReader() {
        boolean want = wantRead();
        if (want && !readerOn) {
            loop.addReader(channel, onReadable);
            readerOn = true;
        } else if (!want && readerOn) {
            loop.removeReader(channel);
            readerOn = false;
        }
    }

    private void readReady() {
        if (state != State.OPEN) {
            return;
        }
        if (buffered != null) {
            readBuffered();
            return;
        }
        ByteBuffer b = buffers.read;
        b.clear();
        int n;
        try {
            n = channel.read(b);
        } catch (IOException e) {
            fatal(e, "read failed");
            return;
        }
        if (n > 0) {
            byte[] data = new byte[n];
            b.flip();
            b.get(data);
            try {
                plain.dataReceived(data);
            } catch (Throwable t) {
                fatal(t, "protocol.dataReceived() failed");
            }
        } else if (n < 0) {
            eof();
        }
    }

    private void readBuffered() {
        BufferedProtocol p = buffered;
        ByteBuffer dst;
        try {
            dst = p.getBuffer(-1);
            if (dst == null || !dst.hasRemaining()) {
                throw new IllegalStateException("BufferedProtocol.getBuffer() returned "
                        + (dst == null ? "null" : "a buffer with no room left") + ": return one with at least one byte remaining");
            }
        } catch (Throwable t) {
            fatal(t, "protocol.getBuffer() failed");
            return;
        }
        int n;
        try {
            n = channel.read(dst);
        } catch (IOException e) {
            fatal(e, "read failed");
            return;
        }
        if (n > 0) {
            try {
                p.bufferUpdated(n);
            } catch (Throwable t) {
                fatal(t, "protocol.bufferUpdated() failed");
            }
        } else if (n < 0) {
            eof();
        }
    }

    private void eof() {
        eofReceived = true;
        updateReader(); // the channel stays readable after EOF: stop watching it (T7)
        boolean keepOpen;
        try {
            keepOpen = plain != null ? plain.eofReceived() : buffered.eofReceived();
        } catch (Throwable t) {
            fatal(t, "protocol.eofReceived() failed");
            return;
        }
        if (!keepOpen) {
            close();
        }
    }

    @Override
    public void pauseReading() {
        if (state != State.OPEN || readingPaused) {
            return;
        }
        readingPaused = true;
        updateReader();
    }

    @Override
    public void resumeReading() {
        if (state != State.OPEN || !readingPaused) {
            return;
        }
        readingPaused = false;
        updateReader();
    }

    @Override
    public boolean isReading() {
        return state == State.OPEN && !readingPaused;
    }

    // ================================================================ writing

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        if (!writable() || length == 0) {
            return;
        }
        if (queue.isEmpty()) {
            int sent = sendNow(data, offset, length);
            if (sent < 0) {
                return; // fatal error: the connection is lost
            }
            offset += sent;
            length -= sent;
            if (length == 0) {
                return;
            }
        }
        enqueue(ByteBuffer.wrap(java.util.Arrays.copyOfRange(data, offset, offset + length)));
        afterEnqueue();
    }

    @Override
    public void write(ByteBuffer data) {
        if (!writable() || !data.hasRemaining()) {
            data.position(data.limit());
            return;
        }
        if (data.hasArray()) {
            int off = data.arrayOffset() + data.position();
            int len = data.remaining();
            data.position(data.limit());
            write(data.array(), off, len);
            return;
        }
        if (queue.isEmpty()) {
            try {
                channel.write(data); // a direct buffer: straight to the socket
            } catch (IOException e) {
                fatal(e, "write failed");
                return;
            }
            if (!data.hasRemaining()) {
                return;
            }
        }
        ByteBuffer copy = ByteBuffer.allocate(data.remaining());
        copy.put(data).flip();
        enqueue(copy);
        afterEnqueue();
    }

    @Override
    public void writelines(Iterable<byte[]> chunks) {
        for (byte[] c : chunks) {
            write(c);
        }
    }

    /** Whether a write may proceed; throws after writeEof, counts writes after the loss. */
    private boolean writable() {
        if (eofRequested) {
            throw new IllegalStateException("write() after writeEof(): the sending side is closed");
        }
        if (state == State.LOST || state == State.CLOSED) {
            if (writesAfterLoss++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "write() on a lost connection (" + peername
                        + "): the data is dropped; connectionLost and drain() report why");
            }
            return false;
        }
        return true;
    }

    /** Copies through the direct buffer and writes; returns the bytes taken, or -1 after a fatal error. */
    private int sendNow(byte[] data, int offset, int length) {
        ByteBuffer b = buffers.write;
        int sent = 0;
        try {
            while (sent < length) {
                b.clear();
                int chunk = Math.min(b.capacity(), length - sent);
                b.put(data, offset + sent, chunk).flip();
                int n = channel.write(b);
                sent += n;
                if (n < chunk) {
                    break; // the socket buffer is full
                }
            }
        } catch (IOException e) {
            fatal(e, "write failed");
            return -1;
        }
        return sent;
    }

    private void enqueue(ByteBuffer copy) {
        queue.addLast(copy);
        queued += copy.remaining();
    }

    private void afterEnqueue() {
        if (!writerOn && state != State.LOST && state != State.CLOSED) {
            loop.addWriter(channel, onWritable);
            writerOn = true;
        }
        maybePauseProtocol();
    }

    private void writeReady() {
        if (state == State.LOST || state == State.CLOSED) {
            return;
        }
        ByteBuffer b = buffers.write;
        b.clear();
        for (ByteBuffer q : queue) {
            int take = Math.min(b.remaining(), q.remaining());
            b.put(q.array(), q.arrayOffset() + q.position(), take);
            if (!b.hasRemaining()) {
                break;
            }
        }
        b.flip();
        int n;
        try {
            n = channel.write(b);
        } catch (IOException e) {
            fatal(e, "write failed");
            return;
        }
        consumed(n);
        // resumeWriting may write (the queue fills again), close or abort: decide after it ran (T1, T5)
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
        } else if (eofRequested) {
            shutdownOutput();
        }
    }

    private void consumed(int n) {
        queued -= n;
        while (n > 0) {
            ByteBuffer q = queue.peekFirst();
            int take = Math.min(n, q.remaining());
            q.position(q.position() + take);
            n -= take;
            if (!q.hasRemaining()) {
                queue.pollFirst();
            }
        }
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

    @Override
    public void writeEof() {
        if (state != State.OPEN || eofRequested) {
            return;
        }
        eofRequested = true;
        if (queue.isEmpty()) {
            shutdownOutput();
        } // else: when the queue drains (T8)
    }

    private void shutdownOutput() {
        try {
            channel.shutdownOutput();
        } catch (IOException e) {
            fatal(e, "shutdownOutput failed");
        }
    }

    @Override
    public boolean canWriteEof() {
        return true;
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

    /** An I/O error or a failed protocol callback: report unless it is a connection error, then abort. */
    private void fatal(Throwable t, String what) {
        if (!(t instanceof IOException)) {
            report(t, "Fatal error on transport " + this + ": " + what);
        } else if (loop.isDebug()) {
            LOG.log(System.Logger.Level.DEBUG, this + ": " + what, t);
        }
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
            // connectionMade never ran: the protocol hears nothing, the socket closes now
            closeChannel();
            return;
        }
        loop.callSoon(() -> connectionLost(exc));
    }

    private void connectionLost(Exception exc) {
        try {
            protocol.connectionLost(exc);
        } catch (Throwable t) {
            report(t, "protocol.connectionLost() failed");
        } finally {
            closeChannel();
        }
    }

    private void closeChannel() {
        state = State.CLOSED;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + channel + " failed", e);
        }
        if (server != null) {
            server.detach(this);
        }
    }

    // ================================================================ the rest

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        assign(protocol);
    }

    @Override
    public Object getExtraInfo(String name) {
        return switch (name) {
            case "peername" -> peername;
            case "sockname" -> sockname;
            case "socket" -> channel;
            default -> null;
        };
    }

    @Override
    public String toString() {
        return "SocketTransport[" + state.name().toLowerCase(java.util.Locale.ROOT) + " " + sockname + " <-> " + peername
                + (queued > 0 ? ", " + queued + " bytes queued" : "") + "]";
    }
}
