package org.aio4j.net;

import static org.aio4j.net.NetTesting.until;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datagram endpoints against CPython's asyncio: each scenario runs once on asyncio (the script
 * {@code conformance/datagrams.py}, over loopback UDP) and once on aio4j, both recording the same
 * vocabulary of events, and the traces are compared. Where aio4j differs on purpose, the test says
 * so in its name and pins both traces.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramConformanceTest {
    private static final Path PYTHON = Path.of("/usr/bin/python3");

    @TempDir
    static Path dir;
    private static Path script;

    @BeforeAll
    static void findPython() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(PYTHON), "needs " + PYTHON + " to compare with asyncio");
        script = dir.resolve("datagrams.py");
        try (InputStream in = DatagramConformanceTest.class.getResourceAsStream("/conformance/datagrams.py")) {
            Files.copy(in, script);
        }
    }

    private static List<String> python(String scenario) {
        try {
            Process p = new ProcessBuilder(PYTHON.toString(), script.toString(), scenario)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // 3.11 logs its fatal write error
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python3 " + scenario + " did not finish in 30 s");
            }
            assertThat(p.exitValue()).as("python3 %s exit status", scenario).isZero();
            return new String(out, StandardCharsets.UTF_8).lines().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Records callbacks in the script's vocabulary. */
    static final class Tracing implements DatagramProtocol {
        final List<String> trace;
        final String side;
        final boolean echo;
        DatagramTransport transport;
        int got;
        final Future<Void> lost = Aio.runningLoop().createFuture();
        final Future<Void> error = Aio.runningLoop().createFuture();

        Tracing(List<String> trace, String side, boolean echo) {
            this.trace = trace;
            this.side = side;
            this.echo = echo;
        }

        @Override
        public void connectionMade(DatagramTransport t) {
            transport = t;
            trace.add(side + ":made");
        }

        @Override
        public void datagramReceived(byte[] data, InetSocketAddress from) {
            trace.add(side + ":got:" + new String(data, StandardCharsets.ISO_8859_1));
            got++;
            if (echo) {
                transport.sendto(data, from);
            }
        }

        @Override
        public void errorReceived(IOException exc) {
            trace.add(side + ":error:" + (exc instanceof PortUnreachableException ? "refused" : exc.getClass().getSimpleName()));
            if (!error.done()) {
                error.setResult(null);
            }
        }

        @Override
        public void connectionLost(Exception exc) {
            trace.add(side + ":lost:" + (exc == null ? "None" : exc.getClass().getSimpleName()));
            if (!lost.done()) {
                lost.setResult(null);
            }
        }
    }

    interface Scenario {
        void run(List<String> trace) throws Exception;
    }

    private static List<String> aio4j(Scenario s) {
        List<String> trace = new ArrayList<>();
        NetTesting.run(() -> s.run(trace));
        return trace;
    }

    private static final InetSocketAddress ANY = new InetSocketAddress("127.0.0.1", 0);

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static InetSocketAddress at(Tracing p) {
        return (InetSocketAddress) p.transport.getExtraInfo("sockname");
    }

    @Test
    void anEchoRoundTripGivesTheSameCallbacksInTheSameOrder() {
        List<String> ours = aio4j(trace -> {
            Tracing server = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "server", true), ANY, null).protocol();
            Tracing client = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "client", false), null, at(server)).protocol();
            String[] data = {"a", "bb", "ccc"};
            for (int i = 0; i < data.length; i++) {
                client.transport.sendto(b(data[i]));
                int n = i + 1;
                until("the echo", () -> client.got == n);
            }
            client.transport.close();
            Aio.waitFor(client.lost, 10.0);
            server.transport.close();
            Aio.waitFor(server.lost, 10.0);
        });
        assertThat(ours).isEqualTo(python("echo"));
    }

    @Test
    void portUnreachableIsAnErrorAndTheEndpointStaysOpen() {
        List<String> ours = aio4j(trace -> {
            InetSocketAddress dead = DatagramsTest.deadPort(java.net.InetAddress.getLoopbackAddress());
            Tracing client = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "client", false), null, dead).protocol();
            client.transport.sendto(b("x"));
            Aio.waitFor(client.error, 10.0);
            trace.add("client:closing:" + (client.transport.isClosing() ? "True" : "False"));
            client.transport.close();
            Aio.waitFor(client.lost, 10.0);
        });
        assertThat(ours).isEqualTo(python("port_unreachable"));
    }

    @Test
    void sendtoAnotherAddressOnAConnectedEndpointRaisesAndTheEndpointGoesOn() {
        List<String> ours = aio4j(trace -> {
            Tracing server = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "server", false), ANY, null).protocol();
            InetSocketAddress to = at(server);
            Tracing client = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "client", false), null, to).protocol();
            int other = to.getPort() < 65535 ? to.getPort() + 1 : to.getPort() - 1;
            try {
                client.transport.sendto(b("x"), new InetSocketAddress("127.0.0.1", other));
                trace.add("client:sent");
            } catch (IllegalArgumentException e) {
                trace.add("client:raises:invalid-address");
            }
            client.transport.sendto(b("ok"), to);
            until("the datagram", () -> server.got == 1);
            trace.add("client:closing:" + (client.transport.isClosing() ? "True" : "False"));
            client.transport.close();
            Aio.waitFor(client.lost, 10.0);
            server.transport.close();
            Aio.waitFor(server.lost, 10.0);
        });
        assertThat(ours).isEqualTo(python("wrong_address"));
    }

    @Test
    void sendtoWithoutAnAddressOnAnUnconnectedEndpointRaisesWhereAsyncio311ClosesTheEndpoint() {
        List<String> ours = aio4j(trace -> {
            Tracing u = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "client", false), ANY, null).protocol();
            try {
                u.transport.sendto(b("x"));
                trace.add("client:returned");
            } catch (IllegalArgumentException e) {
                trace.add("client:raises:needs-address");
            }
            Aio.sleep(0.05);
            trace.add("client:closing:" + (u.transport.isClosing() ? "True" : "False"));
            u.transport.close();
            Aio.waitFor(u.lost, 10.0);
        });
        // asyncio 3.11: the TypeError from socket.sendto is a fatal write error, the endpoint is lost
        assertThat(python("unconnected_without_address"))
                .containsExactly("client:made", "client:returned", "client:lost:TypeError", "client:closing:True");
        assertThat(ours).containsExactly("client:made", "client:raises:needs-address", "client:closing:False", "client:lost:None");
    }

    @Test
    void anEmptyDatagramIsSentWhereAsyncio311DropsIt() {
        List<String> ours = aio4j(trace -> {
            Tracing server = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "server", false), ANY, null).protocol();
            Tracing u = Datagrams.createDatagramEndpoint(() -> new Tracing(trace, "client", false), ANY, null).protocol();
            u.transport.sendto(new byte[0], at(server));
            u.transport.sendto(b("end"), at(server));
            until("the datagrams", () -> server.got == 2);
            u.transport.close();
            Aio.waitFor(u.lost, 10.0);
            server.transport.close();
            Aio.waitFor(server.lost, 10.0);
        });
        // 3.11 returns early on empty data (3.13 sends it, as aio4j)
        assertThat(python("empty_datagram"))
                .containsExactly("server:made", "client:made", "server:got:end", "client:lost:None", "server:lost:None");
        assertThat(ours)
                .containsExactly("server:made", "client:made", "server:got:", "server:got:end", "client:lost:None", "server:lost:None");
    }
}
