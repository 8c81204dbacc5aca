package org.aio4j.bench.echo;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.aio4j.Aio;
import org.aio4j.net.BufferedProtocol;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.Server;
import org.aio4j.net.Transport;

/**
 * The aio4j echo server of the echo figure, also run by hand with {@code ./aio4j echo-server}.
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp aio4j-bench.jar org.aio4j.bench.echo.Aio4jEchoServer
 *     [--protocol | --buffered | --streams] [--host H] [--port P]
 * </pre>
 *
 * <p>{@code --protocol} (the default) serves with a {@link Protocol} whose {@code dataReceived}
 * writes the received bytes back with {@link Transport#write(byte[])}; {@code --buffered} with a
 * {@link BufferedProtocol} reading into a direct buffer and writing it back (no copy in user space);
 * {@code --streams} serves with
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

    /**
     * Echoes through one direct buffer shared by every connection of the loop ({@code --buffered}):
     * the transport reads into it and writes it straight back, so no byte is copied in user space
     * unless the socket does not take the whole reply (then the transport copies the remainder).
     * Sharing is safe because {@code write} sends or copies the bytes before it returns.
     */
    private static final class BufferedEcho implements BufferedProtocol {
        private static final ByteBuffer SHARED = ByteBuffer.allocateDirect(64 * 1024);
        private Transport transport;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return SHARED.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            transport.write(SHARED.flip());
        }
    }

    public static void main(String[] args) {
        boolean streams = false;
        boolean buffered = false;
        String host = "127.0.0.1";
        int port = 8888;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--protocol" -> streams = false;
                    case "--buffered" -> buffered = true;
                    case "--streams" -> streams = true;
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (RuntimeException e) {
            System.err.println("aio4j echo server: " + e.getMessage()
                    + "; usage: Aio4jEchoServer [--protocol | --buffered | --streams] [--host H] [--port P]");
            System.exit(2);
        }
        String bindHost = host;
        int bindPort = port;
        boolean useStreams = streams;
        boolean useBuffered = buffered;
        try {
            Aio.run(Aio.async(() -> {
                Server server = useStreams
                        ? StreamsEchoServer.start(bindHost, bindPort)
                        : useBuffered ? Net.createServer(BufferedEcho::new, bindHost, bindPort)
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
