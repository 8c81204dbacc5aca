package org.aio4j.net;

import static org.aio4j.Aio.async;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.LoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.aio4j.test.OpenDescriptors;

/**
 * {@link GroupServer}: both ways of reaching the loops (one listening socket per loop with
 * SO_REUSEPORT, and loop 0 handing accepted connections off), real loopback sockets, plain blocking
 * clients on the test thread.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GroupServerTest {

    /** Echoes, and records the thread of every callback of its connection. */
    static final class Recording implements Protocol {
        static final Map<Integer, Set<Thread>> THREADS = new ConcurrentHashMap<>();
        static final Map<Integer, EventLoop> LOOPS = new ConcurrentHashMap<>();
        static final AtomicInteger IDS = new AtomicInteger();
        final int id = IDS.incrementAndGet();
        Transport transport;

        private void seen() {
            THREADS.computeIfAbsent(id, k -> ConcurrentHashMap.newKeySet()).add(Thread.currentThread());
            LOOPS.putIfAbsent(id, EventLoop.current().orElseThrow());
        }

        @Override
        public void connectionMade(Transport t) {
            seen();
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            seen();
            transport.write(data);
        }

        @Override
        public void connectionLost(Exception exc) {
            seen();
        }
    }

    /** Polls {@code check} on this plain thread until it holds; fails after 10 s. */
    private static void eventually(String what, java.util.concurrent.Callable<Boolean> check) throws Exception {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!check.call()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("waited 10 s for: " + what);
            }
            Thread.sleep(5);
        }
    }

    private static Socket client(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(5000);
        return s;
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        OutputStream out = s.getOutputStream();
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[text.length()];
        int got = 0;
        while (got < buf.length) {
            int n = in.read(buf, got, buf.length - got);
            if (n < 0) {
                throw new IOException("EOF after " + got + " bytes");
            }
            got += n;
        }
        return new String(buf, StandardCharsets.UTF_8);
    }

    private static void closeAll(List<Socket> sockets) throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void connectionsSpreadOverTheLoopsAndEachConnectionStaysOnOneLoopThread(GroupServer.Accept accept) throws Exception {
        Recording.THREADS.clear();
        Recording.LOOPS.clear();
        int fdsBefore = OpenDescriptors.now();
        int conns = 32;
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0, ServerOptions.DEFAULT, accept);
            assertThat(server.sharesPort()).isEqualTo(accept == GroupServer.Accept.SHARED_PORT);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < conns; i++) {
                Socket s = client(server.port());
                clients.add(s);
                assertThat(roundTrip(s, "ping " + i)).isEqualTo("ping " + i);
            }
            for (Socket s : clients) {
                assertThat(roundTrip(s, "again")).isEqualTo("again");
            }
            closeAll(clients);
            server.close();
            server.waitClosed();   // every connection lost, on its own loop
            assertThat(Recording.THREADS).hasSize(conns);
            assertThat(Recording.THREADS.values()).allSatisfy(threads -> assertThat(threads).hasSize(1));
            Map<EventLoop, Integer> perLoop = new ConcurrentHashMap<>();
            Recording.LOOPS.values().forEach(l -> perLoop.merge(l, 1, Integer::sum));
            assertThat(perLoop.keySet()).containsExactlyInAnyOrderElementsOf(group.loops());
            if (accept == GroupServer.Accept.HAND_OFF) {
                assertThat(perLoop.values()).as("round robin").containsOnly(conns / 2);
            }
        }
        OpenDescriptors.assertNoLeak(fdsBefore);
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void tlsConnectionsHandshakeAndEchoOnTheLoopThatServesThem(GroupServer.Accept accept) throws Exception {
        Recording.LOOPS.clear();
        int fdsBefore = OpenDescriptors.now();
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0,
                    ServerOptions.DEFAULT.withTls(TestPki.Shared.LOCALHOST.server()), accept);
            javax.net.ssl.SSLSocketFactory tls = TestPki.Shared.CA.client().context().getSocketFactory();
            for (int i = 0; i < 16; i++) {
                try (Socket s = tls.createSocket("127.0.0.1", server.port())) {
                    s.setSoTimeout(5000);
                    assertThat(roundTrip(s, "secret " + i)).isEqualTo("secret " + i);
                }
            }
            server.close();
            server.abortClients();
            server.waitClosed();
            assertThat(new HashSet<>(Recording.LOOPS.values())).containsExactlyInAnyOrderElementsOf(group.loops());
        }
        OpenDescriptors.assertNoLeak(fdsBefore);
    }

    @Test
    void autoSharesThePortWhereThePlatformHasReusePort() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0);
            assertThat(server.sharesPort()).isEqualTo(GroupServer.reusePortSupported());
            server.close();
            server.waitClosed();
        }
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void streamHandlersRunOnTheLoopThatServesTheirConnection(GroupServer.Accept accept) throws Exception {
        Set<EventLoop> handlerLoops = ConcurrentHashMap.newKeySet();
        List<String> wrong = new CopyOnWriteArrayList<>();
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Streams.startServer(group, (reader, writer) -> {
                EventLoop mine = Aio.runningLoop();
                handlerLoops.add(mine);
                byte[] line = reader.readline();
                if (Aio.runningLoop() != mine) {
                    wrong.add("moved");
                }
                writer.write(line);
                writer.drain();
                writer.close();
            }, "127.0.0.1", 0, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT, accept);
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                Socket s = client(server.port());
                clients.add(s);
                assertThat(roundTrip(s, "line " + i + "\n")).isEqualTo("line " + i + "\n");
            }
            closeAll(clients);
            server.close();
            server.waitClosed();
        }
        assertThat(wrong).isEmpty();
        assertThat(handlerLoops).hasSize(2);
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void closeReleasesThePortAndEveryDescriptor(GroupServer.Accept accept) throws Exception {
        int fdsBefore = OpenDescriptors.now();
        int port;
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0, ServerOptions.DEFAULT, accept);
            port = server.port();
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Socket s = client(port);
                clients.add(s);
                roundTrip(s, "x");
            }
            server.close();
            server.abortClients();
            server.waitClosed();
            for (Socket s : clients) {
                assertThat(s.getInputStream().read()).as("aborted by the server").isLessThan(0);
            }
            closeAll(clients);
            try (ServerSocket again = new ServerSocket()) {   // no SO_REUSEPORT: only a free port binds
                again.setReuseAddress(true);
                again.bind(new InetSocketAddress("127.0.0.1", port));
            }
        }
        OpenDescriptors.assertNoLeak(fdsBefore);
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void closingTheGroupAbortsOpenConnectionsAndReleasesEveryDescriptor(GroupServer.Accept accept) throws Exception {
        int fdsBefore = OpenDescriptors.now();
        List<Socket> clients = new ArrayList<>();
        LoopGroup group = LoopGroup.create(2);
        GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0, ServerOptions.DEFAULT, accept);
        for (int i = 0; i < 8; i++) {
            Socket s = client(server.port());
            clients.add(s);
            roundTrip(s, "x");
        }
        group.close();   // the server was never closed: the loops' shutdown does it
        for (Socket s : clients) {
            assertThat(s.getInputStream().read()).isLessThan(0);
        }
        closeAll(clients);
        OpenDescriptors.assertNoLeak(fdsBefore);
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void aTaskOnALoopOfTheGroupStartsServesAndClosesTheServer(GroupServer.Accept accept) throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            CompletableFuture<Integer> port = new CompletableFuture<>();
            CompletableFuture<Void> serving = group.submitTo(0, async(() -> {
                GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0, ServerOptions.DEFAULT, accept);
                port.complete(server.port());
                server.serveForever();
            }));
            try (Socket s = client(port.get(5, TimeUnit.SECONDS))) {
                assertThat(roundTrip(s, "hi")).isEqualTo("hi");
            }
            serving.cancel(true);   // serveForever closes the server on every loop
            eventually("the port is free again", () -> {
                try (ServerSocket again = new ServerSocket()) {
                    again.bind(new InetSocketAddress("127.0.0.1", port.join()));
                    return true;
                } catch (BindException inUse) {
                    return false;
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(value = GroupServer.Accept.class, names = {"SHARED_PORT", "HAND_OFF"})
    void aPortInUseFailsTheStartAndLeavesNothingOpen(GroupServer.Accept accept) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 10, java.net.InetAddress.getByName("127.0.0.1"));
             LoopGroup group = LoopGroup.create(2)) {
            int fdsBefore = OpenDescriptors.now();
            assertThatThrownBy(() -> Net.createServer(group, Recording::new, "127.0.0.1", taken.getLocalPort(),
                    ServerOptions.DEFAULT, accept)).isInstanceOf(BindException.class);
            OpenDescriptors.assertNoLeak(fdsBefore);
            assertThat(group.run(async(() -> Aio.runningLoop().isRunning()))).as("the group still works").isTrue();
        }
    }

    @Test
    void handOffSkipsALoopThatStoppedAfterAnError() throws Exception {
        Recording.LOOPS.clear();
        try (LoopGroup group = LoopGroup.create(3)) {
            GroupServer server = Net.createServer(group, Recording::new, "127.0.0.1", 0, ServerOptions.DEFAULT,
                    GroupServer.Accept.HAND_OFF);
            group.submitTo(1, async(() -> Aio.runningLoop().setExceptionHandler((l, c) -> { }))).get(5, TimeUnit.SECONDS);
            group.loop(1).callSoonThreadsafe(() -> {
                throw new InternalError("simulated fatal error");
            });
            eventually("loop 1 closed", () -> group.loop(1).isClosed());
            List<Socket> clients = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                Socket s = client(server.port());
                clients.add(s);
                assertThat(roundTrip(s, "still served")).isEqualTo("still served");
            }
            closeAll(clients);
            Set<EventLoop> used = new HashSet<>(Recording.LOOPS.values());
            assertThat(used).containsExactlyInAnyOrder(group.loop(0), group.loop(2));
            server.close();
            server.waitClosed();
        }
    }

    @Test
    void waitingInALoopCallbackIsRefusedWithAClearMessage() throws Exception {
        try (LoopGroup group = LoopGroup.create(1)) {
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            group.loop(0).callSoonThreadsafe(() -> {
                try {
                    Net.createServer(group, Recording::new, "127.0.0.1", 0);
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
            });
            assertThat(error.get(5, TimeUnit.SECONDS)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("inside a coroutine").hasMessageContaining("runs no loop");
        }
    }
}
