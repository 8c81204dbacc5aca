package org.aio4j.net;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectableChannel;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;

/**
 * The transport of one end of a pipe to a child process (asyncio's {@code _UnixReadPipeTransport} and
 * {@code _UnixWritePipeTransport} in one class): the read end of the child's stdout or stderr, or the
 * write end of its stdin, driven by the loop's readiness callbacks on a non-blocking
 * {@link Pipe.SourceChannel} or {@link Pipe.SinkChannel}.
 *
 * <h2>Threads</h2>
 * Loop thread only, like its loop's callbacks; {@link #closeFromAnyThread} is the one exception.
 */
final class PipeTransport implements Transport {
    /*
     * Lifecycle (one guarded field, so connectionLost runs exactly once):
     *
     *   OPEN --close()/writeEof()--> CLOSING --queue drained--> LOST --connectionLost ran--> CLOSED
     *     \--------------abort() / EOF / write error-------------^
     *
     * Unlike SocketTransport, the channel is closed as soon as the state becomes LOST, not after
     * connectionLost: closing our end of a pipe is how the child learns we are gone (a read end
     * closed early gives the child EPIPE at its next write), and nothing the
     * protocol does in connectionLost needs the channel. The descriptor itself is released by the
     * selector at its next iteration (V3).
     *
     * A read pipe ends at end of file: eofReceived is called (its answer does not matter: a read
     * pipe cannot be half-open), then connectionLost(null), as asyncio does. Output is never dropped
     * on the process's exit: the pipe closes on EOF only (P4).
     *
     * A write pipe has no way to learn that the child closed its end while we are not writing (the
     * JDK's SinkChannel registers for OP_WRITE only, and a pipe is almost always writable, so
     * watching it would spin); the child's close surfaces as EPIPE at the next write, which the JVM
     * (ignoring SIGPIPE) reports as an IOException. writeEof on a pipe is close(): a pipe has no half
     * close. As on a socket, bytes written while CLOSING are queued and sent before the pipe closes
     * (StreamWriter refuses writes after its own close(); the transport closes itself when the child
     * exits, and a write racing that must still surface as a broken pipe, not as a usage error).
     *
     * Writing mirrors SocketTransport: try the channel first when the queue is empty, queue a copy of
     * the rest (T4), OP_WRITE only while the queue is non-empty (T6), one staged write per event.
     */
    private enum State { OPEN, CLOSING, LOST, CLOSED }

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");

    // loop thread only
    private final EventLoop loop;
    private final SelectableChannel channel;
    private final Pipe.SourceChannel source;
    private final Pipe.SinkChannel sink;
    private final String name;
    private final IoBuffers buffers;
    private Protocol protocol;
    private Runnable whenClosed;
    private State state = State.OPEN;
    private boolean started;
    private boolean readerOn;
    private boolean readingPaused;
    private boolean writerOn;
    private boolean protocolPaused;
    private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
    private long queued;
    private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
    private int writesAfterLoss;
    private final Runnable onReadable = this::readReady;
    private final Runnable onWritable = this::writeReady;

    private PipeTransport(EventLoop loop, SelectableChannel channel, String name, Protocol protocol) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.source = channel instanceof Pipe.SourceChannel s ? s : null;
        this.sink = channel instanceof Pipe.SinkChannel s ? s : null;
        this.name = name;
        this.buffers = IoBuffers.of(loop);
        this.protocol = Objects.requireNonNull(protocol, "protocol");
        channel.configureBlocking(false);
    }

    /** A transport reading {@code source} (the child's stdout or stderr); {@code name} is for messages. */
    static PipeTransport reading(EventLoop loop, Pipe.SourceChannel source, String name, Protocol protocol) throws IOException {
        return new PipeTransport(loop, source, name, protocol);
    }

    /** A transport writing {@code sink} (the child's stdin). */
    static PipeTransport writing(EventLoop loop, Pipe.SinkChannel sink, String name, Protocol protocol) throws IOException {
        return new PipeTransport(loop, sink, name, protocol);
    }

    /**
     * Calls connectionMade now (the caller is on the loop thread, inside the spawn) and starts
     * reading; {@code whenClosed} runs after connectionLost.
     */
    void start(Runnable whenClosed) {
        this.whenClosed = whenClosed;
        started = true;
        try {
            protocol.connectionMade(this);
        } catch (Throwable t) {
            fatal(t, "protocol.connectionMade() failed");
            return;
        }
        updateReader();
    }

    /** Whether this is the read end of the child's stdout or stderr. */
    boolean isReadPipe() {
        return source != null;
    }

    // ================================================================ reading

    private void updateReader() {
        boolean want = source != null && started && state == State.OPEN && !readingPaused;
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
        ByteBuffer b = buffers.read;
        b.clear();
        int n;
        try {
            n = source.read(b);
        } catch (IOException e) {
            fatal(e, "read failed");
            return;
        }
        if (n > 0) {
            byte[] data = new byte[n];
            b.flip();
            b.get(data);
            try {
                protocol.dataReceived(data);
            } catch (Throwable t) {
                fatal(t, "protocol.dataReceived() failed");
            }
        } else if (n < 0) {
            lose(null, true);
        }
    }

    @Override
    public void pauseReading() {
        if (state != State.OPEN || readingPaused || source == null) {
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
        return source != null && state == State.OPEN && !readingPaused;
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
                return;
            }
            offset += sent;
            length -= sent;
            if (length == 0) {
                return;
            }
        }
        enqueue(ByteBuffer.wrap(Arrays.copyOfRange(data, offset, offset + length)));
    }

    @Override
    public void write(ByteBuffer data) {
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        write(copy);
    }

    @Override
    public void writelines(Iterable<byte[]> chunks) {
        for (byte[] c : chunks) {
            write(c);
        }
    }

    private boolean writable() {
        if (sink == null) {
            throw new UnsupportedOperationException(name + " is a read pipe: a child's output cannot be written to");
        }
        if (state == State.LOST || state == State.CLOSED) {
            if (writesAfterLoss++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "write() on " + name
                        + " after the pipe was lost: the data is dropped; connectionLost and drain() report why");
            }
            return false;
        }
        return true;
    }

    private int sendNow(byte[] data, int offset, int length) {
        ByteBuffer b = buffers.write;
        int sent = 0;
        try {
            while (sent < length) {
                b.clear();
                int chunk = Math.min(b.capacity(), length - sent);
                b.put(data, offset + sent, chunk).flip();
                int n = sink.write(b);
                sent += n;
                if (n < chunk) {
                    break; // the pipe buffer is full
                }
            }
        } catch (IOException e) {
            fatal(brokenPipe(e), "write failed");
            return -1;
        }
        return sent;
    }

    private IOException brokenPipe(IOException e) {
        return new IOException("writing to " + name + " failed (" + e.getMessage()
                + "): the child process closed its end of the pipe or exited", e);
    }

    private void enqueue(ByteBuffer copy) {
        queue.addLast(copy);
        queued += copy.remaining();
        if (!writerOn) {
            loop.addWriter(channel, onWritable);
            writerOn = true;
        }
        if (!protocolPaused && queued > limits.high()) {
            protocolPaused = true;
            try {
                protocol.pauseWriting();
            } catch (Throwable t) {
                report(t, "protocol.pauseWriting() failed");
            }
        }
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
            n = sink.write(b);
        } catch (IOException e) {
            fatal(brokenPipe(e), "write failed");
            return;
        }
        consumed(n);
        maybeResumeProtocol();
        if (!queue.isEmpty() || state == State.LOST || state == State.CLOSED) {
            return;
        }
        if (writerOn) {
            loop.removeWriter(channel);
            writerOn = false;
        }
        if (state == State.CLOSING) {
            lose(null, false);
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
        if (!protocolPaused && queued > limits.high() && state == State.OPEN) {
            protocolPaused = true;
            try {
                protocol.pauseWriting();
            } catch (Throwable t) {
                report(t, "protocol.pauseWriting() failed");
            }
        }
        maybeResumeProtocol();
    }

    /** Closes the pipe once the queued bytes are written: the child reads end of file. */
    @Override
    public void writeEof() {
        if (sink == null) {
            throw new UnsupportedOperationException(name + " is a read pipe: it has no sending side to close");
        }
        close();
    }

    @Override
    public boolean canWriteEof() {
        return sink != null;
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
            lose(null, false);
        }
    }

    @Override
    public void abort() {
        lose(null, false);
    }

    @Override
    public boolean isClosing() {
        return state != State.OPEN;
    }

    private void fatal(Throwable t, String what) {
        if (!(t instanceof IOException)) {
            report(t, "Fatal error on " + this + ": " + what);
        } else if (loop.isDebug()) {
            LOG.log(System.Logger.Level.DEBUG, this + ": " + what, t);
        }
        lose(t instanceof Exception e ? e : new RuntimeException(t), false);
        if (t instanceof VirtualMachineError err) {
            throw err;
        }
    }

    private void report(Throwable t, String message) {
        loop.callExceptionHandler(ExceptionContext.of(message, t));
    }

    /** Stops watching, closes the channel, and schedules (eofReceived and) connectionLost. Idempotent. */
    private void lose(Exception exc, boolean eof) {
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
        closeChannel();
        if (eof) {
            loop.callSoon(() -> {
                try {
                    protocol.eofReceived(); // a read pipe cannot stay half-open: the answer does not matter
                } catch (Throwable t) {
                    report(t, "protocol.eofReceived() failed");
                }
            });
        }
        loop.callSoon(() -> connectionLost(exc));
    }

    private void connectionLost(Exception exc) {
        state = State.CLOSED;
        try {
            protocol.connectionLost(exc);
        } catch (Throwable t) {
            report(t, "protocol.connectionLost() failed");
        }
        if (whenClosed != null) {
            whenClosed.run();
        }
    }

    private void closeChannel() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "closing " + name + " failed", e);
        }
    }

    /**
     * Closes the channel from any thread, without callbacks: for a process that exits after its loop
     * was closed (nobody can run the callbacks any more, and the descriptor must not leak).
     */
    void closeFromAnyThread() {
        closeChannel();
    }

    // ================================================================ the rest

    @Override
    public BaseProtocol getProtocol() {
        return protocol;
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        if (!(protocol instanceof Protocol p)) {
            throw new IllegalArgumentException("a pipe transport takes a Protocol (data as byte arrays), got "
                    + (protocol == null ? "null" : protocol.getClass().getName()));
        }
        this.protocol = p;
    }

    /** {@code "pipe"}: the channel (do not read, write or close it yourself). */
    @Override
    public Object getExtraInfo(String name) {
        return "pipe".equals(name) ? channel : null;
    }

    @Override
    public String toString() {
        return "PipeTransport[" + state.name().toLowerCase(Locale.ROOT) + " " + name
                + (queued > 0 ? ", " + queued + " bytes queued" : "") + "]";
    }
}
