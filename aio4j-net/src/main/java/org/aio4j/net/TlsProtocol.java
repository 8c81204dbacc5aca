package org.aio4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.TimerHandle;

/**
 * The TLS layer (asyncio's {@code SSLProtocol}): the protocol of a socket transport, carrying
 * ciphertext, and the engine behind the {@link TlsTransport} the application protocol sees.
 *
 * <p>Loop thread only, except the engine's delegated tasks (see the implementation notes).
 */
final class TlsProtocol implements BufferedProtocol {
    /*
     * Size: just over 800 lines, because the lifecycle below, the pump and the callbacks of both
     * sides read the same few fields and are checked against each other; the engine's records and
     * the wrap/unwrap loops are already in TlsRecords, the application's transport in TlsTransport.
     *
     * Lifecycle:
     *
     *   NEW --connectionMade--> HANDSHAKING --done--> OPEN --close()/peer close_notify/EOF--> FLUSHING
     *   FLUSHING --backlog wrapped--> SHUTDOWN (closeOutbound, close_notify sent)
     *   SHUTDOWN --peer's close_notify or TCP EOF--> UNWRAPPED (tcp.close()) --tcp connectionLost--> CLOSED
     *   any --abort()/fatal error/handshake failure or timeout/shutdown timeout--> UNWRAPPED
     *
     * One pump (pump/pumpOnce) drives the engine by its handshake status after every call, for the
     * handshake, post-handshake messages (TLS 1.3 tickets and KeyUpdate, 1.2 renegotiation), the
     * write backlog and shutdown alike (L6). It is not re-entrant: a call from inside a protocol
     * callback sets `again` and the outer pump goes round once more. Every wrap/unwrap loop ends when
     * a call neither consumes nor produces (L5); records, buffers and those loops are TlsRecords'.
     *
     * Writes: while OPEN and not handshaking, write() wraps straight from the caller's array (no copy);
     * otherwise (handshake, renegotiation, a delegated task running) a copy joins the backlog, wrapped
     * in order by the pump. The application's write buffer size is backlog + the socket transport's
     * queue (L9); the socket transport gets the same watermarks, so its pause/resume events mark the
     * moments to re-evaluate ours, and pause/resume reach the application strictly alternating.
     *
     * Reading (L8): the application's pauseReading stops delivery and pauses the socket's reading
     * (the kernel buffer pushes back on the peer); plaintext already decrypted waits in `pending`.
     * While handshaking or shutting down the socket is always read, whatever the application asked.
     * resumeReading delivers on the next iteration (call_soon, as asyncio), never from inside the
     * caller, which may be another connection's callback.
     *
     * Delegated tasks (L7): run on the loop's default executor, one batch at a time; the pump waits
     * (`taskRunning`) and resumes from the future's done callback on the loop. The handshake timeout
     * also covers a task that never finishes.
     *
     * EOF: TLS has no half-close (asyncio: write_eof raises). The peer's close_notify or a TCP EOF
     * without it (a "ragged" EOF, accepted as asyncio does: much of HTTPS never sends close_notify; L3)
     * reaches the application as eofReceived, whose return value is ignored (asyncio logs a warning
     * for true), and the connection is shut down. After our own close(), inbound application data is
     * discarded (L11).
     */
    private enum State { NEW, HANDSHAKING, OPEN, FLUSHING, SHUTDOWN, UNWRAPPED, CLOSED }

    private static final System.Logger LOG = System.getLogger("org.aio4j.net");
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    // loop thread only
    private final EventLoop loop;
    private final TlsOptions options;
    private final SSLEngine engine;
    private final TlsRecords records;
    private final String serverName;
    private final TlsTransport app;
    private final Future<Void> waiter;
    private BaseProtocol appProtocol;
    private Protocol appPlain;
    private BufferedProtocol appBuffered;
    private Transport tcp;
    private State state = State.NEW;
    private boolean appMade;
    private boolean appLost;
    private boolean appEof;
    private final ArrayDeque<ByteBuffer> backlog = new ArrayDeque<>();
    private long backlogBytes;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private boolean appReadPaused;
    private boolean tcpReadPausedByUs;
    private boolean appWritePaused;
    private boolean resumeScheduled;
    private boolean taskRunning;
    private boolean pumping;
    private boolean again;
    private boolean peerEof;
    private WriteBufferLimits limits = WriteBufferLimits.DEFAULT;
    private TimerHandle handshakeTimer;
    private TimerHandle shutdownTimer;
    private Exception lostWith;
    private int writesAfterClose;
    private double handshakeStart;

    /**
     * @param host            the host connected to (clients: the default server name), or null
     * @param appAlreadyMade  true for startTls: the application protocol had its connectionMade
     * @param waiter          completed once the handshake is done and the application's
     *                        connectionMade ran, or failed with the handshake's error; may be null
     */
    TlsProtocol(EventLoop loop, TlsOptions options, BaseProtocol appProtocol, String host, int port,
                boolean appAlreadyMade, Future<Void> waiter) {
        this.loop = loop;
        this.options = options;
        this.waiter = waiter;
        this.appMade = appAlreadyMade;
        setAppProtocol(appProtocol);
        serverName = options.serverSide() ? null : options.serverHostname() != null ? options.serverHostname() : host;
        this.engine = TlsRecords.newEngine(options, serverName, port);
        this.records = new TlsRecords(loop, engine);
        this.app = new TlsTransport(this);
    }

    /** Pre-fills the ciphertext buffer (startTls: bytes that arrived before the upgrade, L10). */
    void feedInitial(byte[] ciphertext) {
        records.feed(ciphertext);
    }

    TlsTransport appTransport() {
        return app;
    }

    SSLEngine engine() {
        return engine;
    }

    TlsOptions options() {
        return options;
    }

    // ================================================================ the socket transport's callbacks

    @Override
    public void connectionMade(Transport transport) {
        tcp = transport;
        records.attach(transport);
        tcp.setWriteBufferLimits(limits);
        state = State.HANDSHAKING;
        handshakeStart = loop.time();
        if (Double.isFinite(options.handshakeTimeout())) {
            handshakeTimer = loop.callLater(options.handshakeTimeout(), this::handshakeTimedOut);
        }
        try {
            engine.beginHandshake();
        } catch (SSLException e) {
            failHandshake(e);
            return;
        }
        pump();
    }

    @Override
    public ByteBuffer getBuffer(int sizeHint) {
        return records.readBuffer();
    }

    @Override
    public void bufferUpdated(int nbytes) {
        if (state == State.UNWRAPPED || state == State.CLOSED) {
            records.dropInput();
            return;
        }
        pump();
    }

    @Override
    public boolean eofReceived() {
        peerEof = true;
        switch (state) {
            case HANDSHAKING -> {
                failHandshake(new ConnectionResetError("the peer closed the connection during the TLS handshake"
                        + " (it may not speak TLS on this port, or it refused us without an alert)"));
                return false;
            }
            case OPEN -> {
                try {
                    engine.closeInbound(); // a ragged EOF: the JDK complains of truncation (L3); accepted as asyncio does
                } catch (SSLException truncated) {
                    LOG.log(System.Logger.Level.DEBUG, "TLS EOF without close_notify from " + peer());
                }
                if (pending.isEmpty()) {
                    deliverEof();
                    startShutdown();
                } // else: once the application resumed reading and had the data (resumeReading)
            }
            case FLUSHING, SHUTDOWN -> pump();
            default -> {
            }
        }
        return true; // the TLS layer closes the socket itself, once its close_notify is out
    }

    @Override
    public void connectionLost(Exception exc) {
        State was = state;
        state = State.CLOSED;
        cancelTimers();
        backlog.clear();
        backlogBytes = 0;
        pending.clear();
        records.dropInput();
        Exception e = lostWith != null ? lostWith : exc;
        if (was == State.HANDSHAKING || was == State.NEW) {
            completeWaiter(e != null ? e : new ConnectionResetError("the connection to " + peer()
                    + " was closed during the TLS handshake"));
        } else if (waiter != null && !waiter.done()) {
            completeWaiter(e != null ? e : new ConnectionResetError("the connection was closed"));
        }
        if (appMade && !appLost) {
            appLost = true;
            try {
                appProtocol.connectionLost(e);
            } catch (Throwable t) {
                report(t, "protocol.connectionLost() failed");
            }
        }
    }

    @Override
    public void pauseWriting() {
        // the socket's queue went above the watermarks we gave it: ours are above too (L9)
        maybePauseApp();
    }

    @Override
    public void resumeWriting() {
        pump(); // the backlog, if any, can go now
        maybeResumeApp();
    }

    // ================================================================ the pump

    private void pump() {
        if (pumping) {
            again = true;
            return;
        }
        pumping = true;
        try {
            do {
                again = false;
                pumpOnce();
            } while (again && state.compareTo(State.UNWRAPPED) < 0);
        } catch (RuntimeException | Error e) {
            fatal(e, "the TLS layer failed");
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        } finally {
            pumping = false;
        }
    }

    private void pumpOnce() {
        while (state.compareTo(State.UNWRAPPED) < 0 && state != State.NEW && !taskRunning) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            if (hs == HandshakeStatus.NEED_TASK) {
                runTasks();
                return;
            }
            if (hs == HandshakeStatus.NEED_WRAP) {
                if (!wrapOut(EMPTY)) {
                    return;
                }
                continue;
            }
            boolean handshaking = hs == HandshakeStatus.NEED_UNWRAP || hs == HandshakeStatus.NEED_UNWRAP_AGAIN;
            if (state == State.HANDSHAKING && !handshaking) {
                handshakeDone();
                continue;
            }
            if (!handshaking && !backlog.isEmpty() && (state == State.OPEN || state == State.FLUSHING)) {
                if (writeBacklog()) {
                    maybeResumeApp();
                    continue;
                }
            }
            if (state == State.FLUSHING && backlog.isEmpty() && !handshaking) {
                // not in the middle of a renegotiation or KeyUpdate the peer started: it would take a
                // close_notify then as a protocol error ("close_notify during handshake")
                state = State.SHUTDOWN;
                engine.closeOutbound(); // the next round wraps the close_notify
                continue;
            }
            if (state == State.SHUTDOWN && engine.isOutboundDone() && (engine.isInboundDone() || peerEof)) {
                finishShutdown();
                return;
            }
            if (engine.isInboundDone()) {
                records.dropInput(); // nothing can follow the peer's close_notify
                if (state == State.OPEN && pending.isEmpty()) {
                    onPeerCloseNotify(); // it came with the handshake's last records: the end of file now
                    continue;
                }
                return;
            }
            if (!records.hasInput()) {
                return; // wait for the socket
            }
            if (state == State.OPEN && !handshaking && appReadPaused) {
                return; // the ciphertext waits, and so does the peer (L8)
            }
            if (!unwrapIn()) {
                return;
            }
        }
    }

    /** Unwraps what arrived; false when it needs more bytes or failed. */
    private boolean unwrapIn() {
        TlsRecords.Unwrapped u;
        try {
            u = records.unwrap(this::plaintext);
        } catch (SSLException e) {
            onEngineError(e);
            return false;
        }
        if (u == TlsRecords.Unwrapped.CLOSED) {
            onPeerCloseNotify();
            return state.compareTo(State.UNWRAPPED) < 0;
        }
        return u == TlsRecords.Unwrapped.PROGRESS && state.compareTo(State.UNWRAPPED) < 0;
    }

    /** Wraps {@code src} (EMPTY for handshake and close messages) and sends it; false after a failure. */
    private boolean wrapOut(ByteBuffer src) {
        try {
            records.wrap(src);
        } catch (SSLException e) {
            onEngineError(e);
            return false;
        }
        return state.compareTo(State.UNWRAPPED) < 0;
    }

    private boolean writeBacklog() {
        boolean progress = false;
        while (!backlog.isEmpty() && state.compareTo(State.UNWRAPPED) < 0) {
            ByteBuffer b = backlog.peekFirst();
            int before = b.remaining();
            if (!wrapOut(b)) {
                return progress;
            }
            int taken = before - b.remaining();
            backlogBytes -= taken;
            if (taken > 0) {
                progress = true;
            }
            if (b.hasRemaining()) {
                return progress; // the engine wants a handshake message first
            }
            backlog.pollFirst();
        }
        return progress;
    }

    private void runTasks() {
        List<Runnable> tasks = new ArrayList<>(2);
        for (Runnable t; (t = engine.getDelegatedTask()) != null; ) {
            tasks.add(t);
        }
        if (tasks.isEmpty()) {
            return;
        }
        taskRunning = true;
        Future<Object> f;
        try {
            f = loop.runInExecutor(null, () -> {
                for (Runnable t : tasks) {
                    t.run();
                }
                return null;
            });
        } catch (RuntimeException closedLoop) {
            tasks.forEach(Runnable::run); // no executor (the loop is closing): run them here
            taskRunning = false;
            again = true;
            return;
        }
        f.addDoneCallback(done -> {
            taskRunning = false;
            if (state.compareTo(State.UNWRAPPED) < 0) {
                pump(); // an exception the task hit comes out of the engine's next call
            }
        });
    }

    // ================================================================ handshake

    private void handshakeDone() {
        state = State.OPEN;
        records.readSizes();
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        if (loop.isDebug()) {
            LOG.log(System.Logger.Level.DEBUG, this + ": TLS handshake took " + Math.round((loop.time() - handshakeStart) * 1e3) + " ms");
        }
        if (!appMade) {
            appMade = true;
            try {
                appProtocol.connectionMade(app);
            } catch (Throwable t) {
                fatal(t, "protocol.connectionMade() failed");
                completeWaiter(t);
                return;
            }
        }
        completeWaiter(null);
        while (!pending.isEmpty() && !appReadPaused && state == State.OPEN) {
            deliver(pending.pollFirst());
        }
        if (tcpReadPausedByUs && !appReadPaused) {
            tcpReadPausedByUs = false;
            tcp.resumeReading();
        } else if (appReadPaused && !tcpReadPausedByUs && state == State.OPEN) {
            tcpReadPausedByUs = true;
            tcp.pauseReading();
        }
    }

    private void handshakeTimedOut() {
        handshakeTimer = null;
        if (state != State.HANDSHAKING) {
            return;
        }
        SocketTimeoutException e = new SocketTimeoutException("TLS handshake with " + peer() + " did not complete in "
                + options.handshakeTimeout() + " s (TlsOptions.handshakeTimeout): the connection was aborted; check that"
                + " the peer speaks TLS on this port and is not stalled");
        failHandshake(e);
    }

    private void onEngineError(SSLException e) {
        if (state == State.HANDSHAKING || state == State.NEW) {
            failHandshake(e);
        } else {
            fatal(e, "TLS error");
        }
    }

    /** Fails the handshake: the waiter gets the error, the alert (if the engine made one) goes out, the socket closes. */
    private void failHandshake(Exception cause) {
        if (state.compareTo(State.UNWRAPPED) >= 0) {
            return;
        }
        Exception err = cause instanceof SSLException s
                ? TlsErrors.handshakeFailed(s, peer(), options.serverSide(), serverName) : cause;
        state = State.UNWRAPPED;
        lostWith = err;
        cancelTimers();
        completeWaiter(err);
        if (waiter == null) {
            // a server's failed handshake: not the server's fault, so not an error report (asyncio logs it in debug mode)
            LOG.log(System.Logger.Level.DEBUG, err.getMessage(), err);
        }
        if (cause instanceof SSLException) {
            records.sendAlert();
        }
        if (cause instanceof SSLException && tcp.getWriteBufferSize() == 0) {
            tcp.close(); // the alert is out: a clean FIN after it
        } else {
            tcp.abort(); // a timeout, a reset, or an alert the peer is not reading: nothing to wait for
        }
    }

    private void completeWaiter(Throwable err) {
        if (waiter == null || waiter.done()) {
            return;
        }
        if (err == null) {
            waiter.setResult(null);
        } else {
            waiter.setException(err);
        }
    }

    // ================================================================ delivery to the application

    private void plaintext(byte[] data) {
        if (state.compareTo(State.OPEN) > 0) {
            return; // after our close(): discarded quietly (L11)
        }
        if (state != State.OPEN || appReadPaused || !pending.isEmpty()) {
            // paused, or data that came with the handshake's last record, before connectionMade ran
            pending.addLast(data);
            return;
        }
        deliver(data);
    }

    private void deliver(byte[] data) {
        try {
            if (appPlain != null) {
                appPlain.dataReceived(data);
                return;
            }
            int off = 0;
            while (off < data.length && state == State.OPEN) {
                ByteBuffer b = appBuffered.getBuffer(data.length - off);
                if (b == null || !b.hasRemaining()) {
                    throw new IllegalStateException("BufferedProtocol.getBuffer() returned " + (b == null ? "null" : "a full buffer")
                            + ": return one with at least one byte remaining");
                }
                int n = Math.min(b.remaining(), data.length - off);
                b.put(data, off, n);
                off += n;
                appBuffered.bufferUpdated(n);
            }
        } catch (Throwable t) {
            fatal(t, "protocol." + (appPlain != null ? "dataReceived" : "bufferUpdated") + "() failed");
        }
    }

    private void deliverEof() {
        if (!appMade || appEof || appLost) {
            return;
        }
        appEof = true;
        try {
            if (appPlain != null) {
                appPlain.eofReceived(); // true cannot keep a TLS connection half-open (asyncio warns); ignored
            } else {
                appBuffered.eofReceived();
            }
        } catch (Throwable t) {
            fatal(t, "protocol.eofReceived() failed");
        }
    }

    private void onPeerCloseNotify() {
        if (state == State.OPEN && pending.isEmpty()) {
            deliverEof();
            startShutdown();
        } // else paused with data in hand: resumeReading delivers it, then the end of file
        // FLUSHING / SHUTDOWN: the pump sees inbound done and finishes
    }

    // ================================================================ for TlsTransport

    void write(byte[] data, int off, int len) {
        if (state.compareTo(State.OPEN) > 0) {
            if (writesAfterClose++ == 0) {
                LOG.log(System.Logger.Level.WARNING, "write() on a closing or lost TLS connection (" + peer()
                        + "): the data is dropped; connectionLost and drain() report why");
            }
            return;
        }
        if (len == 0) {
            return;
        }
        if (state == State.OPEN && backlog.isEmpty() && !taskRunning
                && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
            ByteBuffer src = ByteBuffer.wrap(data, off, len);
            if (!wrapOut(src)) {
                return;
            }
            if (!src.hasRemaining()) {
                maybePauseApp();
                return;
            }
            off = src.position();
            len = src.remaining();
        }
        backlog.addLast(ByteBuffer.wrap(java.util.Arrays.copyOfRange(data, off, off + len))); // a copy (T4)
        backlogBytes += len;
        pump();
        maybePauseApp();
    }

    void close() {
        if (state == State.NEW || state == State.HANDSHAKING) {
            abort();
            return;
        }
        startShutdown();
    }

    private void startShutdown() {
        if (state != State.OPEN) {
            return;
        }
        state = State.FLUSHING;
        pending.clear(); // not delivered after close (L11)
        if (Double.isFinite(options.shutdownTimeout())) {
            shutdownTimer = loop.callLater(options.shutdownTimeout(), this::shutdownTimedOut);
        }
        if (tcpReadPausedByUs) {
            tcpReadPausedByUs = false;
            tcp.resumeReading(); // shutdown needs the peer's close_notify (L8)
        }
        pump();
    }

    private void shutdownTimedOut() {
        shutdownTimer = null;
        if (state == State.FLUSHING || state == State.SHUTDOWN) {
            lostWith = new org.aio4j.TimeoutError("TLS shutdown with " + peer() + " timed out after "
                    + options.shutdownTimeout() + " s (TlsOptions.shutdownTimeout) waiting for the peer's close_notify:"
                    + " the connection was aborted");
            state = State.UNWRAPPED;
            tcp.abort();
        }
    }

    private void finishShutdown() {
        state = State.UNWRAPPED;
        cancelTimers();
        tcp.close(); // after the close_notify already queued
    }

    void abort() {
        if (state.compareTo(State.UNWRAPPED) >= 0) {
            return;
        }
        state = State.UNWRAPPED;
        cancelTimers();
        if (tcp != null) {
            tcp.abort();
        }
    }

    boolean isClosing() {
        return state.compareTo(State.OPEN) > 0;
    }

    void pauseReading() {
        if (state.compareTo(State.OPEN) > 0 || appReadPaused) {
            return;
        }
        appReadPaused = true;
        if (state == State.OPEN && !tcpReadPausedByUs) {
            tcpReadPausedByUs = true;
            tcp.pauseReading();
        }
    }

    void resumeReading() {
        if (state.compareTo(State.OPEN) > 0 || !appReadPaused) {
            return;
        }
        appReadPaused = false;
        if (resumeScheduled) {
            return;
        }
        resumeScheduled = true;
        loop.callSoon(() -> {
            resumeScheduled = false;
            while (!appReadPaused && state == State.OPEN && !pending.isEmpty()) {
                deliver(pending.pollFirst());
            }
            if (appReadPaused || state != State.OPEN) {
                return;
            }
            if (peerEof || engine.isInboundDone()) {
                deliverEof();
                startShutdown();
                return;
            }
            if (tcpReadPausedByUs) {
                tcpReadPausedByUs = false;
                tcp.resumeReading();
            }
            pump();
        });
    }

    boolean isReading() {
        return state == State.OPEN && !appReadPaused;
    }

    long writeBufferSize() {
        return backlogBytes + (tcp == null ? 0 : tcp.getWriteBufferSize());
    }

    WriteBufferLimits limits() {
        return limits;
    }

    void setLimits(WriteBufferLimits l) {
        limits = l;
        if (tcp != null) {
            tcp.setWriteBufferLimits(l);
        }
        maybePauseApp();
        maybeResumeApp();
    }

    /** startTls: the application was paused for writing on the plain transport, so it is here too (L10). */
    void inheritWritePaused() {
        appWritePaused = true;
    }

    private void maybePauseApp() {
        if (!appWritePaused && appMade && !appLost && writeBufferSize() > limits.high()) {
            appWritePaused = true;
            try {
                appProtocol.pauseWriting();
            } catch (Throwable t) {
                report(t, "protocol.pauseWriting() failed");
            }
        }
    }

    private void maybeResumeApp() {
        if (appWritePaused && appMade && !appLost && state.compareTo(State.UNWRAPPED) < 0 && writeBufferSize() <= limits.low()) {
            appWritePaused = false;
            try {
                appProtocol.resumeWriting();
            } catch (Throwable t) {
                report(t, "protocol.resumeWriting() failed");
            }
        }
    }

    BaseProtocol appProtocol() {
        return appProtocol;
    }

    void setAppProtocol(BaseProtocol p) {
        java.util.Objects.requireNonNull(p, "protocol");
        if (p instanceof BufferedProtocol b) {
            appBuffered = b;
            appPlain = null;
        } else if (p instanceof Protocol s) {
            appPlain = s;
            appBuffered = null;
        } else {
            throw new IllegalArgumentException(p.getClass().getName() + " implements only BaseProtocol:"
                    + " implement Protocol (data as byte arrays) or BufferedProtocol (reads into your buffer)");
        }
        appProtocol = p;
    }

    /** Whether the handshake is done and the session not yet torn down (its details are readable). */
    boolean established() {
        return state == State.OPEN || state == State.FLUSHING || state == State.SHUTDOWN;
    }

    String serverName() {
        return serverName;
    }

    /** The socket transport's extra info. */
    Object socketInfo(String name) {
        return tcp == null ? null : tcp.getExtraInfo(name);
    }

    // ================================================================ errors

    private void fatal(Throwable t, String what) {
        if (!(t instanceof IOException)) {
            report(t, "Fatal error on TLS transport " + app + ": " + what);
        } else if (loop.isDebug()) {
            LOG.log(System.Logger.Level.DEBUG, this + ": " + what, t);
        }
        if (state.compareTo(State.UNWRAPPED) >= 0) {
            return;
        }
        lostWith = t instanceof Exception e ? e : new RuntimeException(t);
        state = State.UNWRAPPED;
        cancelTimers();
        if (tcp != null) {
            tcp.abort();
        }
    }

    private void report(Throwable t, String message) {
        loop.callExceptionHandler(ExceptionContext.of(message, t));
    }

    private void cancelTimers() {
        if (handshakeTimer != null) {
            handshakeTimer.cancel();
            handshakeTimer = null;
        }
        if (shutdownTimer != null) {
            shutdownTimer.cancel();
            shutdownTimer = null;
        }
    }

    String peer() {
        Object p = tcp == null ? null : tcp.getExtraInfo("peername");
        if (p instanceof InetSocketAddress a) {
            return Net.show(a);
        }
        return p instanceof SocketAddress s ? s.toString() : "the peer";
    }

    String describe() {
        return state.name().toLowerCase(java.util.Locale.ROOT) + " " + (options.serverSide() ? "server" : "client")
                + " side, peer " + peer() + (backlogBytes > 0 ? ", " + backlogBytes + " bytes not yet encrypted" : "");
    }

    @Override
    public String toString() {
        return "TlsProtocol[" + describe() + "]";
    }
}
