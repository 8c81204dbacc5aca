package org.aio4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.LoopGroup;
import org.aio4j.lowlevel.Lowlevel;

/**
 * A server that accepts on every loop of a {@link LoopGroup}: one {@link Server} per loop, each
 * serving its connections on its own loop, so a connection's protocol callbacks (or its stream
 * handler task) always run on one loop thread. Made by
 * {@link Net#createServer(LoopGroup, Supplier, String, int, ServerOptions, Accept)} and
 * {@link Streams#startServer(LoopGroup, ClientConnected, String, int, int, ServerOptions, Accept)}.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.create()) {
 *     GroupServer server = Net.createServer(group, Echo::new, "0.0.0.0", 8888);
 *     server.waitClosed();          // a plain thread blocks; a coroutine awaits
 * }
 * }</pre>
 *
 * <h2>How connections reach the loops</h2>
 * <ul>
 *   <li>{@link Accept#SHARED_PORT}: every loop has its own listening socket bound to the same port
 *       with {@code SO_REUSEPORT} (Linux, the BSDs); the kernel spreads new connections over them
 *       (on Linux by a hash of the addresses, so the split is even only over many connections).
 *       Note that {@code SO_REUSEPORT} also lets another process of the same user bind the port.</li>
 *   <li>{@link Accept#HAND_OFF}: loop 0 accepts and hands each connection to the next loop, round
 *       robin (itself included); the receiving loop registers it with its own selector. Works
 *       everywhere; loop 0 does all the accepting.</li>
 *   <li>{@link Accept#AUTO} (the default): {@code SHARED_PORT} where the platform supports
 *       {@code SO_REUSEPORT}, else {@code HAND_OFF}.</li>
 * </ul>
 *
 * <h2>Lifecycle</h2>
 * As {@link Server}, across the loops: serving (or listening, with {@code startServing = false},
 * until {@link #startServing}) → closed. {@link #close} stops accepting on every loop and leaves
 * accepted connections running; {@link #closeClients} and {@link #abortClients} end them;
 * {@link #waitClosed} returns once every loop's server is closed and its connections are gone.
 * Closing the group ({@link LoopGroup#close}) also closes every loop's server and aborts its
 * connections, so no descriptor outlives the group. If a loop stops after an error, its server
 * is closed and its connections aborted; in {@code HAND_OFF} mode the other loops' servers stop
 * receiving connections if loop 0 stopped, and a stopped loop other than 0 is skipped.
 *
 * <h2>Threads</h2>
 * Any thread, unlike {@link Server}: the non-waiting methods hand their work to each loop
 * ({@code callSoonThreadsafe}); {@link #waitClosed} awaits inside a coroutine (of any loop) and
 * blocks a thread that runs no loop. {@link #server(int)} gives a loop's own {@link Server}, which
 * belongs to that loop's thread.
 */
public final class GroupServer implements AutoCloseable {
    /*
     * Implementation notes. Each loop's Server lives inside a "keeper" task on its loop: the task
     * makes the server, hands it out through a CompletableFuture, then awaits server.waitClosed().
     * When the loop shuts down (LoopGroup.close, or the loop stopping after an error) its Runner
     * cancels the keeper, which closes the server, aborts its clients and waits for them before it
     * ends, so the listening socket and every connection are released before the loop closes (the
     * selector's cancelled keys flushed: Server.waitClosed completes an iteration after the last close).
     *
     * Hand-off: the acceptor's Server gets a Dispatcher that sends each accepted channel to the next
     * loop's Server.offer, a queue guarded by its monitor plus one callSoonThreadsafe per batch; the
     * receiving loop takes the queue and registers the channels on its own thread (a selector
     * registration made from another thread would race the receiving loop's select). A Server that
     * is closed refuses offers (the acceptor then serves the connection itself) and closes what was
     * queued, so a channel is never left open between two loops.
     *
     * SHARED_PORT with port 0: loop 0 binds first and picks the port, the others bind that port.
     */

    /** How the group's loops get connections; see the class documentation. */
    public enum Accept {
        /** {@code SHARED_PORT} if the platform supports {@code SO_REUSEPORT}, else {@code HAND_OFF}. */
        AUTO,
        /** One listening socket per loop on the same port ({@code SO_REUSEPORT}); the kernel spreads connections. */
        SHARED_PORT,
        /** Loop 0 accepts and hands the connections to the loops round robin. */
        HAND_OFF
    }

    /** SERVING (or listening) --close()--> CLOSED. */
    private enum State { OPEN, CLOSED }

    /** Makes one loop's server, on that loop, inside a coroutine. */
    @FunctionalInterface
    private interface Maker {
        Server make(EventLoop loop) throws IOException;
    }

    private static volatile Boolean reusePortSupported;

    // any thread
    private final LoopGroup group;
    private final List<Server> servers;
    private final List<CompletableFuture<Void>> keepers;
    private final boolean sharedPort;
    private final List<InetSocketAddress> addresses;
    private final AtomicReference<State> state = new AtomicReference<>(State.OPEN);

    private GroupServer(LoopGroup group, List<Server> servers, List<CompletableFuture<Void>> keepers, boolean sharedPort,
                        List<InetSocketAddress> addresses) {
        this.group = group;
        this.servers = List.copyOf(servers);
        this.keepers = List.copyOf(keepers);
        this.sharedPort = sharedPort;
        this.addresses = List.copyOf(addresses);
    }

    /** Whether this platform lets several sockets listen on one port ({@code SO_REUSEPORT}). */
    public static boolean reusePortSupported() {
        Boolean known = reusePortSupported;
        if (known == null) {
            try (ServerSocketChannel probe = ServerSocketChannel.open()) {
                known = probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
            } catch (IOException e) {
                known = false;
            }
            reusePortSupported = known;
        }
        return known;
    }

    // ================================================================ starting

    static GroupServer start(LoopGroup group, Function<EventLoop, Supplier<? extends BaseProtocol>> factories,
                             String host, int port, ServerOptions options, Accept accept) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(accept, "accept: pass GroupServer.Accept.AUTO to let the platform decide");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in 0..65535, got " + port);
        }
        checkCanWait("createServer");
        boolean shared = switch (accept) {
            case AUTO -> reusePortSupported();
            case HAND_OFF -> false;
            case SHARED_PORT -> {
                if (!reusePortSupported()) {
                    throw new UnsupportedOperationException("GroupServer.Accept.SHARED_PORT needs SO_REUSEPORT, which this"
                            + " platform does not support; use Accept.HAND_OFF (or AUTO)");
                }
                yield true;
            }
        };
        int n = group.size();
        List<Server> servers = new ArrayList<>();
        List<CompletableFuture<Void>> keepers = new ArrayList<>();
        try {
            if (shared) {
                ServerOptions each = n > 1 ? options.withReusePort(true) : options;
                Server first = startOn(group, 0, loop -> Net.createServer(factories.apply(loop), host, port, each), keepers);
                servers.add(first);
                int chosen = port != 0 ? port : localPort(first);
                List<CompletableFuture<Server>> rest = new ArrayList<>();
                for (int i = 1; i < n; i++) {
                    rest.add(startAsync(group, i, loop -> Net.createServer(factories.apply(loop), host, chosen, each), keepers));
                }
                for (CompletableFuture<Server> f : rest) {
                    servers.add(join(f));
                }
            } else {
                List<CompletableFuture<Server>> receivers = new ArrayList<>();
                for (int i = 1; i < n; i++) {
                    receivers.add(startAsync(group, i, loop -> {
                        Server s = new Server(loop, List.of(), Net.withTls(loop, factories.apply(loop), options.tls()),
                                options.backlog(), null);
                        s.startServing(); // no listener: it serves only what the acceptor hands over
                        return s;
                    }, keepers));
                }
                List<Server> targets = new ArrayList<>();
                for (CompletableFuture<Server> f : receivers) {
                    targets.add(join(f));
                }
                Server acceptor = startOn(group, 0, loop -> {
                    Server s = new Server(loop, Net.listen(host, port, options),
                            Net.withTls(loop, factories.apply(loop), options.tls()), options.backlog(), null);
                    s.dispatcher = roundRobin(targets);
                    if (options.startServing()) {
                        s.startServing();
                    }
                    return s;
                }, keepers);
                servers.add(acceptor);
                servers.addAll(targets);
            }
        } catch (Throwable t) {
            for (CompletableFuture<Void> k : keepers) {
                k.cancel(false); // each keeper closes its server and aborts its clients
            }
            for (CompletableFuture<Void> k : keepers) {
                settle(k);
            }
            throw t;
        }
        List<InetSocketAddress> bound = new ArrayList<>();
        for (ServerSocketChannel l : servers.getFirst().sockets()) {
            try {
                bound.add((InetSocketAddress) l.getLocalAddress());
            } catch (IOException e) {
                // closed meanwhile: left out
            }
        }
        return new GroupServer(group, servers, keepers, shared, bound);
    }

    /** The acceptor's dispatcher: the next loop in turn (the acceptor's own loop first). */
    private static Server.Dispatcher roundRobin(List<Server> others) {
        int[] next = {0};
        return (acceptor, c) -> {
            int n = others.size() + 1;
            for (int tries = 0; tries < n; tries++) {
                int k = next[0];
                next[0] = (k + 1) % n;
                if (k == 0) {
                    break;
                }
                if (others.get(k - 1).offer(c)) {
                    return;
                }
                // that loop's server is closed (its loop stopped, say): try the next one
            }
            acceptor.accepted(c);
        };
    }

    private static Server startOn(LoopGroup group, int index, Maker maker, List<CompletableFuture<Void>> keepers)
            throws IOException {
        return join(startAsync(group, index, maker, keepers));
    }

    private static CompletableFuture<Server> startAsync(LoopGroup group, int index, Maker maker,
                                                        List<CompletableFuture<Void>> keepers) {
        CompletableFuture<Server> ready = new CompletableFuture<>();
        keepers.add(group.submitTo(index, Aio.async("group-server-" + index, () -> keep(maker, ready))));
        return ready;
    }

    /** The keeper task of one loop: makes the server, then holds it until it closes or the loop shuts down. */
    private static void keep(Maker maker, CompletableFuture<Server> ready) {
        Server s;
        try {
            s = maker.make(Lowlevel.currentLoop().orElseThrow());
        } catch (Throwable t) {
            ready.completeExceptionally(t);
            return;
        }
        ready.complete(s);
        try {
            s.waitClosed();
        } catch (CancelledError e) {
            s.close();
            s.abortClients();
            s.waitClosed();
            throw e;
        } finally {
            s.close();
        }
    }

    private static int localPort(Server s) throws IOException {
        return ((InetSocketAddress) s.sockets().getFirst().getLocalAddress()).getPort();
    }

    // ================================================================ the server

    /** The group whose loops serve. */
    public LoopGroup group() {
        return group;
    }

    /** Whether every loop listens on the port itself ({@code SHARED_PORT}) rather than loop 0 handing off. */
    public boolean sharesPort() {
        return sharedPort;
    }

    /** The bound addresses (of loop 0's listening sockets: every loop's are the same in {@code SHARED_PORT}). */
    public List<InetSocketAddress> addresses() {
        return addresses;
    }

    /** The bound port (of the first address). */
    public int port() {
        return addresses.isEmpty() ? -1 : addresses.getFirst().getPort();
    }

    /**
     * The server of loop {@code index}; it belongs to that loop's thread (call it from a task there).
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < group().size()}
     */
    public Server server(int index) {
        return servers.get(index);
    }

    /** Starts accepting on every loop (with {@code startServing = false}); does nothing if it already does. */
    public void startServing() {
        if (state.get() == State.CLOSED) {
            throw new IllegalStateException("startServing() on a closed GroupServer: make a new one");
        }
        onEveryLoop(Server::startServing);
    }

    /**
     * Starts serving and waits until the calling task is cancelled; then closes the server on every
     * loop, waits for it to close ({@link #waitClosed}) and rethrows the cancellation.
     *
     * @throws IllegalStateException outside a coroutine, or if the server is closed
     */
    public void serveForever() {
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("serveForever() must be called inside a coroutine; from a plain thread,"
                    + " call waitClosed(), which blocks until the server is closed");
        }
        startServing();
        try {
            Aio.await(Lowlevel.currentLoop().orElseThrow().createFuture());
        } catch (CancelledError e) {
            close();
            waitClosed();
            throw e;
        }
    }

    /** Stops accepting on every loop and closes the listening sockets; connections stay open. Idempotent, never waits. */
    @Override
    public void close() {
        if (state.getAndSet(State.CLOSED) == State.CLOSED) {
            return;
        }
        onEveryLoop(Server::close);
    }

    /** Closes every accepted connection on every loop, gracefully ({@link Server#closeClients}). Never waits. */
    public void closeClients() {
        onEveryLoop(Server::closeClients);
    }

    /** Aborts every accepted connection on every loop ({@link Server#abortClients}). Never waits. */
    public void abortClients() {
        onEveryLoop(Server::abortClients);
    }

    /**
     * Waits until every loop's server is closed and its connections have ended: awaits inside a
     * coroutine, blocks a thread that runs no loop. Returns at once if that is so already.
     *
     * @throws IllegalStateException on a loop thread outside a coroutine (a callback cannot wait)
     */
    public void waitClosed() {
        checkCanWait("waitClosed");
        List<CompletableFuture<Void>> settled = new ArrayList<>();
        for (CompletableFuture<Void> k : keepers) {
            settled.add(k.handle((v, e) -> null));
        }
        CompletableFuture<Void> all = CompletableFuture.allOf(settled.toArray(CompletableFuture[]::new));
        try {
            join(all);
        } catch (IOException e) {
            throw new IllegalStateException(e); // cannot happen: the settled futures never fail
        }
    }

    private void onEveryLoop(java.util.function.Consumer<Server> action) {
        for (Server s : servers) {
            EventLoop loop = s.getLoop();
            try {
                loop.callSoonThreadsafe(() -> action.accept(s));
            } catch (IllegalStateException closedLoop) {
                // the loop has shut down, and its server with it
            }
        }
    }

    // ================================================================ waiting, anywhere

    private static void checkCanWait(String what) {
        if (Lowlevel.currentTask().isEmpty() && EventLoop.current().isPresent()) {
            throw new IllegalStateException("GroupServer." + what + "() waits, and was called in a callback of "
                    + EventLoop.current().get() + ": call it inside a coroutine (it awaits there) or from a thread"
                    + " that runs no loop (it blocks there)");
        }
    }

    /** Awaits {@code f} in a coroutine, else blocks; its failure rethrown unwrapped. */
    private static <T> T join(CompletableFuture<T> f) throws IOException {
        if (Lowlevel.currentTask().isPresent()) {
            return Aio.await(f);
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw GroupServer.<RuntimeException>raise(e.getCause());
        } catch (CancellationException e) {
            throw new CancelledError("a GroupServer start or close was cancelled");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the group's loops", e);
        }
    }

    private static void settle(CompletableFuture<?> f) {
        try {
            if (Lowlevel.currentTask().isPresent()) {
                Aio.await(f.handle((v, e) -> null));
            } else {
                f.handle((v, e) -> null).join();
            }
        } catch (CompletionException | CancellationException ignored) {
            // settled either way
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public String toString() {
        return "GroupServer" + addresses + "[" + (sharedPort ? "shared port" : "hand-off") + ", " + servers.size()
                + " loops, " + state.get().name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
