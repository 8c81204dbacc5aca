package org.aio4j.examples;

import static org.aio4j.Aio.async;

import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.aio4j.Aio;
import org.aio4j.TimeoutError;
import org.aio4j.net.ConnectOptions;
import org.aio4j.net.Server;
import org.aio4j.net.StreamPair;
import org.aio4j.net.StreamReader;
import org.aio4j.net.StreamWriter;
import org.aio4j.net.Streams;

/**
 * A line echo server on loopback and a client that talks to it with timeouts: the client's read
 * of a slow answer times out and the connection goes on; the server drops a client that goes quiet
 * (a per-connection read timeout), and shuts down cleanly (close, closeClients, waitClosed).
 */
final class EchoDemo {
    private EchoDemo() {
    }

    /** Seconds a client may stay silent before the server hangs up on it. */
    static final double IDLE_LIMIT = 1.0;

    /** The server's handler: echoes each line upper-cased; "slow ..." lines are answered after 1.5 s. */
    static void handle(Timeline t, StreamReader reader, StreamWriter writer) throws Exception {
        Object peer = writer.getExtraInfo("peername");
        t.log("server: client " + peer + " connected");
        try {
            while (true) {
                byte[] line = Aio.timeout(IDLE_LIMIT, () -> reader.readline());
                if (line.length == 0) {
                    t.log("server: client " + peer + " closed its side");
                    break;
                }
                String text = new String(line, StandardCharsets.UTF_8).strip();
                if (text.startsWith("slow")) {
                    Aio.sleep(1.5);
                }
                writer.write((text.toUpperCase() + "\n").getBytes(StandardCharsets.UTF_8));
                writer.drain();
            }
        } catch (TimeoutError e) {
            t.log("server: client " + peer + " silent for " + IDLE_LIMIT + " s, hanging up");
        } finally {
            writer.close();
        }
    }

    /** Sends one line and waits at most {@code limit} seconds for the answer. */
    static String ask(Timeline t, StreamPair conn, String line, double limit) throws Exception {
        conn.writer().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        conn.writer().drain();
        try {
            byte[] answer = Aio.timeout(limit, () -> conn.reader().readline());
            String text = new String(answer, StandardCharsets.UTF_8).strip();
            t.log("client: '" + line + "' -> '" + text + "'");
            return text;
        } catch (TimeoutError e) {
            t.log("client: '" + line + "' -> no answer within " + limit + " s");
            return null;
        }
    }

    static void run(PrintStream out, DemoRunner runner) {
        out.println("7. An echo server on loopback, a client with timeouts");
        runner.run(async(() -> {
            Timeline t = Timeline.start(out);
            Server server = Streams.startServer((r, w) -> handle(t, r, w), "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            t.log("server: listening on 127.0.0.1:" + port);
            StreamPair conn = Streams.openConnection("127.0.0.1", port, 64 * 1024,
                    ConnectOptions.DEFAULT.withConnectTimeout(1.0));
            ask(t, conn, "hello", 0.5);
            ask(t, conn, "slow query", 0.5);       // answered after 1.5 s: the client gives up at 0.5 s
            ask(t, conn, "after the timeout", 2.0); // the late answer arrives first, then this one
            String late = new String(conn.reader().readline(), StandardCharsets.UTF_8).strip();
            t.log("client: next line is '" + late + "'");
            t.log("client: going quiet");
            byte[] end = conn.reader().read(-1); // the server hangs up after its idle limit
            t.log("client: server closed the connection (" + end.length + " more bytes)");
            conn.writer().close();
            conn.writer().waitClosed();
            server.close();
            server.closeClients();
            Aio.timeout(5.0, () -> server.waitClosed());
            t.log("server: closed");
            return null;
        }));
        out.println();
    }
}
