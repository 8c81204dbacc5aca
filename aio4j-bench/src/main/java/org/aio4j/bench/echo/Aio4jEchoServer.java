package org.aio4j.bench.echo;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import org.aio4j.Aio;
import org.aio4j.LoopGroup;
import org.aio4j.net.GroupServer;
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
 *     [--protocol | --buffered | --streams] [--host H] [--port P] [--loops N [--hand-off]] [--work-us W | --work-iterations K]
 * </pre>
 *
 * <p>{@code --protocol} (the default) serves with a {@link Protocol} whose {@code dataReceived}
 * writes the received bytes back with {@link Transport#write(byte[])}; {@code --buffered} with a
 * {@link BufferedProtocol} reading into a direct buffer and writing it back (no copy in user space);
 * {@code --streams} serves with
 * the streams layer (a task per connection that reads up to 64 KiB, writes it and drains). The host
 * defaults to 127.0.0.1 and the port to 8888; port 0 picks a free one. {@code --loops N} serves
 * with a {@link LoopGroup} of N loops and a {@link GroupServer} (one {@code SO_REUSEPORT} listener
 * per loop; {@code --hand-off}: loop 0 accepts and hands connections to the loops); without it, one
 * loop and a plain {@link Server}. {@code --work-us W} adds W microseconds of CPU work per received
 * chunk before the echo ({@link CpuWork}; 0 by default); {@code --work-iterations K} gives its
 * iteration count instead (as calibrated by the figure). Once listening it prints
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
            WORK.run();
            transport.write(data);
        }
    }

    /** The CPU work per chunk ({@code --work-us}); set once in main before the server starts. */
    private static CpuWork WORK = CpuWork.of(0);

    /**
     * Echoes through one direct buffer shared by every connection of the loop ({@code --buffered}):
     * the transport reads into it and writes it straight back, so no byte is copied in user space
     * unless the socket does not take the whole reply (then the transport copies the remainder).
     * Sharing is safe because {@code write} sends or copies the bytes before it returns; the buffer
     * is per loop thread (a thread-local read once per connection), as a group's loops run at once.
     */
    private static final class BufferedEcho implements BufferedProtocol {
        private static final ThreadLocal<ByteBuffer> SHARED = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(64 * 1024));
        private Transport transport;
        private ByteBuffer shared;

        @Override
        public void connectionMade(Transport transport) {
            this.transport = transport;
            this.shared = SHARED.get();
        }

        @Override
        public ByteBuffer getBuffer(int sizeHint) {
            return shared.clear();
        }

        @Override
        public void bufferUpdated(int nbytes) {
            WORK.run();
            transport.write(shared.flip());
        }
    }

    public static void main(String[] args) {
        boolean streams = false;
        boolean buffered = false;
        String host = "127.0.0.1";
        int port = 8888;
        int loops = 0;
        boolean handOff = false;
        double workUs = 0;
        long workIterations = -1;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--protocol" -> streams = false;
                    case "--buffered" -> buffered = true;
                    case "--streams" -> streams = true;
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--loops" -> loops = Integer.parseInt(args[++i]);
                    case "--hand-off" -> handOff = true;
                    case "--work-us" -> workUs = Double.parseDouble(args[++i]);
                    case "--work-iterations" -> workIterations = Long.parseLong(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
        } catch (RuntimeException e) {
            System.err.println("aio4j echo server: " + e.getMessage()
                    + "; usage: Aio4jEchoServer [--protocol | --buffered | --streams] [--host H] [--port P]"
                    + " [--loops N [--hand-off]] [--work-us W]");
            System.exit(2);
        }
        String bindHost = host;
        int bindPort = port;
        boolean useStreams = streams;
        boolean useBuffered = buffered;
        WORK = workIterations >= 0 ? CpuWork.ofIterations(workIterations) : CpuWork.of(workUs);
        if (loops > 0) {
            serveWithGroup(loops, handOff, useStreams, useBuffered, host, port);
            return;
        }
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

    /** {@code --loops N}: a group of N loops and a server on every loop; serves until killed. */
    private static void serveWithGroup(int loops, boolean handOff, boolean streams, boolean buffered, String host, int port) {
        GroupServer.Accept accept = handOff ? GroupServer.Accept.HAND_OFF : GroupServer.Accept.AUTO;
        try (LoopGroup group = LoopGroup.create(loops)) {
            GroupServer server = streams
                    ? StreamsEchoServer.start(group, host, port, accept)
                    : Net.createServer(group, buffered ? BufferedEcho::new : EchoProtocol::new, host, port,
                            org.aio4j.net.ServerOptions.DEFAULT, accept);
            System.out.println("READY " + server.port());
            System.out.flush();
            server.waitClosed();
        } catch (Exception e) {
            System.err.println("aio4j echo server: cannot serve on " + host + ":" + port + " with " + loops + " loops: " + e);
            System.exit(1);
        }
    }
}
