package org.aio4j.net;

import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import org.aio4j.Aio;

/**
 * The other end of a connection under test: a plain non-blocking channel the test drives by polling
 * from its coroutine (short sleeps let the loop run), so the test never depends on the code it tests.
 */
final class Peer implements AutoCloseable {
    final SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private boolean eof;

    Peer(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
    }

    /** Sends all of {@code data}, waiting while the socket buffer is full. */
    void send(byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        double end = Aio.runningLoop().time() + NetTesting.PATIENCE;
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                if (Aio.runningLoop().time() > end) {
                    fail("the peer could not send: the other side does not read");
                }
                Aio.sleep(0.001);
            }
        }
    }

    void send(String s) throws IOException {
        send(s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** Reads what is available now; returns false once end of stream was seen. */
    boolean poll() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(256 * 1024);
        int n;
        while ((n = channel.read(b)) > 0) {
            received.write(b.array(), 0, n);
            b.clear();
        }
        if (n < 0) {
            eof = true;
        }
        return !eof;
    }

    /** Reads until {@code total} bytes arrived in all; returns them all. */
    byte[] readUntil(int total) throws IOException {
        NetTesting.until("the peer received " + total + " bytes", () -> {
            poll();
            return received.size() >= total || eof;
        });
        return received.toByteArray();
    }

    /** Reads until end of stream; returns every byte received. */
    byte[] readToEof() throws IOException {
        NetTesting.until("end of stream at the peer", () -> !poll());
        return received.toByteArray();
    }

    /** Everything received so far. */
    byte[] received() {
        return received.toByteArray();
    }

    String receivedString() {
        return received.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    boolean sawEof() {
        return eof;
    }

    /** Closes with SO_LINGER 0: the kernel sends a RST instead of a FIN. */
    void reset() throws IOException {
        channel.setOption(StandardSocketOptions.SO_LINGER, 0);
        channel.close();
    }

    void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
