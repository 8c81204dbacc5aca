package org.aio4j.net;

import static org.aio4j.net.NetTesting.captureReports;
import static org.aio4j.net.NetTesting.idle;
import static org.aio4j.net.NetTesting.loopback;
import static org.aio4j.net.NetTesting.run;
import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.ExceptionContext;
import org.aio4j.Task;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** {@link Server}: its lifecycle, its clients, and faults, on loopback TCP. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerTest {

    /** Protocols a server made, in order. */
    private static final class Made {
        final List<Recorder> all = new ArrayList<>();

        Recorder make() {
            Recorder r = new Recorder();
            all.add(r);
            return r;
        }

        long count(java.util.function.Predicate<Recorder> p) {
            return all.stream().filter(p).count();
        }
    }

    private static int port(Server s) throws IOException {
        return ((InetSocketAddress) s.sockets().get(0).getLocalAddress()).getPort();
    }

    /** A raw client connected to the server (the handshake completes in the kernel's backlog). */
    private static Peer client(int port) throws IOException {
        SocketChannel c = SocketChannel.open();
        c.configureBlocking(false);
        c.connect(loopback(port));
        until("connected", c::finishConnect);
        return new Peer(c);
    }

    @Test
    void aServerCreatedNotServingAcceptsOnlyAfterStartServing() {
        run(() -> {
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0, ServerOptions.DEFAULT.withStartServing(false));
            assertThat(s.isServing()).isFalse();
            Peer c = client(port(s));
            idle(0.1);
            assertThat(made.all).isEmpty();
            s.startServing();
            s.startServing(); // idempotent
            assertThat(s.isServing()).isTrue();
            until("accepted", () -> made.count(r -> r.made == 1) == 1);
            assertThat(s.activeConnections()).isEqualTo(1);
            c.close();
            until("lost", () -> made.all.get(0).isLost());
            s.close();
            s.waitClosed();
        });
    }

    @Test
    void cancellingServeForeverClosesTheServer() {
        run(() -> {
            Server s = Net.createServer(Recorder::new, "127.0.0.1", 0, ServerOptions.DEFAULT.withStartServing(false));
            int port = port(s);
            Task<Void> serving = Aio.createTask(Aio.async(s::serveForever));
            until("serving", s::isServing);
            assertThatThrownBy(s::serveForever).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already running");
            serving.cancel();
            assertThatThrownBy(() -> Aio.await(serving)).isInstanceOf(CancelledError.class);
            assertThat(s.isServing()).isFalse();
            assertThat(s.sockets()).isEmpty();
            assertThatThrownBy(() -> Net.createConnection(Recorder::new, "127.0.0.1", port))
                    .isInstanceOf(java.net.ConnectException.class);
            assertThatThrownBy(s::startServing).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
            assertThatThrownBy(s::serveForever).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        });
    }

    @Test
    void closingTheServerEndsServeForeverInItsTask() {
        run(() -> {
            Server s = Net.createServer(Recorder::new, "127.0.0.1", 0);
            Task<Void> serving = Aio.createTask(Aio.async(s::serveForever));
            idle(0.02);
            s.close();
            assertThatThrownBy(() -> Aio.timeout(NetTesting.PATIENCE, () -> Aio.await(serving)))
                    .isInstanceOf(CancelledError.class);
            assertThat(s.sockets()).isEmpty();
        });
    }

    @Test
    void waitClosedWaitsForTheConnectionsAndCloseClientsEndsThem() {
        run(() -> {
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0);
            Peer a = client(port(s));
            Peer b = client(port(s));
            until("accepted", () -> made.count(r -> r.made == 1) == 2);
            s.close();
            s.close(); // idempotent
            assertThat(s.sockets()).isEmpty();
            Task<Void> waiting = Aio.createTask(Aio.async(s::waitClosed));
            idle(0.05);
            assertThat(waiting.done()).isFalse();
            made.all.get(0).transport.write("last words".getBytes());
            s.closeClients();
            Aio.timeout(NetTesting.PATIENCE, () -> Aio.await(waiting));
            assertThat(made.count(r -> r.lost == 1 && r.lostWith == null)).isEqualTo(2);
            assertThat(s.activeConnections()).isZero();
            assertThat(a.readToEof()).asString().isEqualTo("last words");
            assertThat(b.readToEof()).isEmpty();
            s.waitClosed(); // at once now
            a.close();
            b.close();
        });
    }

    @Test
    void abortClientsDropsWhatTheyHadQueued() {
        run(() -> {
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0);
            Peer a = client(port(s));
            until("accepted", () -> made.count(r -> r.made == 1) == 1);
            made.all.get(0).transport.write(new byte[4 * 1024 * 1024]);
            s.close();
            s.abortClients();
            Aio.timeout(NetTesting.PATIENCE, s::waitClosed);
            assertThat(made.all.get(0).lost).isEqualTo(1);
            byte[] got;
            try {
                got = a.readToEof();
            } catch (IOException reset) {
                got = a.received();
            }
            assertThat(got.length).isLessThan(4 * 1024 * 1024);
            a.close();
        });
    }

    @Test
    void thePortCanBeBoundAgainRightAfterWaitClosedReturns() {
        run(() -> {
            for (int i = 0; i < 3; i++) {
                Server s = Net.createServer(Recorder::new, "127.0.0.1", 0);
                int port = port(s);
                Peer c = client(port);
                until("accepted", () -> s.activeConnections() == 1);
                s.close();
                s.closeClients();
                s.waitClosed();
                // the closed connection is in TIME_WAIT on this port: SO_REUSEADDR (the default) allows the
                // bind, which a listener still open in the selector would not
                Server again = Net.createServer(Recorder::new, "127.0.0.1", port);
                again.close();
                again.waitClosed();
                try (ServerSocketChannel raw = ServerSocketChannel.open()) {
                    raw.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    raw.bind(loopback(port));
                }
                c.close();
            }
            // without connections, not even SO_REUSEADDR is needed
            Server s = Net.createServer(Recorder::new, "127.0.0.1", 0, ServerOptions.DEFAULT.withReuseAddress(false));
            int port = port(s);
            s.close();
            s.waitClosed();
            try (ServerSocketChannel raw = ServerSocketChannel.open()) {
                raw.setOption(StandardSocketOptions.SO_REUSEADDR, false);
                raw.bind(loopback(port));
            }
        });
    }

    @Test
    void aProtocolFactoryThatThrowsIsReportedAndTheServerKeepsServing() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            int[] calls = new int[1];
            List<Recorder> good = new ArrayList<>();
            Server s = Net.createServer(() -> {
                if (calls[0]++ == 0) {
                    throw new IllegalStateException("factory failed");
                }
                if (calls[0] == 2) {
                    return null;
                }
                Recorder r = new Recorder();
                good.add(r);
                return r;
            }, "127.0.0.1", 0);
            Peer first = client(port(s));
            assertThat(first.readToEof()).isEmpty(); // closed by the server
            Peer second = client(port(s));
            assertThat(second.readToEof()).isEmpty();
            Peer third = client(port(s));
            until("third accepted", () -> good.size() == 1 && good.get(0).made == 1);
            assertThat(reports).hasSize(2);
            assertThat(reports.get(0).exception()).hasMessage("factory failed");
            assertThat(reports.get(0).message()).contains("protocol factory");
            assertThat(reports.get(1).exception()).isInstanceOf(NullPointerException.class);
            assertThat(s.isServing()).isTrue();
            third.send("ok");
            until("data", () -> good.get(0).text().equals("ok"));
            s.close();
            s.closeClients();
            s.waitClosed();
            first.close();
            second.close();
            third.close();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aThousandConnectionsOpenedAndDroppedAtOnceAreAllLostAndLeakNothing() {
        int n = 1000;
        int before = OpenDescriptors.now();
        run(() -> {
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0, ServerOptions.DEFAULT.withBacklog(n + 24));
            int port = port(s);
            List<SocketChannel> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                SocketChannel c = SocketChannel.open();
                c.configureBlocking(false);
                c.connect(loopback(port));
                clients.add(c);
            }
            until("all made", () -> made.count(r -> r.made == 1) == n);
            assertThat(s.activeConnections()).isEqualTo(n);
            for (int i = 0; i < n; i++) {
                SocketChannel c = clients.get(i);
                if (i % 2 == 0) {
                    c.setOption(StandardSocketOptions.SO_LINGER, 0); // RST
                }
                c.close();
            }
            until("all lost", () -> made.count(r -> r.lost == 1) == n);
            assertThat(s.activeConnections()).isZero();
            assertThat(made.all).allMatch(r -> r.events.get(0).equals("made") && r.events.get(r.events.size() - 1).equals("lost"));
            // the server survived
            Peer again = client(port);
            until("one more", () -> made.count(r -> r.made == 1) == n + 1);
            again.close();
            s.close();
            s.closeClients();
            s.waitClosed();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void serverOptionsRejectABacklogBelowOne() {
        assertThatThrownBy(() -> ServerOptions.DEFAULT.withBacklog(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("backlog");
    }

    @Test
    void aPersistentAcceptErrorPausesAcceptingIsReportedOnceAndTheServerRecovers() {
        int before = OpenDescriptors.now();
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0);
            int[] calls = {0};
            // An error that leaves the connection queued (EPROTO, EPERM from a firewall hook): the
            // listener stays readable, so retrying on every wakeup would spin at full CPU.
            s.acceptor = l -> {
                calls[0]++;
                throw new IOException("Protocol error");
            };
            Peer waiting = client(port(s));
            idle(0.3);
            assertThat(calls[0]).as("accept() attempts in 0.3 s").isEqualTo(Server.MAX_ACCEPT_FAILURES);
            assertThat(reports).hasSize(1);
            assertThat(reports.get(0).message()).contains("Protocol error").contains("in a row").contains("not accepting");
            assertThat(made.all).isEmpty();
            s.acceptor = ServerSocketChannel::accept; // the condition clears
            until("the queued client is accepted after the pause", () -> made.count(r -> r.made == 1) == 1);
            assertThat(reports).hasSize(1);
            // the same server still serves a fresh client
            Peer fresh = client(port(s));
            until("the fresh client is accepted", () -> made.count(r -> r.made == 1) == 2);
            waiting.close();
            fresh.close();
            s.close();
            s.closeClients();
            Aio.timeout(NetTesting.PATIENCE, s::waitClosed);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void aClientThatGaveUpBeforeTheAcceptIsSkippedWithoutPausing() {
        run(() -> {
            List<ExceptionContext> reports = captureReports();
            Made made = new Made();
            Server s = Net.createServer(made::make, "127.0.0.1", 0);
            int[] aborted = {0};
            s.acceptor = l -> {
                if (aborted[0] < 3 * Server.MAX_ACCEPT_FAILURES) {
                    aborted[0]++;
                    throw new IOException("Software caused connection abort");
                }
                return l.accept();
            };
            Peer c = client(port(s));
            until("accepted", () -> made.count(r -> r.made == 1) == 1); // no one-second pause
            assertThat(reports).isEmpty();
            c.close();
            s.close();
            s.closeClients();
            Aio.timeout(NetTesting.PATIENCE, s::waitClosed);
        });
    }

    @Test
    void toStringAfterCloseStillNamesTheAddressItWasBoundTo() {
        run(() -> {
            Server s = Net.createServer(Recorder::new, "127.0.0.1", 0);
            int port = port(s);
            s.close();
            assertThat(s.toString()).contains("127.0.0.1:" + port).contains("closed").doesNotContain("[closed]");
            s.waitClosed();
        });
    }

    @Test
    void toStringNamesTheAddressAndState() {
        run(() -> {
            Server s = Net.createServer(Recorder::new, "127.0.0.1", 0);
            assertThat(s.toString()).contains("127.0.0.1").contains("serving");
            assertThat(s.getLoop()).isSameAs(Aio.runningLoop());
            s.close();
            assertThat(s.toString()).contains("closed");
            s.waitClosed();
        });
    }
}
