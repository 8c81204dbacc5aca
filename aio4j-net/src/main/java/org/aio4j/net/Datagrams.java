package org.aio4j.net;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.lowlevel.Lowlevel;

/**
 * UDP endpoints on the running loop: asyncio's {@code loop.create_datagram_endpoint}. For coroutines
 * on your own non-blocking {@link DatagramChannel}s see {@link Sockets#sockRecvfrom} and
 * {@link Sockets#sockSendto}.
 *
 * <pre>{@code
 * // a server: answers every datagram to its sender
 * DatagramEndpoint<EchoUdp> server = Datagrams.createDatagramEndpoint(EchoUdp::new,
 *         new InetSocketAddress("127.0.0.1", 9999), null);
 * // a client: connected to the server, so sendto(data) needs no address
 * DatagramEndpoint<Client> client = Datagrams.createDatagramEndpoint(Client::new,
 *         null, new InetSocketAddress("127.0.0.1", 9999));
 * client.transport().sendto("ping".getBytes(UTF_8));
 * }</pre>
 *
 * <h2>Contract</h2>
 * Runs inside a coroutine on the loop; a cancellation point (name resolution runs on a thread of the
 * loop's default executor, and the call waits for the protocol's {@code connectionMade}). A cancelled
 * or failed call closes the socket it opened; the protocol then hears nothing, or, if its
 * {@code connectionMade} ran, {@code connectionLost}. Failures are {@link IOException}s whose message
 * names the address ({@link java.net.BindException} for an address in use).
 */
public final class Datagrams {
    /*
     * As asyncio: the local and remote addresses are resolved, paired by family (a pair needs an
     * address of that family for each address given), and the pairs tried in order until a socket
     * binds and connects; the first error is thrown if none does. A remote address is connected to
     * (DatagramChannel.connect only sets the peer: it does not wait), except with allowBroadcast
     * (U6: a connected socket cannot broadcast). No SO_REUSEADDR unless asked (U1).
     */
    private Datagrams() {
    }

    /** {@link #createDatagramEndpoint(Supplier, InetSocketAddress, InetSocketAddress, DatagramOptions)} with {@link DatagramOptions#DEFAULT}. */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddr, InetSocketAddress remoteAddr) throws IOException {
        return createDatagramEndpoint(protocolFactory, localAddr, remoteAddr, DatagramOptions.DEFAULT);
    }

    /**
     * Opens a UDP socket, bound to {@code localAddr} if given (port 0: any port; read it from
     * {@code getExtraInfo("sockname")}) and connected to {@code remoteAddr} if given (then only that
     * peer's datagrams arrive, ICMP errors are reported to {@code errorReceived}, and
     * {@code sendto(data)} sends there), makes the protocol and returns once its {@code connectionMade}
     * ran. Addresses may be unresolved ({@code InetSocketAddress.createUnresolved}): they are resolved
     * with {@link Net#getaddrinfo}.
     *
     * @param localAddr  the address to bind, or null (the first send binds an ephemeral port)
     * @param remoteAddr the peer, or null for an endpoint that sends anywhere ({@code sendto(data, address)})
     * @throws IllegalArgumentException if neither address nor {@code options.family()} is given, or
     *                                  the addresses have no family in common
     * @throws java.net.BindException   if the local address is in use
     * @throws UnsupportedOperationException if {@code reusePort} is asked for and the platform has no
     *                                  {@code SO_REUSEPORT}
     * @throws IOException              for other socket failures
     */
    public static <P extends DatagramProtocol> DatagramEndpoint<P> createDatagramEndpoint(
            Supplier<P> protocolFactory, InetSocketAddress localAddr, InetSocketAddress remoteAddr,
            DatagramOptions options) throws IOException {
        Objects.requireNonNull(protocolFactory, "protocolFactory");
        Objects.requireNonNull(options, "options");
        EventLoop loop = loopOf();
        List<InetSocketAddress[]> pairs = pairs(localAddr, remoteAddr, options.family());
        List<IOException> errors = new ArrayList<>();
        DatagramChannel ch = null;
        InetSocketAddress remote = null;
        for (InetSocketAddress[] pair : pairs) {
            ProtocolFamily family = pair[2] != null ? familyOf(pair[2]) : options.family();
            DatagramChannel c = DatagramChannel.open(family);
            try {
                configure(c, options);
                if (pair[0] != null) {
                    try {
                        c.bind(pair[0]);
                    } catch (IOException e) {
                        throw Net.withAddress(e, "bind a datagram socket to " + Net.show(pair[0]));
                    }
                }
                if (pair[1] != null && !options.allowBroadcast()) {
                    try {
                        c.connect(pair[1]);
                    } catch (IOException e) {
                        throw Net.withAddress(e, "connect a datagram socket to " + Net.show(pair[1]));
                    }
                }
                ch = c;
                remote = pair[1];
                break;
            } catch (IOException e) {
                closeQuietly(c);
                errors.add(e);
            } catch (Throwable t) {
                closeQuietly(c);
                throw t;
            }
        }
        if (ch == null) {
            IOException first = errors.get(0);
            for (int i = 1; i < errors.size(); i++) {
                first.addSuppressed(errors.get(i));
            }
            throw first;
        }
        P protocol;
        DatagramSocketTransport transport;
        try {
            protocol = protocolFactory.get();
            if (protocol == null) {
                throw new NullPointerException("the protocol factory returned null: return a new protocol");
            }
            transport = new DatagramSocketTransport(loop, ch, protocol, remote,
                    remote != null && !options.allowBroadcast());
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
        return new DatagramEndpoint<>(transport, protocol);
    }

    private static void configure(DatagramChannel c, DatagramOptions options) throws IOException {
        if (options.reuseAddress()) {
            c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        }
        if (options.reusePort()) {
            if (!c.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
                throw new UnsupportedOperationException("reusePort: SO_REUSEPORT is not supported on this platform");
            }
            c.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        }
        if (options.allowBroadcast()) {
            c.setOption(StandardSocketOptions.SO_BROADCAST, true);
        }
        c.configureBlocking(false);
    }

    /**
     * The (local, remote, either) address triples to try, by family in resolution order: each given
     * address has one of that family. A single family-only triple when neither is given.
     */
    private static List<InetSocketAddress[]> pairs(InetSocketAddress local, InetSocketAddress remote,
                                                   ProtocolFamily family) throws IOException {
        if (local == null && remote == null) {
            if (family == null) {
                throw new IllegalArgumentException("unexpected address family: give a local or a remote address,"
                        + " or a family (DatagramOptions.withFamily(StandardProtocolFamily.INET))");
            }
            List<InetSocketAddress[]> one = new ArrayList<>();
            one.add(new InetSocketAddress[] {null, null, null});
            return one;
        }
        List<InetSocketAddress> locals = local == null ? null : resolve(local, family);
        List<InetSocketAddress> remotes = remote == null ? null : resolve(remote, family);
        List<InetSocketAddress[]> out = new ArrayList<>();
        for (ProtocolFamily f : familiesInOrder(locals, remotes)) {
            InetSocketAddress l = locals == null ? null : firstOf(locals, f);
            InetSocketAddress r = remotes == null ? null : firstOf(remotes, f);
            if ((locals != null && l == null) || (remotes != null && r == null)) {
                continue;
            }
            out.add(new InetSocketAddress[] {l, r, l != null ? l : r});
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("can not get address information: the local address " + locals
                    + " and the remote address " + remotes + " have no address family in common");
        }
        return out;
    }

    private static List<InetSocketAddress> resolve(InetSocketAddress a, ProtocolFamily family) throws IOException {
        List<InetSocketAddress> all = a.isUnresolved() ? Net.getaddrinfo(a.getHostString(), a.getPort()) : List.of(a);
        if (family == null) {
            return all;
        }
        List<InetSocketAddress> out = new ArrayList<>();
        for (InetSocketAddress x : all) {
            if (familyOf(x) == family) {
                out.add(x);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(a + " has no " + family + " address (it resolves to " + all + ")");
        }
        return out;
    }

    private static List<ProtocolFamily> familiesInOrder(List<InetSocketAddress> a, List<InetSocketAddress> b) {
        List<ProtocolFamily> out = new ArrayList<>(2);
        for (List<InetSocketAddress> list : List.of(a == null ? List.<InetSocketAddress>of() : a,
                b == null ? List.<InetSocketAddress>of() : b)) {
            for (InetSocketAddress x : list) {
                ProtocolFamily f = familyOf(x);
                if (!out.contains(f)) {
                    out.add(f);
                }
            }
        }
        return out;
    }

    private static InetSocketAddress firstOf(List<InetSocketAddress> list, ProtocolFamily f) {
        for (InetSocketAddress x : list) {
            if (familyOf(x) == f) {
                return x;
            }
        }
        return null;
    }

    static ProtocolFamily familyOf(InetSocketAddress a) {
        return a.getAddress() instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
    }

    private static EventLoop loopOf() {
        if (Lowlevel.currentTask().isEmpty()) {
            throw new IllegalStateException("Datagrams.createDatagramEndpoint() must be called inside a coroutine on"
                    + " the event loop; start one with Aio.run(Aio.async(...))");
        }
        return Lowlevel.currentLoop().orElseThrow();
    }

    private static void closeQuietly(DatagramChannel c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // already failing: the first error is the one to report
        }
    }
}
