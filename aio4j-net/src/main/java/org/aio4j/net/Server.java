package org.aio4j.net;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;

/**
 * A listening server (asyncio's {@code Server}): one or more listening sockets, each accepted
 * connection given a new protocol from the factory and a transport. Made by
 * {@link Net#createServer}, {@link Net#createUnixServer}, {@link Streams#startServer} and
 * {@link Streams#startUnixServer}.
 *
 * <h2>Lifecycle</h2>
 * Created (listening, not accepting; only with {@code startServing = false}) → serving
 * ({@link #startServing}, {@link #serveForever}) → closed ({@link #close}). Closing stops accepting
 * and closes the listening sockets; connections already accepted go on until they end, or until
 * {@link #closeClients} / {@link #abortClients}. {@link #waitClosed} waits for both. The safe shutdown
 * is {@code close(); closeClients(); waitClosed()} (bounded by a timeout if a client may not finish).
 *
 * <h2>Faults</h2>
 * A server survives its clients: a failing protocol factory or a failing handler is reported to the
 * loop's exception handler and ends only that connection. When the process runs out of file
 * descriptors, accepting pauses for a second (the pending connections stay in the listen queue) and
 * the condition is reported once; the listening sockets stay open. Any other {@code accept()} error
 * that persists ({@value #MAX_ACCEPT_FAILURES} in a row with no connection accepted in between) pauses
 * accepting for a second as well, and is reported once; a client that gave up before it was accepted
 * is skipped silently.
 *
 * <h2>Threads</h2>
 * The loop thread of the loop that made it; {@link #close} and the other non-waiting methods also
 * from its callbacks.
 */
public final class Server implements AutoCloseable {
    /*
     * Lifecycle: LISTENING --startServing--> SERVING --close--> CLOSED; LISTENING --close--> CLOSED.
     *
     * Accept: at most `backlog` accepts per readable event, so one busy listener
     * cannot starve the loop. EMFILE/ENFILE: the pending connection stays queued and the listener
     * stays readable, so accepting again at once would spin; instead the readers come off for
     * ACCEPT_RETRY_DELAY (asyncio's 1 s) and the listener is kept.
     *
     * Other accept() errors: ECONNABORTED (the client reset before we accepted) removes its entry
     * from the queue, so skipping it cannot spin. An error that does not (EPERM from a firewall hook,
     * EPROTO, a broken socket layer) leaves the listener readable, and skipping it would retry on
     * every wakeup for ever. asyncio re-raises those to the loop's handler on every attempt (a log
     * flood at full CPU); here they are counted across wakeups, and MAX_ACCEPT_FAILURES in a row (a
     * successful or empty accept resets the count) take the same pause as exhaustion, reported once
     * per server so a persistent condition does not flood the log.
     *
     * Group hand-off (GroupServer.Accept.HAND_OFF): an acceptor Server has a Dispatcher that sends
     * what it accepts to other loops' Servers through offer(), a queue under its own monitor (the
     * only state here touched by other threads) drained on the receiving loop's thread, where the
     * channel is registered with that loop's selector. close() refuses later offers and closes what
     * is queued, so a handed-over channel is either served or closed, never left between loops.
     *
     * waitClosed() completes only on a later loop iteration than the close of the last socket:
     * the selector releases a closed channel's descriptor in its next select, which runs before that
     * iteration's callbacks (V3), so the port can be bound again when waitClosed() returns.
     */
    private enum State { LISTENING, SERVING, CLOSED }

    private static final double ACCEPT_RETRY_DELAY = 1.0;
    /** Consecutive accept() failures (other than exhaustion or a client that gave up) that pause accepting. */
    static final int MAX_ACCEPT_FAILURES = 16;

    // loop thread only
    private final EventLoop loop;
    private final List<ServerSocketChannel> listeners;
    private final Supplier<? extends BaseProtocol> factory;
    private final int backlog;
    private final UnixPaths.Bound unixPath;
    /** The bound addresses, as shown by toString (also after close, when the sockets no longer say). */
    private final List<String> addresses;
    private final Set<SocketTransport> clients = new LinkedHashSet<>();
    private final List<Future<Void>> closedWaiters = new ArrayList<>();
    private State state = State.LISTENING;
    private boolean acceptPaused;
    private boolean reportedExhaustion;
    private boolean reportedAcceptFailure;
    private int acceptFailures;
    /** accept(): a seam for tests to inject a failure the kernel cannot be made to produce on loopback. */
    Acceptor acceptor = ServerSocketChannel::accept;
    private Future<Void> servingForever;
    /** Whether the descriptors of the closed listeners were released (see the implementation note). */
    private boolean released;
    private boolean wakeScheduled;
    /** Where accepted connections go instead of this loop (a group's hand-off acceptor), or null. */
    Dispatcher dispatcher;

    // any thread (guarded by handedOff's monitor): connections another loop's acceptor handed over
    private final java.util.ArrayDeque<SocketChannel> handedOff = new java.util.ArrayDeque<>();
    private boolean handOffClosed;

    Server(EventLoop loop, List<ServerSocketChannel> listeners, Supplier<? extends BaseProtocol> factory,
           int backlog, UnixPaths.Bound unixPath) {
        this.loop = loop;
        this.listeners = List.copyOf(listeners);
        this.factory = factory;
        this.backlog = backlog;
        this.unixPath = unixPath;
        List<String> names = new ArrayList<>();
        for (ServerSocketChannel l : this.listeners) {
            try {
                java.net.SocketAddress a = l.getLocalAddress();
                names.add(a instanceof java.net.InetSocketAddress ia ? Net.show(ia) : String.valueOf(a));
            } catch (IOException | RuntimeException e) {
                names.add("unbound");
            }
        }
        this.addresses = List.copyOf(names);
    }

    /** Where a group's acceptor sends what it accepted (loop thread of the acceptor). */
    @FunctionalInterface
    interface Dispatcher {
        void dispatch(Server acceptor, SocketChannel accepted);
    }

    /** How a listener accepts; {@link ServerSocketChannel#accept} but for fault-injection tests. */
    @FunctionalInterface
    interface Acceptor {
        SocketChannel accept(ServerSocketChannel listener) throws IOException;
    }

    /** The loop this server runs on. */
    public EventLoop getLoop() {
        return loop;
    }

    /** Starts accepting connections; does nothing if it already does. @throws IllegalStateException if closed */
    public void startServing() {
        if (state == State.CLOSED) {
            throw new IllegalStateException("startServing() on a closed server: make a new one");
        }
        if (state == State.SERVING) {
            return;
        }
        state = State.SERVING;
        addReaders();
    }

    /** Whether it is accepting connections. */
    public boolean isServing() {
        return state == State.SERVING;
    }

    /**
     * Starts serving and waits until the calling task is cancelled; then closes the server, waits
     * for it to close ({@link #waitClosed}) and rethrows the cancellation.
     *
     * @throws IllegalStateException if the server is closed, or another task is in serveForever
     */
    public void serveForever() {
        if (servingForever != null) {
            throw new IllegalStateException("serveForever() is already running on " + this + " in another task");
        }
        if (state == State.CLOSED) {
            throw new IllegalStateException("serveForever() on a closed server: make a new one");
        }
        startServing();
        servingForever = loop.createFuture();
        try {
            Aio.await(servingForever);
        } catch (CancelledError e) {
            try {
                close();
                waitClosed();
            } finally {
                servingForever = null;
            }
            throw e;
        }
    }

    /** The listening sockets; empty once closed. */
    public List<ServerSocketChannel> sockets() {
        return state == State.CLOSED ? List.of() : listeners;
    }

    /**
     * Stops accepting and closes the listening sockets (a Unix socket's file is removed if this
     * server made it). Connections already accepted stay open. Idempotent; never suspends.
     */
    @Override
    public void close() {
        if (state == State.CLOSED) {
            return;
        }
        boolean wasServing = state == State.SERVING;
        state = State.CLOSED;
        for (ServerSocketChannel l : listeners) {
            if (wasServing && !acceptPaused) {
                loop.removeReader(l);
            }
            try {
                l.close();
            } catch (IOException e) {
                report("closing listening socket " + l + " failed", e);
            }
        }
        if (unixPath != null) {
            unixPath.unlinkIfOurs();
        }
        List<SocketChannel> dropped;
        synchronized (handedOff) {
            handOffClosed = true;
            dropped = List.copyOf(handedOff);
            handedOff.clear();
        }
        dropped.forEach(Server::closeQuietly); // handed over but not yet served: closed like a listen queue
        if (servingForever != null && !servingForever.done()) {
            servingForever.cancel();
        }
        maybeWakeClosedWaiters();
    }

    /** Closes every accepted connection gracefully (queued bytes are sent first): asyncio 3.13's {@code close_clients}. */
    public void closeClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            if (t.getProtocol() instanceof TlsProtocol tls) {
                tls.close(); // a close_notify first (bounded by the shutdown timeout), then the socket
            } else {
                t.close();
            }
        }
    }

    /** Aborts every accepted connection: asyncio 3.13's {@code abort_clients}. */
    public void abortClients() {
        for (SocketTransport t : List.copyOf(clients)) {
            t.abort();
        }
    }

    /** The number of accepted connections not yet closed. */
    public int activeConnections() {
        return clients.size();
    }

    /**
     * Waits until the server is closed and every accepted connection has ended (asyncio 3.12+). Returns
     * at once if that is so already.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public void waitClosed() {
        if (state == State.CLOSED && clients.isEmpty() && released) {
            return;
        }
        Future<Void> f = loop.createFuture();
        closedWaiters.add(f);
        maybeWakeClosedWaiters();
        try {
            Aio.await(f);
        } finally {
            closedWaiters.remove(f);
        }
    }

    private void maybeWakeClosedWaiters() {
        if (state != State.CLOSED || !clients.isEmpty() || wakeScheduled) {
            return;
        }
        wakeScheduled = true;
        loop.callSoon(() -> {
            wakeScheduled = false;
            if (!clients.isEmpty()) {
                return;
            }
            released = true;
            for (Future<Void> f : List.copyOf(closedWaiters)) {
                if (!f.done()) {
                    f.setResult(null);
                }
            }
        });
    }

    // ================================================================ accepting

    private void addReaders() {
        for (ServerSocketChannel l : listeners) {
            loop.addReader(l, () -> acceptReady(l));
        }
    }

    private void acceptReady(ServerSocketChannel listener) {
        for (int i = 0; i < backlog && state == State.SERVING && !acceptPaused; i++) {
            SocketChannel c;
            try {
                c = acceptor.accept(listener);
            } catch (IOException e) {
                if (isExhaustion(e)) {
                    pauseAccepting(e);
                    return;
                }
                if (isAborted(e)) {
                    continue; // the client gave up before we accepted (ECONNABORTED): its entry is gone, skip it
                }
                if (++acceptFailures >= MAX_ACCEPT_FAILURES) {
                    pauseAfterFailures(e);
                    return;
                }
                continue;
            }
            acceptFailures = 0;
            if (c == null) {
                return;
            }
            if (dispatcher != null) {
                dispatcher.dispatch(this, c);
            } else {
                accepted(c);
            }
        }
    }

    /**
     * Takes a connection accepted on another loop's thread (a group's hand-off acceptor), to be
     * served on this server's loop; any thread. The channel is registered with this loop's selector
     * by this loop's thread. Returns false (and leaves the channel to the caller) once this server
     * is closed.
     */
    boolean offer(SocketChannel c) {
        boolean first;
        synchronized (handedOff) {
            if (handOffClosed) {
                return false;
            }
            first = handedOff.isEmpty();
            handedOff.add(c);
        }
        if (first) {
            try {
                loop.callSoonThreadsafe(this::takeHandedOff);
            } catch (IllegalStateException closedLoop) {
                // the loop is closing: close() (run by its shutdown) closes what is queued
            }
        }
        return true;
    }

    private void takeHandedOff() {
        while (true) {
            SocketChannel c;
            synchronized (handedOff) {
                c = handedOff.poll();
            }
            if (c == null) {
                return;
            }
            accepted(c);
        }
    }

    /** Serves {@code c}, accepted by this server's own listener or handed over (loop thread). */
    void accepted(SocketChannel c) {
        BaseProtocol p;
        try {
            c.configureBlocking(false);
            p = factory.get();
            if (p == null) {
                throw new NullPointerException("the protocol factory returned null: return a new protocol per connection");
            }
        } catch (Throwable t) {
            report("the protocol factory of " + this + " failed; the connection was closed", t);
            closeQuietly(c);
            if (t instanceof VirtualMachineError err) {
                throw err;
            }
            return;
        }
        SocketTransport t;
        try {
            t = new SocketTransport(loop, c, p, this);
        } catch (IllegalArgumentException bad) {
            report("the protocol factory of " + this + " made an unusable protocol; the connection was closed", bad);
            closeQuietly(c);
            return;
        }
        t.start(null);
    }

    private static boolean isExhaustion(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Too many open files") || m.contains("No buffer space") || m.contains("Cannot allocate memory")
                || m.contains("file table overflow");
    }

    private static boolean isAborted(IOException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("Software caused connection abort") || m.contains("Connection aborted");
    }

    private void pauseAccepting(IOException cause) {
        if (!reportedExhaustion) {
            reportedExhaustion = true;
            report("accept() on " + this + " failed (" + cause.getMessage() + "): not accepting for "
                    + ACCEPT_RETRY_DELAY + " s; pending connections stay queued (raise the descriptor limit,"
                    + " ulimit -n, or serve fewer clients)", cause);
        }
        pauseFor(ACCEPT_RETRY_DELAY);
    }

    private void pauseAfterFailures(IOException cause) {
        acceptFailures = 0;
        if (!reportedAcceptFailure) {
            reportedAcceptFailure = true;
            report("accept() on " + this + " failed " + MAX_ACCEPT_FAILURES + " times in a row (last: "
                    + cause.getMessage() + "): not accepting for " + ACCEPT_RETRY_DELAY + " s, then retrying;"
                    + " reported once, later pauses are silent (check the host's firewall and socket limits)", cause);
        }
        pauseFor(ACCEPT_RETRY_DELAY);
    }

    private void pauseFor(double seconds) {
        acceptPaused = true;
        for (ServerSocketChannel l : listeners) {
            loop.removeReader(l);
        }
        loop.callLater(seconds, () -> {
            acceptPaused = false;
            if (state == State.SERVING) {
                addReaders();
            }
        });
    }

    // ================================================================ connections

    void attach(SocketTransport t) {
        clients.add(t);
    }

    void detach(SocketTransport t) {
        clients.remove(t);
        maybeWakeClosedWaiters();
    }

    private void report(String message, Throwable t) {
        loop.callExceptionHandler(ExceptionContext.of(message, t));
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // nothing more to do for a connection we are dropping
        }
    }

    @Override
    public String toString() {
        return "Server" + addresses + "[" + state.name().toLowerCase(java.util.Locale.ROOT) + ", " + clients.size() + " connections]";
    }
}
