package org.aio4j.examples.docs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.channels.DatagramChannel;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Future;
import org.aio4j.net.Datagram;
import org.aio4j.net.DatagramEndpoint;
import org.aio4j.net.DatagramProtocol;
import org.aio4j.net.DatagramTransport;
import org.aio4j.net.Datagrams;
import org.aio4j.net.Sockets;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of the "Datagrams (UDP)" section of docs/networking.md, on real loopback sockets. */
@Tag("slow")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DatagramsGuideTest {

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    /** The guide's UDP echo protocol. */
    static final class EchoUdp implements DatagramProtocol {
        private DatagramTransport transport;

        @Override public void connectionMade(DatagramTransport t) { transport = t; }
        @Override public void datagramReceived(byte[] data, InetSocketAddress from) { transport.sendto(data, from); }
    }

    /** The guide's client: the reply, or the error, of one ping to {@code server}. */
    static String ping(InetSocketAddress server) throws IOException {
        Future<String> reply = Aio.runningLoop().createFuture();
        DatagramEndpoint<DatagramProtocol> client = Datagrams.createDatagramEndpoint(() -> new DatagramProtocol() {
            @Override public void datagramReceived(byte[] data, InetSocketAddress from) {
                reply.setResult(new String(data, UTF_8));
            }
            @Override public void errorReceived(IOException exc) {      // e.g. PortUnreachableException
                if (!reply.done()) reply.setException(exc);
            }
        }, null, server);
        client.transport().sendto("ping".getBytes(UTF_8));
        try {
            return Aio.waitFor(reply, 2.0);                              // UDP may lose it: always bound the wait
        } finally {
            client.transport().close();
        }
    }

    @Test
    void theEchoServerAnswersTheConnectedClient() {
        run(() -> {
            DatagramEndpoint<EchoUdp> server = Datagrams.createDatagramEndpoint(EchoUdp::new,
                    new InetSocketAddress("127.0.0.1", 0), null);
            InetSocketAddress at = (InetSocketAddress) server.transport().getExtraInfo("sockname");
            assertThat(ping(at)).isEqualTo("ping");
            server.transport().close();
        });
    }

    @Test
    void aPingToAPortNobodyListensOnFailsWithPortUnreachable() throws IOException {
        InetSocketAddress nobody;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            nobody = (InetSocketAddress) s.getLocalSocketAddress();
        }
        InetSocketAddress dead = nobody;
        run(() -> assertThatThrownBy(() -> ping(dead)).isInstanceOf(PortUnreachableException.class));
    }

    @Test
    void theSocketCoroutinesWorkOnYourOwnChannel() {
        run(() -> {
            try (DatagramChannel a = DatagramChannel.open(); DatagramChannel b = DatagramChannel.open()) {
                a.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                b.bind(new InetSocketAddress("127.0.0.1", 0)).configureBlocking(false);
                Sockets.sockSendto(b, "hi".getBytes(UTF_8), a.getLocalAddress());
                Datagram d = Sockets.sockRecvfrom(a, 65_527);
                assertThat(new String(d.data(), UTF_8)).isEqualTo("hi");
                assertThat(d.address()).isEqualTo(b.getLocalAddress());
            }
        });
    }
}
