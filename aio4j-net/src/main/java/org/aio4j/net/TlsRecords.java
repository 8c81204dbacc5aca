package org.aio4j.net;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import org.aio4j.EventLoop;

/**
 * A TLS connection's records: its {@link SSLEngine}, the ciphertext read from the socket and not yet
 * unwrapped, and the wrap and unwrap loops. The lifecycle around them is
 * {@link TlsProtocol}'s.
 *
 * <p>Loop thread only.
 */
final class TlsRecords {
    /*
     * Buffers: ciphertext comes in through the socket transport's BufferedProtocol read straight
     * into netIn (heap: the JDK's engine works on arrays; a direct buffer would be copied). Unwrap
     * and wrap output go through two per-loop heap buffers (Shared), used only between an engine
     * call and the copy that follows it: plaintext is copied to a new array before the sink (an
     * application callback) runs, and ciphertext is handed to the socket transport, which sends it
     * or copies what it cannot send, before the next wrap. So no callback can see or clobber a
     * shared buffer in use, whichever connection it writes to. Several records are unwrapped per
     * read and delivered as one array (asyncio joins them too); a large write is wrapped into up to
     * 64 KiB of records per socket write. Every loop ends when a call neither consumes nor produces.
     */

    /** What {@link #unwrap} did. */
    enum Unwrapped { PROGRESS, NEED_DATA, CLOSED }

    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);
    private static final int NET_IN_SIZE = 64 * 1024;

    /** The per-loop staging buffers. */
    private static final class Shared {
        private static final Map<EventLoop, Shared> BY_LOOP = new WeakHashMap<>();
        ByteBuffer netOut = ByteBuffer.allocate(64 * 1024 + 17 * 1024);
        ByteBuffer appIn = ByteBuffer.allocate(128 * 1024);

        static Shared of(EventLoop loop) {
            synchronized (BY_LOOP) {
                return BY_LOOP.computeIfAbsent(loop, l -> new Shared());
            }
        }
    }

    // loop thread only
    final SSLEngine engine;
    private final Shared bufs;
    private Transport tcp;
    private ByteBuffer netIn = ByteBuffer.allocate(NET_IN_SIZE); // write mode: data in [0, position)
    /** The session's record sizes, read at the start, after each handshake and on an overflow (L5). */
    private int packetSize;
    private int appSize;

    TlsRecords(EventLoop loop, SSLEngine engine) {
        this.engine = engine;
        this.bufs = Shared.of(loop);
        readSizes();
    }

    /** A configured engine: client mode with endpoint identification and SNI, or server mode; ALPN. */
    static SSLEngine newEngine(TlsOptions options, String serverName, int port) {
        SSLEngine engine;
        if (options.serverSide()) {
            engine = options.context().createSSLEngine();
            engine.setUseClientMode(false);
        } else {
            engine = serverName != null ? options.context().createSSLEngine(serverName, port) : options.context().createSSLEngine();
            engine.setUseClientMode(true);
        }
        SSLParameters p = options.parameters() != null ? options.parameters() : engine.getSSLParameters();
        if (!options.serverSide()) {
            if (options.checkHostname()) {
                if (serverName == null) {
                    throw new IllegalArgumentException("checking the host name needs a serverHostname (the connection has"
                            + " no host name of its own): set TlsOptions.withServerHostname, or withCheckHostname(false)");
                }
                p.setEndpointIdentificationAlgorithm("HTTPS"); // the JDK checks no name unless told
            }
            if (serverName != null && !Net.isLiteral(serverName)) {
                p.setServerNames(List.of(new SNIHostName(serverName)));
            }
        }
        if (!options.alpnProtocols().isEmpty()) {
            p.setApplicationProtocols(options.alpnProtocols().toArray(String[]::new));
        }
        engine.setSSLParameters(p);
        return engine;
    }

    void attach(Transport tcp) {
        this.tcp = tcp;
    }

    void readSizes() {
        javax.net.ssl.SSLSession session = engine.getSession(); // synchronized in the JDK: not per record
        packetSize = session.getPacketBufferSize();
        appSize = session.getApplicationBufferSize();
    }

    // ================================================================ ciphertext in

    /** The buffer the socket transport reads into (BufferedProtocol.getBuffer). */
    ByteBuffer readBuffer() {
        if (!netIn.hasRemaining()) {
            ensureRoom(NET_IN_SIZE);
        }
        return netIn;
    }

    /** Adds ciphertext that did not come through {@link #readBuffer} (startTls). */
    void feed(byte[] ciphertext) {
        ensureRoom(ciphertext.length);
        netIn.put(ciphertext);
    }

    boolean hasInput() {
        return netIn.position() > 0;
    }

    void dropInput() {
        netIn.clear();
    }

    private void ensureRoom(int n) {
        if (netIn.remaining() >= n) {
            return;
        }
        ByteBuffer grown = ByteBuffer.allocate(Math.max(netIn.capacity() * 2, netIn.position() + n));
        netIn.flip();
        grown.put(netIn);
        netIn = grown;
    }

    /**
     * Unwraps what has arrived, several records at a time, and hands the plaintext (if any) to
     * {@code sink} as one new array; stops at a partial record, a handshake step for the caller, or
     * the peer's close_notify.
     *
     * @throws SSLException the engine's error (the alert, if any, is left for {@link #sendAlert})
     */
    Unwrapped unwrap(Consumer<byte[]> sink) throws SSLException {
        ByteBuffer dst = bufs.appIn;
        dst.clear();
        boolean progress = false;
        boolean closed = false;
        netIn.flip();
        try {
            while (netIn.hasRemaining()) {
                if (dst.remaining() < appSize) {
                    if (dst.position() > 0) {
                        break; // deliver this batch first
                    }
                    bufs.appIn = dst = ByteBuffer.allocate(Math.max(appSize * 2, dst.capacity()));
                }
                SSLEngineResult r = engine.unwrap(netIn, dst);
                SSLEngineResult.Status s = r.getStatus();
                if (s == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
                    break; // a partial record: read more
                }
                if (s == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    readSizes();
                    if (dst.position() > 0) {
                        break;
                    }
                    bufs.appIn = dst = ByteBuffer.allocate(Math.max(dst.capacity() * 2, appSize)); // the sizes grew (L5)
                    continue;
                }
                if (r.bytesConsumed() > 0 || r.bytesProduced() > 0) {
                    progress = true;
                }
                if (s == SSLEngineResult.Status.CLOSED) {
                    closed = true;
                    break;
                }
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs != HandshakeStatus.NOT_HANDSHAKING || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                    break; // the caller decides (wrap, task, handshake done)
                }
            }
        } catch (SSLException e) {
            netIn.compact();
            dst.clear();
            throw e;
        }
        netIn.compact();
        if (!netIn.hasRemaining()) {
            ensureRoom(NET_IN_SIZE); // a record larger than the buffer (L5, L6)
        }
        if (dst.position() > 0) {
            byte[] data = new byte[dst.position()];
            dst.flip();
            dst.get(data);
            dst.clear();
            sink.accept(data);
        }
        if (closed) {
            return Unwrapped.CLOSED;
        }
        return progress ? Unwrapped.PROGRESS : Unwrapped.NEED_DATA;
    }

    // ================================================================ ciphertext out

    /**
     * Wraps {@code src} (EMPTY for handshake and close messages) into records and hands them to the
     * socket transport: all of {@code src} while the engine is not handshaking, else what the engine
     * takes before it wants something else.
     *
     * @throws SSLException the engine's error
     */
    void wrap(ByteBuffer src) throws SSLException {
        ByteBuffer out = bufs.netOut;
        out.clear();
        try {
            while (true) {
                if (out.remaining() < packetSize) {
                    if (out.position() > 0) {
                        out = send(out);
                    }
                    if (out.capacity() < packetSize) {
                        bufs.netOut = out = ByteBuffer.allocate(packetSize * 2);
                    }
                }
                SSLEngineResult r = engine.wrap(src, out);
                SSLEngineResult.Status s = r.getStatus();
                if (s == SSLEngineResult.Status.BUFFER_OVERFLOW) {
                    readSizes();
                    if (out.position() == 0) {
                        bufs.netOut = out = ByteBuffer.allocate(Math.max(out.capacity() * 2, packetSize));
                    } else {
                        out = send(out);
                    }
                    continue;
                }
                if (s == SSLEngineResult.Status.CLOSED || (r.bytesConsumed() == 0 && r.bytesProduced() == 0)) {
                    break;
                }
                HandshakeStatus hs = r.getHandshakeStatus();
                if (hs == HandshakeStatus.NEED_WRAP) {
                    continue; // more of a flight
                }
                if (src.hasRemaining() && hs == HandshakeStatus.NOT_HANDSHAKING) {
                    continue; // more application data
                }
                break;
            }
        } catch (SSLException e) {
            out.clear();
            throw e;
        }
        if (out.position() > 0) {
            send(out);
        }
    }

    /** Hands the records in {@code out} to the socket transport; returns the (cleared) staging buffer. */
    private ByteBuffer send(ByteBuffer out) {
        out.flip();
        tcp.write(out.array(), out.arrayOffset(), out.remaining()); // sent, or copied into its queue
        out.clear();
        ByteBuffer now = bufs.netOut; // a callback inside write() may have grown it
        now.clear();
        return now;
    }

    /** After an engine error the engine may hold an alert for the peer: send it, so the peer learns why. */
    void sendAlert() {
        ByteBuffer out = bufs.netOut;
        out.clear();
        try {
            for (int i = 0; i < 4 && !engine.isOutboundDone(); i++) {
                SSLEngineResult r = engine.wrap(EMPTY, out);
                if (r.bytesProduced() == 0) {
                    break;
                }
            }
        } catch (SSLException | RuntimeException ignored) {
            // nothing more to say to the peer
        }
        if (out.position() > 0) {
            send(out);
        }
        out.clear();
    }
}
