package org.aio4j.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;
import org.aio4j.lowlevel.Waker;

/**
 * The receiving side of a stream (asyncio's {@code StreamReader}): a buffer the connection's protocol
 * fills ({@link #feedData}, {@link #feedEof}, {@link #setException}) and coroutines read from
 * ({@link #read}, {@link #readline}, {@link #readexactly}, {@link #readuntil}, {@link #lines}).
 *
 * <pre>{@code
 * StreamPair s = Streams.openConnection("example.com", 80);
 * s.writer().write("GET / HTTP/1.0\r\n\r\n".getBytes(US_ASCII));
 * for (byte[] line : s.reader().lines()) {   // each hasNext() may suspend
 *     System.out.print(new String(line, ISO_8859_1));
 * }
 * }</pre>
 *
 * <h2>The limit</h2>
 * A reader has a limit (default {@value #DEFAULT_LIMIT} bytes, set when it is made). It bounds what
 * {@link #readline} and {@link #readuntil} return, not counting the separator (longer data throws
 * {@link LimitOverrunError}, with the buffer left as that class describes), and it drives flow
 * control: when more than twice the limit is buffered the transport stops reading from the socket
 * (so a peer that sends faster than we read is held back by TCP, and memory stays bounded), and it
 * starts again once the buffer is down to the limit. A read that has to wait for data always resumes
 * the transport first, so {@code readexactly(n)} with {@code n} far above the limit completes.
 * {@link #read(int)} and {@link #readexactly} are not bounded by the limit; {@code read(-1)} is not
 * bounded at all (it buffers everything until end of file).
 *
 * <h2>End of file and errors</h2>
 * After end of file the buffered bytes can still be read; then reads return what is left (an empty
 * array from {@code read} and {@code readline}, {@link IncompleteReadError} from
 * {@code readexactly} and {@code readuntil}). An exception stored with {@link #setException} (the
 * connection's error, when it is lost) is thrown by every read from then on, even if bytes are
 * still buffered, and by a read waiting at that moment: an {@link IOException} or a
 * {@link RuntimeException} is thrown as it is, another checked exception wrapped in an
 * {@code IOException}.
 *
 * <h2>One reader at a time</h2>
 * Only one task may wait for data at a time. A read that would have to wait while another task is
 * already waiting throws {@link IllegalStateException} at once (asyncio's {@code RuntimeError
 * "... called while another coroutine is already waiting for incoming data"}): with two waiting
 * readers, which one gets the next bytes would be arbitrary.
 *
 * <h2>Cancellation</h2>
 * Every read is cancellation-safe: either it returns its bytes, or it throws
 * {@link org.aio4j.CancelledError} and the buffer is unchanged (so a read under {@code Aio.timeout}
 * that times out loses nothing: the next read sees the same bytes).
 *
 * <h2>Threads</h2>
 * Loop thread only: reads run in a coroutine (a task), {@code feed*} and {@code setException} in a
 * coroutine or a loop callback (normally the connection's protocol). The reader is bound to the loop
 * of the first task that waits on it; waiting from another loop throws {@link IllegalStateException}.
 */
public final class StreamReader {
    /*
     * Buffer: one byte array used as [head, tail); appending compacts or grows it, consuming moves
     * head (and resets both to 0 when it empties), so a stream of small reads costs no copying of
     * what stays buffered.
     *
     * Waiting: at most one waker slot (asyncio's _waiter). feed*, setException wake it and clear the
     * slot at once, as asyncio clears _waiter in _wakeup_waiter, so the conflict check sees only a
     * task that is really still waiting. A read consumes nothing before its last wait returns, which
     * is what makes every read cancellation-safe; after a wake it also delivers a cancellation that
     * arrived in the same loop iteration (asyncio's choice: the data stays buffered).
     *
     * Differences from asyncio, and why:
     *  - read(-1) waits for end of file and then takes the whole buffer, instead of collecting
     *    read(limit) blocks: a cancelled or failed read(-1) in asyncio loses the blocks already
     *    taken; here they stay buffered. Memory use is the same (all of it is held either way).
     *  - readline's over-limit error is a LimitOverrunError, not ValueError (see that class).
     *  - feedData after feedEof is an IllegalStateException (asyncio: an assert).
     */

    /** asyncio's default limit: 64 KiB. */
    public static final int DEFAULT_LIMIT = 64 * 1024;

    private static final byte[] EMPTY = new byte[0];
    private static final byte[] NEWLINE = {'\n'};

    // loop thread only
    private final int limit;
    private byte[] buf = EMPTY;
    private int head;
    private int tail;
    private boolean eof;
    private Exception exception;
    private Transport transport;
    private boolean paused;
    private Waker<Void> waiter;
    private Task<?> waitingTask;
    private EventLoop loop;

    /** A reader with the {@linkplain #DEFAULT_LIMIT default limit}, not attached to a transport. */
    public StreamReader() {
        this(DEFAULT_LIMIT);
    }

    /**
     * A reader with the given limit, not attached to a transport (feed it yourself, or let
     * {@link Streams} make readers attached to connections).
     *
     * @throws IllegalArgumentException if {@code limit} is zero or negative
     */
    public StreamReader(int limit) {
        this.limit = checkLimit(limit);
    }

    static int checkLimit(int limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the stream limit must be a positive number of bytes, got " + limit
                    + " (the default is " + DEFAULT_LIMIT + ")");
        }
        return limit;
    }

    /** The limit: the longest line or chunk {@link #readline} and {@link #readuntil} return, and half the buffer cap. */
    public int limit() {
        return limit;
    }

    // ================================================================ the feeding side

    /**
     * The stored exception (see {@link #setException}), or null.
     */
    public Exception exception() {
        return exception;
    }

    /**
     * Stores {@code exc}: every read from now on throws it, and a task waiting for data is woken and
     * throws it. A later call replaces it. Called by the protocol when the connection is lost with an
     * error.
     */
    public void setException(Exception exc) {
        exception = Objects.requireNonNull(exc, "exc");
        wakeWaiter();
    }

    /**
     * Appends {@code data} to the buffer and wakes a waiting read; pauses the transport's reading if
     * more than twice the limit is now buffered. The array is copied. An empty array does nothing.
     *
     * @throws IllegalStateException after {@link #feedEof}
     */
    public void feedData(byte[] data) {
        Objects.requireNonNull(data, "data");
        if (eof) {
            throw new IllegalStateException("feedData() after feedEof() on " + this
                    + ": no data can follow the end of the stream");
        }
        if (data.length == 0) {
            return;
        }
        append(data);
        wakeWaiter();
        if (transport != null && !paused && size() > 2L * limit) {
            try {
                transport.pauseReading();
                paused = true;
            } catch (UnsupportedOperationException cannotPause) {
                transport = null; // this transport cannot be paused: buffer everything (as asyncio)
            }
        }
    }

    /** Marks the end of the stream and wakes a waiting read. Idempotent. */
    public void feedEof() {
        eof = true;
        wakeWaiter();
    }

    /** Whether {@link #feedEof} was called and the buffer is empty: every read will return nothing more. */
    public boolean atEof() {
        return eof && size() == 0;
    }

    /** Attaches the transport whose reading this reader pauses and resumes. Once. */
    void setTransport(Transport t) {
        if (transport != null) {
            throw new IllegalStateException("the transport of " + this + " is already set");
        }
        transport = Objects.requireNonNull(t, "transport");
    }

    /** startTls: the TLS transport replaces the plain one; this reader's pause was the old one's. */
    void replaceTransport(Transport t) {
        transport = Objects.requireNonNull(t, "transport");
        paused = false;
    }

    /** startTls: takes every buffered byte (the peer's first handshake bytes, L10); empty if none. */
    byte[] takeBuffered() {
        return take(size());
    }

    private void wakeWaiter() {
        Waker<Void> w = waiter;
        if (w != null) {
            waiter = null;
            waitingTask = null;
            w.wake(null);
        }
    }

    // ================================================================ the reading side

    /**
     * Reads up to {@code n} bytes (asyncio's {@code read(n)}).
     * <ul>
     *   <li>{@code n > 0}: waits until at least one byte is buffered or the stream ended, then returns up
     *       to {@code n} bytes (fewer if fewer are buffered); an empty array only at end of file.</li>
     *   <li>{@code n == 0}: an empty array at once.</li>
     *   <li>{@code n < 0} (conventionally -1): waits for end of file and returns everything. Not bounded
     *       by the limit: a peer that never stops sending fills memory; prefer a bounded read.</li>
     * </ul>
     * Cancellation-safe (see the class documentation).
     *
     * @throws IOException              the stored exception (see {@link #setException})
     * @throws IllegalStateException    if another task is already waiting for data, or outside a coroutine
     *                                  when it has to wait
     * @throws org.aio4j.CancelledError if the task is cancelled while waiting (nothing is consumed)
     */
    public byte[] read(int n) throws IOException {
        throwIfFailed();
        if (n == 0) {
            return EMPTY;
        }
        if (n < 0) {
            while (!eof) {
                waitForData("read");
            }
            byte[] all = take(size());
            maybeResumeTransport();
            return all;
        }
        if (size() == 0 && !eof) {
            waitForData("read");
        }
        byte[] data = take(Math.min(n, size()));
        maybeResumeTransport();
        return data;
    }

    /**
     * Reads one line, through its {@code '\n'} (asyncio's {@code readline}). At end of file returns
     * the rest without a newline, or an empty array when nothing is left.
     *
     * <p>A line longer than the limit (not counting its {@code '\n'}) throws {@link LimitOverrunError}
     * after dropping it from the buffer: through the {@code '\n'} if that is buffered, otherwise the
     * whole buffer (so the line's remainder, arriving later, reads as the next line). Reading stays
     * possible afterwards. Cancellation-safe.
     *
     * @throws LimitOverrunError        for a line over the limit (dropped, see above)
     * @throws IOException              the stored exception
     * @throws IllegalStateException    as {@link #read}
     * @throws org.aio4j.CancelledError if cancelled while waiting (nothing is consumed)
     */
    public byte[] readline() throws IOException {
        try {
            return readuntil(NEWLINE);
        } catch (IncompleteReadError e) {
            return e.partial();
        } catch (LimitOverrunError e) {
            int at = e.consumed();
            if (at < size() && buf[head + at] == '\n') {
                consume(at + 1);
            } else {
                clear();
            }
            maybeResumeTransport();
            throw new LimitOverrunError(e.getMessage(), at);
        }
    }

    /**
     * Reads through the first occurrence of {@code separator} and returns the bytes with the separator
     * at their end (asyncio's {@code readuntil}).
     *
     * <ul>
     *   <li>If the data before the separator would be longer than the limit, throws
     *       {@link LimitOverrunError} and consumes nothing: the bytes stay buffered
     *       ({@link LimitOverrunError#consumed()} says how many to skip).</li>
     *   <li>If the stream ends first, throws {@link IncompleteReadError} with everything that was
     *       buffered as its {@linkplain IncompleteReadError#partial() partial} bytes (which may end with
     *       part of the separator) and {@link IncompleteReadError#UNKNOWN} expected; the buffer is then
     *       empty.</li>
     * </ul>
     * Cancellation-safe.
     *
     * @throws IllegalArgumentException if {@code separator} is empty
     * @throws IOException              the stored exception
     * @throws IllegalStateException    as {@link #read}
     * @throws org.aio4j.CancelledError if cancelled while waiting (nothing is consumed)
     */
    public byte[] readuntil(byte[] separator) throws IOException {
        Objects.requireNonNull(separator, "separator");
        int seplen = separator.length;
        if (seplen == 0) {
            throw new IllegalArgumentException("readuntil(): the separator must be at least one byte long");
        }
        throwIfFailed();
        // `offset`: bytes from the buffer's start known not to contain the separator's start
        int offset = 0;
        int isep;
        while (true) {
            int buflen = size();
            if (buflen - offset >= seplen) {
                isep = indexOf(separator, offset);
                if (isep >= 0) {
                    break;
                }
                // the last seplen - 1 bytes may be the start of a separator still arriving
                offset = buflen + 1 - seplen;
                if (offset > limit) {
                    throw new LimitOverrunError("Separator is not found, and chunk exceed the limit", offset);
                }
            }
            // a chunk that completed the separator may have come with the end of file: look first
            if (eof) {
                byte[] chunk = take(size());
                maybeResumeTransport();
                throw new IncompleteReadError(chunk, IncompleteReadError.UNKNOWN);
            }
            waitForData("readuntil");
        }
        if (isep > limit) {
            throw new LimitOverrunError("Separator is found, but chunk is longer than limit", isep);
        }
        byte[] chunk = take(isep + seplen);
        maybeResumeTransport();
        return chunk;
    }

    /**
     * Reads exactly {@code n} bytes (asyncio's {@code readexactly}); {@code n == 0} returns an empty
     * array. Not bounded by the limit (the transport is resumed while this waits). If the stream ends
     * first, throws {@link IncompleteReadError} with the bytes that were buffered (now consumed) and
     * {@code n} expected. Cancellation-safe.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     * @throws IncompleteReadError      at end of file before {@code n} bytes
     * @throws IOException              the stored exception
     * @throws IllegalStateException    as {@link #read}
     * @throws org.aio4j.CancelledError if cancelled while waiting (nothing is consumed)
     */
    public byte[] readexactly(int n) throws IOException {
        if (n < 0) {
            throw new IllegalArgumentException("readexactly(" + n + "): the size cannot be negative");
        }
        throwIfFailed();
        if (n == 0) {
            return EMPTY;
        }
        while (size() < n) {
            if (eof) {
                byte[] incomplete = take(size());
                maybeResumeTransport();
                throw new IncompleteReadError(incomplete, n);
            }
            waitForData("readexactly");
        }
        byte[] data = take(n);
        maybeResumeTransport();
        return data;
    }

    /**
     * The lines of the stream, for a plain {@code for} loop (asyncio's {@code async for line in
     * reader}): each {@code hasNext()} calls {@link #readline} (and so may suspend the task) unless a
     * line is already fetched; iteration ends at end of file (when {@code readline} returns an empty
     * array). The lines end with {@code '\n'}, except maybe the last.
     *
     * <p>Errors from {@code readline} (a {@link LimitOverrunError}, the stored exception) are thrown
     * from {@code hasNext()} / {@code next()} as an {@link UncheckedIOException} with the original as
     * the cause; iterating again afterwards goes on reading. Each call returns a new iterator over the
     * same stream: lines consumed by one are gone for all. Cancellation-safe like {@code readline}.
     */
    public Iterable<byte[]> lines() {
        return () -> new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = readline();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e.getMessage(), e);
                    }
                }
                return next.length > 0;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the stream is at end of file: no more lines");
                }
                byte[] line = next;
                next = null;
                return line;
            }
        };
    }

    private void throwIfFailed() throws IOException {
        if (exception != null) {
            throw rethrowable(exception);
        }
    }

    private static IOException rethrowable(Exception e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        return new IOException("the stream failed: " + e, e);
    }

    /** Waits until feedData, feedEof or setException; resumes a paused transport first (S3). */
    private void waitForData(String method) throws IOException {
        if (waiter != null) {
            throw new IllegalStateException(method + "() called while another task (" + waitingTask
                    + ") is already waiting for incoming data on " + this
                    + ": only one task may read a stream at a time; read from one task and hand the data on");
        }
        Waker<Void> w = Lowlevel.newWaker();
        EventLoop here = Lowlevel.currentLoop().orElseThrow();
        if (loop == null) {
            loop = here;
        } else if (loop != here) {
            throw new IllegalStateException(method + "() on " + this + " from a task of " + here
                    + ", but the reader belongs to " + loop + ": use a stream on the loop that made it");
        }
        if (paused) {
            paused = false;
            transport.resumeReading(); // waiting while paused would wait forever (S3)
        }
        waiter = w;
        waitingTask = w.task();
        try {
            Lowlevel.park(w, () -> {
                if (waiter == w) {
                    waiter = null;
                    waitingTask = null;
                }
                return true; // nothing was consumed: withdrawing loses nothing
            });
            Lowlevel.checkpointIfCancelled(); // woken and cancelled in one iteration: the data stays buffered
        } finally {
            if (waiter == w) {
                waiter = null;
                waitingTask = null;
            }
        }
        throwIfFailed();
    }

    private void maybeResumeTransport() {
        if (paused && size() <= limit) {
            paused = false;
            transport.resumeReading();
        }
    }

    // ================================================================ the buffer

    int size() {
        return tail - head;
    }

    /** Whether this reader paused its transport's reading (for tests). */
    boolean isPaused() {
        return paused;
    }

    private void append(byte[] data) {
        int n = data.length;
        if (buf.length - tail < n) {
            int size = size();
            if (buf.length - size >= n && head > 0 && size <= buf.length / 2) {
                System.arraycopy(buf, head, buf, 0, size); // room enough once compacted
            } else {
                long want = Math.max((long) buf.length * 2, (long) size + n);
                if (want > Integer.MAX_VALUE - 8) {
                    want = (long) size + n;
                    if (want > Integer.MAX_VALUE - 8) {
                        throw new OutOfMemoryError("a StreamReader buffer cannot hold more than 2 GiB");
                    }
                }
                byte[] grown = new byte[(int) Math.max(want, 256)];
                System.arraycopy(buf, head, grown, 0, size);
                buf = grown;
            }
            head = 0;
            tail = size;
        }
        System.arraycopy(data, 0, buf, tail, n);
        tail += n;
    }

    private byte[] take(int n) {
        if (n == 0) {
            return EMPTY;
        }
        byte[] out = Arrays.copyOfRange(buf, head, head + n);
        consume(n);
        return out;
    }

    private void consume(int n) {
        head += n;
        if (head == tail) {
            head = 0;
            tail = 0;
            if (buf.length > 4 * limit) {
                buf = EMPTY; // do not hold on to a buffer a burst grew
            }
        }
    }

    private void clear() {
        consume(size());
    }

    /** The offset (from head) of the first occurrence of {@code sep} at or after {@code from}, or -1. */
    private int indexOf(byte[] sep, int from) {
        byte first = sep[0];
        int last = tail - sep.length;
        outer:
        for (int i = head + from; i <= last; i++) {
            if (buf[i] != first) {
                continue;
            }
            for (int j = 1; j < sep.length; j++) {
                if (buf[i + j] != sep[j]) {
                    continue outer;
                }
            }
            return i - head;
        }
        return -1;
    }

    /** asyncio's repr: {@code StreamReader[12 bytes, eof, limit=10, paused]}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("StreamReader[");
        String sep = "";
        if (size() > 0) {
            sb.append(size()).append(" bytes");
            sep = ", ";
        }
        if (eof) {
            sb.append(sep).append("eof");
            sep = ", ";
        }
        if (limit != DEFAULT_LIMIT) {
            sb.append(sep).append("limit=").append(limit);
            sep = ", ";
        }
        if (waiter != null) {
            sb.append(sep).append("waiter");
            sep = ", ";
        }
        if (exception != null) {
            sb.append(sep).append("exception=").append(exception);
            sep = ", ";
        }
        if (paused) {
            sb.append(sep).append("paused");
        }
        return sb.append(']').toString();
    }
}
