package org.aio4j.net;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.LoopGroup;
import org.aio4j.lowlevel.Lowlevel;

/**
 * Transports and protocols on the running loop: asyncio's {@code loop.create_connection},
 * {@code loop.create_server}, their Unix variants, {@code loop.connect_accepted_socket},
 * {@code getaddrinfo} and {@code getnameinfo}. For reader/writer streams see {@link Streams}; for
 * coroutines on raw non-blocking channels, {@link Sockets}.
 *
 * <pre>{@code
 * Server server = Net.createServer(Echo::new, "127.0.0.1", 8888);
 * server.serveForever();
 * }</pre>
 *
 * <h2>Contract</h2>
 * Every method here runs inside a coroutine on the loop (it may suspend: name resolution runs on a
 * thread of the loop's default executor, connecting waits for the socket) and is a cancellation
 * point; a cancelled call closes every socket it opened. Failures are {@link IOException}s whose
 * message names the address: {@link ConnectException} for a refused connection,
 * {@link BindException} for an address in use, {@link java.net.UnknownHostException} for a name
 * that does not resolve.
 */
public final class Net {
    private Net() {
    }

    // ================================================================ connecting

    /** {@link #createConnection(Supplier, String, int, ConnectOptions)} with {@link ConnectOptions#DEFAULT}. */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port)
            throws IOException {
        return createConnection(protocolFactory, host, port, ConnectOptions.DEFAULT);
    }

    /**
     * Connects to {@code host:port} over TCP, trying each address the host resolves to in turn until
     * one accepts, then makes the protocol and returns once its {@code connectionMade} ran.
     *
     * @throws ConnectException           if every address refused (the others' errors are suppressed on it)
     * @throws java.net.UnknownHostException if the host does not resolve
     * @throws org.aio4j.TimeoutError     if {@code options.connectTimeout()} passed first
     * @throws IllegalArgumentException   for a port outside 1..65535
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
                                                                          ConnectOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = loopOf("createConnection");
        checkPort(port, false);
        SocketChannel ch = Aio.timeout(options.connectTimeout(), () -> connectTcp(host, port, options.localAddr()));
        if (options.tls() != null) {
            return attachTls(loop, ch, protocolFactory, options.tls(), host, port);
        }
        return attach(loop, ch, protocolFactory);
    }

    /**
     * Connects to {@code host:port} and does a TLS handshake with {@code tls} (asyncio's
     * {@code create_connection(..., ssl=context, server_hostname=...)}); shorthand for
     * {@link #createConnection(Supplier, String, int, ConnectOptions)} with
     * {@code ConnectOptions.DEFAULT.withTls(tls)}. The protocol's {@code connectionMade} runs once the
     * handshake is done, and the returned transport speaks TLS (see {@link TlsOptions} for
     * verification, and the extra info {@code "peercert"}, {@code "cipher"}, {@code "ssl_object"}).
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake failed; its message names the server,
     *                                             the reason (untrusted or expired certificate, wrong
     *                                             name, no protocol in common) and what to check
     * @throws java.net.SocketTimeoutException     if the handshake took longer than {@code tls.handshakeTimeout()}
     * @throws ConnectionResetError                if the server closed the connection during the handshake
     */
    public static <P extends BaseProtocol> Connection<P> createConnection(Supplier<P> protocolFactory, String host, int port,
                                                                          TlsOptions tls) throws IOException {
        Objects.requireNonNull(tls, "tls");
        return createConnection(protocolFactory, host, port, ConnectOptions.DEFAULT.withTls(tls));
    }

    private static <P extends BaseProtocol> Connection<P> attachTls(EventLoop loop, SocketChannel ch, Supplier<P> factory,
                                                                    TlsOptions tls, String host, int port) {
        P protocol;
        SocketTransport transport;
        TlsProtocol layer;
        Future<Void> handshake = loop.createFuture();
        try {
            protocol = factory.get();
            if (protocol == null) {
                throw new NullPointerException("the protocol factory returned null: return a new protocol");
            }
            layer = new TlsProtocol(loop, tls, protocol, host, port, false, handshake);
            transport = new SocketTransport(loop, ch, layer, null);
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
        Future<Void> made = loop.createFuture();
        transport.start(made);
        try {
            Aio.await(made);
            Aio.await(handshake);
        } catch (Throwable t) {
            layer.abort();
            transport.abort();
            throw t;
        }
        return new Connection<>(layer.appTransport(), protocol);
    }

    // ================================================================ TLS upgrade

    /**
     * Upgrades an open connection to TLS (asyncio's {@code loop.start_tls}): the TLS layer is put
     * between {@code transport} and {@code protocol}, the handshake starts at once, and once it is
     * done the returned transport carries the protocol's data encrypted. {@code protocol} gets no new
     * {@code connectionMade} (it had one), and from now on receives its callbacks from the TLS layer;
     * do not use {@code transport} itself any more. Bytes queued on {@code transport} before the call
     * are sent before the handshake, in order.
     *
     * <p>The caller must make sure the peer starts its side of the handshake after the bytes it read
     * in plain text (the STARTTLS pattern); bytes already delivered to {@code protocol} stay there.
     * For streams use {@link StreamWriter#startTls}, which also hands over bytes the reader buffered.
     * A client needs {@code tls.serverHostname()} unless it turned host-name checking off (the
     * transport knows only the peer's address). Cancellation aborts the connection.
     *
     * @throws javax.net.ssl.SSLHandshakeException if the handshake failed (see {@link #createConnection(Supplier, String, int, TlsOptions)})
     * @throws java.net.SocketTimeoutException     if it took longer than {@code tls.handshakeTimeout()}
     * @throws IllegalStateException               if {@code transport} is closing, or outside a coroutine
     * @throws IllegalArgumentException            for a client without a server name while checking host names
     */
    public static Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocol, "protocol");
        boolean paused = protocol instanceof StreamReaderProtocol srp
                ? srp.isWritePaused() : transport.getWriteBufferSize() > transport.getWriteBufferLimits().high();
        return startTls(transport, protocol, tls, new byte[0], paused);
    }

    static Transport startTls(Transport transport, BaseProtocol protocol, TlsOptions tls, byte[] early, boolean writePaused)
            throws IOException {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(protocol, "protocol");
        Objects.requireNonNull(tls, "tls");
        EventLoop loop = loopOf("startTls");
        if (transport.isClosing()) {
            throw new IllegalStateException("startTls() on a closing transport " + transport + ": the connection is going away");
        }
        Object peer = transport.getExtraInfo("peername");
        int port = peer instanceof InetSocketAddress a ? a.getPort() : -1;
        Future<Void> handshake = loop.createFuture();
        TlsProtocol layer = new TlsProtocol(loop, tls, protocol, null, port, true, handshake);
        layer.setLimits(transport.getWriteBufferLimits());
        if (writePaused) {
            layer.inheritWritePaused(); // it still waits for a resumeWriting (gh-109051)
        }
        if (early.length > 0) {
            layer.feedInitial(early); // handshake bytes a reader already took from the socket (L10, gh-142352)
        }
        transport.setProtocol(layer);
        layer.connectionMade(transport); // the handshake starts now, not on a later iteration (L10)
        transport.resumeReading();
        try {
            Aio.await(handshake);
        } catch (Throwable t) {
            layer.abort();
            throw t;
        }
        return layer.appTransport();
    }

    /** Connects to the Unix socket at {@code path}; otherwise as {@link #createConnection}. */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path)
            throws IOException {
        return createUnixConnection(protocolFactory, path, null);
    }

    /**
     * Connects to the Unix socket at {@code path} and, unless {@code tls} is null, does a TLS handshake
     * over it (asyncio's {@code create_unix_connection(..., ssl=..., server_hostname=...)}). A Unix
     * socket has no host name, so a client that checks host names needs
     * {@code tls.withServerHostname(name)}; otherwise as
     * {@link #createConnection(Supplier, String, int, TlsOptions)}.
     *
     * @throws IllegalArgumentException if {@code tls} checks host names and names no server
     */
    public static <P extends BaseProtocol> Connection<P> createUnixConnection(Supplier<P> protocolFactory, Path path,
                                                                              TlsOptions tls) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        EventLoop loop = loopOf("createUnixConnection");
        UnixDomainSocketAddress address = UnixPaths.address(path);
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.configureBlocking(false);
            connect(ch, address);
        } catch (IOException e) {
            closeQuietly(ch);
            throw withAddress(e, "connect to " + path);
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
        if (tls != null) {
            return attachTls(loop, ch, protocolFactory, tls, null, -1);
        }
        return attach(loop, ch, protocolFactory);
    }

    /**
     * Wraps a connected socket this program accepted or connected itself in a transport and a new
     * protocol (asyncio's {@code connect_accepted_socket}). The channel is switched to non-blocking
     * mode and owned by the transport from now on.
     *
     * @throws IllegalArgumentException if the channel is not connected
     */
    public static <P extends BaseProtocol> Connection<P> connectAccepted(Supplier<P> protocolFactory, SocketChannel channel)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(channel, "channel");
        EventLoop loop = loopOf("connectAccepted");
        if (!channel.isConnected()) {
            throw new IllegalArgumentException(channel + " is not connected: connectAccepted takes an accepted or"
                    + " connected socket (use createConnection to connect)");
        }
        channel.configureBlocking(false);
        return attach(loop, channel, protocolFactory);
    }

    private static <P extends BaseProtocol> Connection<P> attach(EventLoop loop, SocketChannel ch, Supplier<P> factory) {
        P protocol;
        SocketTransport transport;
        try {
            protocol = factory.get();
            if (protocol == null) {
                throw new NullPointerException("the protocol factory returned null: return a new protocol");
            }
            transport = new SocketTransport(loop, ch, protocol, null);
        } catch (Throwable t) {
            closeQuietly(ch);
            throw t;
        }
        Future<Void> made = loop.createFuture();
        transport.start(made);
        try {
            Aio.await(made);
        } catch (Throwable t) {
            transport.abort();
            throw t;
        }
        return new Connection<>(transport, protocol);
    }

    private static SocketChannel connectTcp(String host, int port, InetSocketAddress local) throws IOException {
        List<InetSocketAddress> addresses = getaddrinfo(host, port);
        List<IOException> errors = new ArrayList<>();
        for (InetSocketAddress a : addresses) {
            if (local != null && local.getAddress() != null && !local.getAddress().isAnyLocalAddress()
                    && (local.getAddress() instanceof Inet6Address) != (a.getAddress() instanceof Inet6Address)) {
                continue; // the local address cannot reach this family
            }
            SocketChannel ch = SocketChannel.open(family(a.getAddress()));
            try {
                ch.configureBlocking(false);
                if (local != null) {
                    ch.bind(local);
                }
                connect(ch, a);
                return ch;
            } catch (IOException e) {
                closeQuietly(ch);
                errors.add(withAddress(e, "connect to " + show(a)));
            } catch (Throwable t) {
                closeQuietly(ch);
                throw t;
            }
        }
        if (errors.isEmpty()) {
            throw new ConnectException("cannot connect to " + host + ":" + port + ": no address of "
                    + addresses + " matches the family of the local address " + local);
        }
        IOException first = errors.get(0);
        for (int i = 1; i < errors.size(); i++) {
            first.addSuppressed(errors.get(i));
        }
        throw first;
    }

    /** Connects a non-blocking channel, waiting for writability if it does not connect at once (J5). */
    private static void connect(SocketChannel ch, java.net.SocketAddress a) throws IOException {
        if (ch.connect(a)) {
            return; // loopback often connects at once
        }
        while (true) {
            Lowlevel.waitWritable(ch);
            if (ch.finishConnect()) {
                return;
            }
        }
    }

    // ================================================================ serving

    /** {@link #createServer(Supplier, String, int, ServerOptions)} with {@link ServerOptions#DEFAULT}. */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port)
            throws IOException {
        return createServer(protocolFactory, host, port, ServerOptions.DEFAULT);
    }

    /**
     * Listens on {@code host:port} and serves each connection with a new protocol from the factory.
     * A null or empty {@code host} means every interface: one dual-stack socket (IPv4 and IPv6 on
     * one port). A name listens on every address it resolves to; with port 0 the
     * first bind picks the port and the other addresses take the same one (asyncio would give each
     * its own port). With {@code options.tls()} every connection does a TLS handshake first (bounded
     * by its handshake timeout); one that fails or times out is closed and only logged at debug
     * level, as asyncio does, and the protocol never hears of it.
     *
     * @throws BindException            if an address is in use (no socket is left open)
     * @throws IllegalArgumentException for a port outside 0..65535
     */
    public static Server createServer(Supplier<? extends BaseProtocol> protocolFactory, String host, int port,
                                      ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = loopOf("createServer");
        checkPort(port, true);
        List<ServerSocketChannel> listeners = listen(host, port, options);
        Server server = new Server(loop, listeners, withTls(loop, protocolFactory, options.tls()), options.backlog(), null);
        if (options.startServing()) {
            server.startServing();
        }
        return server;
    }

    /**
     * The listening sockets of {@link #createServer} (bound, non-blocking, not yet registered with
     * any loop): one dual-stack socket for a null or empty host, else one per address {@code host}
     * resolves to, all on the same port. In a coroutine (a name resolves on the default executor).
     */
    static List<ServerSocketChannel> listen(String host, int port, ServerOptions options) throws IOException {
        List<InetSocketAddress> addresses;
        if (host == null || host.isEmpty()) {
            addresses = List.of(new InetSocketAddress(wildcard(), port));
        } else {
            Set<InetSocketAddress> unique = new LinkedHashSet<>(getaddrinfo(host, port));
            addresses = List.copyOf(unique);
        }
        List<ServerSocketChannel> listeners = new ArrayList<>();
        try {
            int chosen = port;
            for (InetSocketAddress a : addresses) {
                InetSocketAddress at = chosen == a.getPort() ? a : new InetSocketAddress(a.getAddress(), chosen);
                ServerSocketChannel l = ServerSocketChannel.open(family(at.getAddress()));
                listeners.add(l);
                l.setOption(StandardSocketOptions.SO_REUSEADDR, options.reuseAddress());
                if (options.reusePort()) {
                    if (!l.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                        throw new UnsupportedOperationException("reusePort: SO_REUSEPORT is not supported on this platform");
                    }
                    l.setOption(StandardSocketOptions.SO_REUSEPORT, true);
                }
                try {
                    l.bind(at, options.backlog());
                } catch (IOException e) {
                    throw withAddress(e, "listen on " + show(at));
                }
                l.configureBlocking(false);
                if (chosen == 0) {
                    chosen = ((InetSocketAddress) l.getLocalAddress()).getPort();
                }
            }
        } catch (Throwable t) {
            listeners.forEach(Net::closeQuietly);
            throw t;
        }
        return listeners;
    }

    /**
     * {@link #createServer(LoopGroup, Supplier, String, int, ServerOptions, GroupServer.Accept)} with
     * {@link ServerOptions#DEFAULT} and {@link GroupServer.Accept#AUTO}.
     */
    public static GroupServer createServer(LoopGroup group, Supplier<? extends BaseProtocol> protocolFactory,
                                           String host, int port) throws IOException {
        return createServer(group, protocolFactory, host, port, ServerOptions.DEFAULT, GroupServer.Accept.AUTO);
    }

    /**
     * Listens on {@code host:port} with every loop of {@code group}: each accepted connection is
     * served on one loop of the group (its protocol made there and every callback run there), as
     * {@link #createServer(Supplier, String, int, ServerOptions)} serves on one loop. With
     * {@link GroupServer.Accept#SHARED_PORT} every loop has its own listening socket on the port
     * ({@code SO_REUSEPORT}) and the kernel spreads the connections; with
     * {@link GroupServer.Accept#HAND_OFF} loop 0 accepts and hands the connections to the loops round
     * robin; {@link GroupServer.Accept#AUTO} takes the first where the platform has
     * {@code SO_REUSEPORT}. {@code protocolFactory} is called on every loop's thread, so it must be
     * thread-safe ({@code Echo::new} is). Callable inside a coroutine (of any loop; it waits) or from
     * a thread that runs no loop (it blocks); see {@link GroupServer}.
     *
     * @throws BindException                 if an address is in use (no socket is left open)
     * @throws UnsupportedOperationException for {@code SHARED_PORT} where {@code SO_REUSEPORT} is missing
     * @throws IllegalStateException         if the group is closed, or from a loop thread outside a coroutine
     */
    public static GroupServer createServer(LoopGroup group, Supplier<? extends BaseProtocol> protocolFactory,
                                           String host, int port, ServerOptions options, GroupServer.Accept accept)
            throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        return GroupServer.start(group, loop -> protocolFactory, host, port, options, accept);
    }

    /** {@link #createUnixServer(Supplier, Path, ServerOptions)} with {@link ServerOptions#DEFAULT}. */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path) throws IOException {
        return createUnixServer(protocolFactory, path, ServerOptions.DEFAULT);
    }

    /**
     * Listens on the Unix socket at {@code path}. A leftover socket file there is removed first if no
     * server answers on it; the file is removed when the server closes, if it is still the one this
     * server made ({@code reuseAddress} and {@code reusePort} do not apply).
     *
     * @throws BindException            if a server is listening at {@code path}, or a file that is not a
     *                                  socket is in the way
     * @throws IllegalArgumentException if the path is longer than a Unix socket address allows (107 bytes)
     */
    public static Server createUnixServer(Supplier<? extends BaseProtocol> protocolFactory, Path path,
                                          ServerOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = loopOf("createUnixServer");
        UnixDomainSocketAddress address = UnixPaths.address(path);
        UnixPaths.removeStale(path);
        ServerSocketChannel l = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            try {
                l.bind(address, options.backlog());
            } catch (IOException e) {
                throw withAddress(e, "listen on " + path);
            }
            l.configureBlocking(false);
        } catch (Throwable t) {
            closeQuietly(l);
            throw t;
        }
        Server server = new Server(loop, List.of(l), withTls(loop, protocolFactory, options.tls()), options.backlog(),
                UnixPaths.bound(path));
        if (options.startServing()) {
            server.startServing();
        }
        return server;
    }

    /** The server's factory, or one that puts a TLS layer under each protocol it makes. */
    static Supplier<? extends BaseProtocol> withTls(EventLoop loop, Supplier<? extends BaseProtocol> factory,
                                                            TlsOptions tls) {
        if (tls == null) {
            return factory;
        }
        return () -> {
            BaseProtocol p = factory.get();
            if (p == null) {
                throw new NullPointerException("the protocol factory returned null: return a new protocol per connection");
            }
            return new TlsProtocol(loop, tls, p, null, 0, false, null);
        };
    }

    // ================================================================ names

    /**
     * The socket addresses {@code host} resolves to, with {@code port} (asyncio's
     * {@code getaddrinfo}, with the JDK resolver). A numeric address returns at once; a name is
     * resolved on a thread of the loop's default executor, so the loop keeps running. Cancelling the
     * caller returns at once (the lookup itself finishes on its thread and is discarded).
     *
     * @throws java.net.UnknownHostException if the name does not resolve
     */
    public static List<InetSocketAddress> getaddrinfo(String host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        checkPort(port, true);
        loopOf("getaddrinfo");
        InetAddress[] all;
        if (isLiteral(host)) {
            all = InetAddress.getAllByName(host); // a literal: parsed, no lookup
        } else {
            all = Aio.toThread(() -> InetAddress.getAllByName(host));
        }
        List<InetSocketAddress> out = new ArrayList<>(all.length);
        for (InetAddress a : all) {
            out.add(new InetSocketAddress(a, port));
        }
        return out;
    }

    /**
     * The host name of {@code address} by reverse lookup (asyncio's {@code getnameinfo}; the JDK has no
     * service names, so the port is the address's own), or the numeric address when there is no name.
     * Runs on a thread of the loop's default executor.
     */
    public static String getnameinfo(InetSocketAddress address) {
        Objects.requireNonNull(address, "address");
        loopOf("getnameinfo");
        InetAddress a = address.getAddress();
        if (a == null) {
            return address.getHostString();
        }
        return Aio.toThread(a::getHostName);
    }

    // ================================================================ helpers

    private static EventLoop loopOf(String what) {
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("Net." + what + "() must be called inside a coroutine on the event loop"
                    + " (it waits for the network); start one with Aio.run(Aio.async(...))");
        }
        return Lowlevel.currentLoop().orElseThrow();
    }

    private static void checkPort(int port, boolean zeroAllowed) {
        if (port < (zeroAllowed ? 0 : 1) || port > 65535) {
            throw new IllegalArgumentException("port must be in " + (zeroAllowed ? 0 : 1) + "..65535, got " + port);
        }
    }

    static boolean isLiteral(String host) {
        if (host.indexOf(':') >= 0) {
            return true; // IPv6 (the JDK rejects a name with a colon without a lookup)
        }
        int dots = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    /**
     * "Every interface": {@code ::} where the JDK can open IPv6 sockets (a dual-stack socket also
     * takes IPv4), else {@code 0.0.0.0}. Not {@code new InetSocketAddress(port)}: its
     * wildcard is 0.0.0.0 unless java.net.preferIPv6Addresses is set, and an INET socket bound there
     * refuses IPv6 clients.
     */
    private static InetAddress wildcard() throws IOException {
        try (ServerSocketChannel probe = ServerSocketChannel.open(StandardProtocolFamily.INET6)) {
            return InetAddress.getByAddress(new byte[16]);
        } catch (UnsupportedOperationException | IOException noIpv6) {
            return InetAddress.getByAddress(new byte[4]);
        }
    }

    private static ProtocolFamily family(InetAddress a) {
        return a instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    /** {@code host:port} as asyncio shows it: IPv6 in brackets and in its compressed form ({@code [::1]:8080}). */
    static String show(InetSocketAddress a) {
        InetAddress ip = a.getAddress();
        String h;
        if (ip instanceof Inet6Address v6) {
            h = compress(v6);
        } else {
            h = ip == null ? a.getHostString() : ip.getHostAddress();
        }
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    /**
     * The RFC 5952 text of an IPv6 address ({@code ::1}, {@code fe80::1%eth0}): groups in lower-case hex
     * without leading zeros, the longest run of two or more zero groups (the first of equal runs)
     * written {@code ::}. The JDK's {@code getHostAddress} writes every group ({@code 0:0:0:0:0:0:0:1})
     * and has no public compressor. The scope, if any, is kept as the JDK writes it.
     */
    static String compress(Inet6Address a) {
        byte[] b = a.getAddress();
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1; // a single zero group is not compressed (RFC 5952 4.2.2)
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        String full = a.getHostAddress();
        int scope = full.indexOf('%');
        if (scope >= 0) {
            sb.append(full, scope, full.length());
        }
        return sb.toString();
    }

    /** The same kind of exception, its message saying what was attempted; the original is the cause. */
    static IOException withAddress(IOException e, String attempt) {
        String msg = "cannot " + attempt + ": " + e.getMessage();
        IOException out;
        if (e instanceof ConnectException) {
            out = new ConnectException(msg);
        } else if (e instanceof BindException) {
            out = new BindException(msg);
        } else if (e instanceof java.net.NoRouteToHostException) {
            out = new java.net.NoRouteToHostException(msg);
        } else if (e instanceof java.net.SocketException) {
            out = new java.net.SocketException(msg);
        } else {
            return e;
        }
        out.initCause(e);
        return out;
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already failing: the first error is the one to report
        }
    }
}
