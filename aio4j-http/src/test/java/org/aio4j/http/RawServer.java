package org.aio4j.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving HTTP server on a plain ServerSocket, one virtual thread per connection: it reads the
 * request head and then either never answers, or sends part of a body and resets the connection.
 */
final class RawServer implements AutoCloseable {
    enum Mode { NEVER_ANSWER, RESET_MID_BODY }

    private final ServerSocket socket;
    private final Mode mode;
    /** Connections accepted, and those the client closed (seen as EOF or reset by the server). */
    final AtomicInteger accepted = new AtomicInteger();
    final AtomicInteger clientClosed = new AtomicInteger();
    final CountDownLatch firstClientClosed = new CountDownLatch(1);

    RawServer(Mode mode) throws IOException {
        this.mode = mode;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().start(this::acceptLoop);
    }

    String url(String path) {
        return "http://127.0.0.1:" + socket.getLocalPort() + path;
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                accepted.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(s));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            readHead(in);
            if (mode == Mode.RESET_MID_BODY) {
                s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 100000\r\nContent-Type: text/plain\r\n\r\n"
                        + "x".repeat(1000)).getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                Thread.sleep(100);
                s.setSoLinger(true, 0); // close() sends RST
                return;
            }
            // never answer: wait for the client to give up
            while (in.read() >= 0) {
                // discard
            }
            clientGone();
        } catch (IOException e) {
            clientGone(); // reset by the client
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void clientGone() {
        clientClosed.incrementAndGet();
        firstClientClosed.countDown();
    }

    private static void readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            head.write(c);
            if (head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
