package org.aio4j.net;

import static org.aio4j.net.NetTesting.PATIENCE;
import static org.aio4j.net.NetTesting.loopback;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.aio4j.Aio;

/**
 * One server under fault, over TCP or a Unix socket, and its clients. The server's per-connection
 * behaviour can be switched, so that after the fault a fresh client is served by the same server
 * with a plain echo ({@link #assertServesAFreshClient}): a server survives any client.
 */
final class FaultFixture {
    /** The socket family under test. */
    enum Kind { TCP, UNIX }

    /** Echoes bytes; closes at the peer's end of file. */
    static class Echo implements Protocol {
        Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    /** Echoes lines until end of file, then closes. */
    static final ClientConnected ECHO_LINES = (r, w) -> {
        byte[] line;
        while ((line = r.readline()).length > 0) {
            w.write(line);
            w.drain();
        }
        w.close();
    };

    final Kind kind;
    private final Path dir;
    private final List<Peer> peers = new ArrayList<>();
    private final List<StreamPair> pairs = new ArrayList<>();
    Server server;
    private boolean streams;
    private SocketAddress address;
    private Supplier<? extends BaseProtocol> protocols = Echo::new;
    private ClientConnected handler = ECHO_LINES;

    FaultFixture(Kind kind, Path dir) {
        this.kind = kind;
        this.dir = dir;
    }

    /** Starts a protocol server whose connections get protocols from {@code factory} until switched. */
    Server protocolServer(Supplier<? extends BaseProtocol> factory) throws IOException {
        return protocolServer(factory, ServerOptions.DEFAULT);
    }

    Server protocolServer(Supplier<? extends BaseProtocol> factory, ServerOptions options) throws IOException {
        protocols = factory;
        streams = false;
        Supplier<BaseProtocol> dispatch = () -> protocols.get();
        server = kind == Kind.TCP
                ? Net.createServer(dispatch, "127.0.0.1", 0, options)
                : Net.createUnixServer(dispatch, dir.resolve("faults.sock"), options);
        address = server.sockets().get(0).getLocalAddress();
        return server;
    }

    /** Starts a stream server whose connections run {@code h} until switched. */
    Server streamServer(ClientConnected h) throws IOException {
        return streamServer(h, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT);
    }

    Server streamServer(ClientConnected h, int limit, ServerOptions options) throws IOException {
        handler = h;
        streams = true;
        ClientConnected dispatch = (r, w) -> handler.handle(r, w);
        server = kind == Kind.TCP
                ? Streams.startServer(dispatch, "127.0.0.1", 0, limit, options)
                : Streams.startUnixServer(dispatch, dir.resolve("faults.sock"), limit, options);
        address = server.sockets().get(0).getLocalAddress();
        return server;
    }

    /** Listens again on the address of the (closed) server, with the plain echo. */
    Server reopen() throws IOException {
        if (streams) {
            server = kind == Kind.TCP
                    ? Streams.startServer(ECHO_LINES, "127.0.0.1", port())
                    : Streams.startUnixServer(ECHO_LINES, path());
        } else {
            server = kind == Kind.TCP
                    ? Net.createServer(Echo::new, "127.0.0.1", port())
                    : Net.createUnixServer(Echo::new, path());
        }
        handler = ECHO_LINES;
        protocols = Echo::new;
        return server;
    }

    int port() {
        return ((InetSocketAddress) address).getPort();
    }

    Path path() {
        return ((UnixDomainSocketAddress) address).getPath();
    }

    SocketAddress address() {
        return address;
    }

    /** A raw non-blocking client, connected (the handshake completes in the listen queue). */
    Peer rawClient() throws IOException {
        SocketChannel c = kind == Kind.TCP ? SocketChannel.open() : SocketChannel.open(StandardProtocolFamily.UNIX);
        c.configureBlocking(false);
        if (!c.connect(kind == Kind.TCP ? loopback(port()) : address)) {
            until("connected", c::finishConnect);
        }
        Peer p = new Peer(c);
        peers.add(p);
        return p;
    }

    /** A stream client. */
    StreamPair streamClient() throws IOException {
        StreamPair p = kind == Kind.TCP ? Streams.openConnection("127.0.0.1", port()) : Streams.openUnixConnection(path());
        pairs.add(p);
        return p;
    }

    /**
     * Resets a raw client's connection: over TCP with SO_LINGER 0 (a RST); a Unix socket has no
     * RST, but closing it with unread data makes the server's next read or write fail with
     * ECONNRESET, which is the same fault. Callers of the Unix form make sure the server sent
     * something the client did not read.
     */
    void reset(Peer p) throws IOException {
        if (kind == Kind.TCP) {
            p.reset();
        } else {
            p.close();
        }
    }

    /** Switches the server to the plain echo and checks that a new client is served. */
    void assertServesAFreshClient() throws IOException {
        handler = ECHO_LINES;
        protocols = Echo::new;
        assertThat(server.isServing()).as("the server is still serving").isTrue();
        StreamPair c = streamClient();
        c.writer().write("ping\n".getBytes(StandardCharsets.ISO_8859_1));
        byte[] answer = Aio.timeout(PATIENCE, c.reader()::readline);
        assertThat(new String(answer, StandardCharsets.ISO_8859_1)).isEqualTo("ping\n");
        c.writer().close();
        Aio.timeout(PATIENCE, c.writer()::waitClosed);
    }

    /** Closes the server, its connections and every client made here; waits for all of it. */
    void shutdown() throws IOException {
        for (Peer p : peers) {
            if (p.channel.isOpen()) {
                p.close();
            }
        }
        for (StreamPair p : pairs) {
            p.writer().transport().abort();
        }
        if (server != null) {
            server.close();
            server.abortClients();
            Aio.timeout(PATIENCE, server::waitClosed);
        }
    }

    /** Sets SO_LINGER 0 on a stream client's socket, so that aborting it sends a RST (TCP only). */
    static void lingerZero(StreamPair p) throws IOException {
        SocketChannel ch = (SocketChannel) p.writer().getExtraInfo("socket");
        ch.setOption(StandardSocketOptions.SO_LINGER, 0);
    }
}
