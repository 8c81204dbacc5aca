package org.aio4j.net;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.ExceptionContext;

/** Shared helpers of the socket tests: running a body on a real-time loop, bounded polling, connections. */
final class NetTesting {
    /** Generous: loopback I/O takes microseconds, but the machine may be busy. */
    static final double PATIENCE = 10.0;

    private NetTesting() {
    }

    /** A condition that may do I/O. */
    @FunctionalInterface
    interface Check {
        boolean holds() throws Exception;
    }

    /** Runs {@code body} as the main task of a new loop on the system clock. */
    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    /** Polls {@code check} (letting the loop run between polls) until it holds; fails after {@link #PATIENCE}. */
    static void until(String what, Check check) {
        double end = Aio.runningLoop().time() + PATIENCE;
        try {
            while (!check.holds()) {
                if (Aio.runningLoop().time() > end) {
                    fail("waited " + PATIENCE + " s for: " + what);
                }
                Aio.sleep(0.001);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("checking " + what + " failed", e);
        }
    }

    /** Lets the loop run for {@code seconds} of real time (to show that something does not happen). */
    static void idle(double seconds) {
        Aio.sleep(seconds);
    }

    /** Collects what the running loop reports to its exception handler from now on. */
    static List<ExceptionContext> captureReports() {
        List<ExceptionContext> reports = Collections.synchronizedList(new ArrayList<>());
        Aio.runningLoop().setExceptionHandler((loop, ctx) -> reports.add(ctx));
        return reports;
    }

    static InetSocketAddress loopback(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** A transport connected with {@link Net#createConnection} and the raw peer it connected to. */
    record Pair<P extends BaseProtocol>(Transport transport, P protocol, Peer peer) {
    }

    /** Connects a new protocol over loopback TCP to a plain listening socket and accepts the peer. */
    static <P extends BaseProtocol> Pair<P> connect(Supplier<P> factory) throws IOException {
        try (ServerSocketChannel l = ServerSocketChannel.open()) {
            l.bind(loopback(0));
            int port = ((InetSocketAddress) l.getLocalAddress()).getPort();
            Connection<P> c = Net.createConnection(factory, "127.0.0.1", port);
            SocketChannel s = l.accept(); // the connection is established: in the accept queue already
            return new Pair<>(c.transport(), c.protocol(), new Peer(s));
        }
    }

    /** {@code n} bytes of a pattern that shows misordered or missing chunks (not periodic in 256). */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + (i >>> 11));
        }
        return b;
    }
}
