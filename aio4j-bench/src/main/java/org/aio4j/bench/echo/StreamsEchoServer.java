package org.aio4j.bench.echo;

import java.io.IOException;
import org.aio4j.LoopGroup;
import org.aio4j.net.ClientConnected;
import org.aio4j.net.GroupServer;
import org.aio4j.net.Server;
import org.aio4j.net.ServerOptions;
import org.aio4j.net.StreamReader;
import org.aio4j.net.Streams;

/**
 * The streams variant of {@link Aio4jEchoServer} ({@code --streams}): one task per connection reads
 * up to 64 KiB, writes it back and drains, until EOF.
 */
public final class StreamsEchoServer {
    /** Bytes asked for per read, as the asyncio streams echo server of the figure. */
    static final int READ_SIZE = 64 * 1024;

    private StreamsEchoServer() {}

    /**
     * Starts the streams echo server; call from a coroutine on the event loop.
     *
     * @return the listening server (serving already)
     * @throws IOException if it cannot listen on {@code host:port}
     */
    public static Server start(String host, int port) throws IOException {
        return Streams.startServer(HANDLER, host, port);
    }

    /** Starts it on every loop of {@code group} (any thread that runs no loop, or a coroutine). */
    public static GroupServer start(LoopGroup group, String host, int port, GroupServer.Accept accept) throws IOException {
        return Streams.startServer(group, HANDLER, host, port, StreamReader.DEFAULT_LIMIT, ServerOptions.DEFAULT, accept);
    }

    /** Reads up to 64 KiB, writes it back, drains; until EOF. */
    private static final ClientConnected HANDLER = (reader, writer) -> {
        try {
            while (true) {
                byte[] data = reader.read(READ_SIZE);
                if (data.length == 0) {
                    break; // EOF
                }
                writer.write(data);
                writer.drain();
            }
        } finally {
            writer.close();
        }
    };
}
