package org.aio4j.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.aio4j.Aio;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.Server;
import org.aio4j.net.Transport;

/**
 * The aio4j echo server of the echo figure, also run by hand with {@code ./aio4j echo-server}.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp aio4j-bench.jar org.aio4j.bench.echo.Aio4jEchoServer
 *     [--protocol | --streams] [--host H] [--port P]
 * </pre>
 *
 * <p>{@code --protocol} (the default) serves with a {@link Protocol} whose {@code dataReceived}
 * writes the received bytes back with {@link Transport#write(byte[])}; {@code --streams} serves with
 * the streams layer (a task per connection that reads up to 64 KiB, writes it and drains). The host
 * defaults to 127.0.0.1 and the port to 8888; port 0 picks a free one. Once listening it prints
 * {@code READY <port>} on stdout and serves until the process is killed.
 *
 * <p>Exit status 2 for bad arguments, 1 when the server cannot start.
 */
public final class Aio4jEchoServer {
    private Aio4jEchoServer() {}

    /** Echoes every chunk it receives; one instance per connection. */
    private static final class EchoProtocol implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    public static void main(String[] args) {
        boolean streams = false;
        String host = "127.0.0.1";
        int port = 8888;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--protocol" -> streams = false;
                    case "--streams" -> streams = true;
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (RuntimeException e) {
            System.err.println("aio4j echo server: " + e.getMessage()
                    + "; usage: Aio4jEchoServer [--protocol | --streams] [--host H] [--port P]");
            System.exit(2);
        }
        String bindHost = host;
        int bindPort = port;
        boolean useStreams = streams;
        try {
            Aio.run(Aio.async(() -> {
                Server server = useStreams
                        ? StreamsEchoServer.start(bindHost, bindPort)
                        : Net.createServer(EchoProtocol::new, bindHost, bindPort);
                int actual = ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
                System.out.println("READY " + actual);
                System.out.flush();
                server.serveForever();
            }));
        } catch (Exception e) { // Aio.run passes the body's checked exceptions through unwrapped
            System.err.println("aio4j echo server: cannot serve on " + host + ":" + port + ": " + e);
            System.exit(1);
        }
    }
}
