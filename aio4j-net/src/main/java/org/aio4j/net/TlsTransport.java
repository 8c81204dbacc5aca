package org.aio4j.net;

import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * The transport an application protocol sees on a TLS connection (asyncio's
 * {@code _SSLProtocolTransport}): plaintext in and out, the TLS layer ({@link TlsProtocol}) in
 * between and the socket transport below. The {@link Transport} contract holds, with these TLS rules:
 *
 * <ul>
 *   <li>{@link #close} sends what is queued, then a close_notify, waits (at most
 *       {@link TlsOptions#shutdownTimeout}) for the peer's, then closes the socket; {@link #abort}
 *       closes the socket at once, without a close_notify.</li>
 *   <li>{@link #writeEof} throws {@link UnsupportedOperationException}: TLS has no half-close
 *       ({@link #canWriteEof} is false), as in asyncio.</li>
 *   <li>The peer's close_notify, or its TCP end of file, reaches the protocol as {@code eofReceived};
 *       returning true does not keep the connection open, it is shut down either way.</li>
 *   <li>{@link #getWriteBufferSize} counts the plaintext not yet encrypted and the ciphertext the
 *       socket has not taken.</li>
 * </ul>
 *
 * <p>Extra info, besides the socket's ({@code "peername"}, {@code "sockname"}, {@code "socket"}):
 * {@code "peercert"} (the peer's {@link java.security.cert.X509Certificate}, or null if it sent none),
 * {@code "peercertchain"} (a {@code List<Certificate>}), {@code "cipher"} (the cipher suite's name),
 * {@code "tls_version"} (e.g. {@code "TLSv1.3"}), {@code "alpn_protocol"} (the chosen ALPN protocol,
 * or null), {@code "ssl_object"} (the {@link javax.net.ssl.SSLEngine}: read its session and
 * parameters, never wrap, unwrap or close it), {@code "sslcontext"} and {@code "server_hostname"}.
 *
 * <p>Loop thread only.
 */
final class TlsTransport implements Transport {
    // loop thread only
    private final TlsProtocol tls;

    TlsTransport(TlsProtocol tls) {
        this.tls = tls;
    }

    TlsProtocol tls() {
        return tls;
    }

    @Override
    public void write(byte[] data) {
        write(data, 0, data.length);
    }

    @Override
    public void write(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        tls.write(data, offset, length);
    }

    @Override
    public void write(ByteBuffer data) {
        if (data.hasArray()) {
            int off = data.arrayOffset() + data.position();
            int len = data.remaining();
            data.position(data.limit());
            tls.write(data.array(), off, len);
            return;
        }
        byte[] copy = new byte[data.remaining()];
        data.get(copy);
        tls.write(copy, 0, copy.length);
    }

    @Override
    public void writelines(Iterable<byte[]> chunks) {
        for (byte[] c : chunks) {
            write(c);
        }
    }

    /** @throws UnsupportedOperationException always: TLS has no half-close (asyncio raises too) */
    @Override
    public void writeEof() {
        throw new UnsupportedOperationException("writeEof() on a TLS transport: TLS has no half-close (a close_notify"
                + " ends both directions); call close() when done writing, or use plain TCP for a half-closed stream");
    }

    @Override
    public boolean canWriteEof() {
        return false;
    }

    @Override
    public void close() {
        tls.close();
    }

    @Override
    public void abort() {
        tls.abort();
    }

    @Override
    public boolean isClosing() {
        return tls.isClosing();
    }

    @Override
    public void pauseReading() {
        tls.pauseReading();
    }

    @Override
    public void resumeReading() {
        tls.resumeReading();
    }

    @Override
    public boolean isReading() {
        return tls.isReading();
    }

    @Override
    public long getWriteBufferSize() {
        return tls.writeBufferSize();
    }

    @Override
    public WriteBufferLimits getWriteBufferLimits() {
        return tls.limits();
    }

    @Override
    public void setWriteBufferLimits(WriteBufferLimits limits) {
        tls.setLimits(Objects.requireNonNull(limits, "limits"));
    }

    @Override
    public BaseProtocol getProtocol() {
        return tls.appProtocol();
    }

    @Override
    public void setProtocol(BaseProtocol protocol) {
        tls.setAppProtocol(protocol);
    }

    @Override
    public Object getExtraInfo(String name) {
        switch (name) {
            case "sslcontext":
                return tls.options().context();
            case "ssl_object":
                return tls.engine();
            case "server_hostname":
                return tls.serverName();
            default:
                break;
        }
        if (tls.established()) {
            SSLSession s = tls.engine().getSession();
            switch (name) {
                case "peercert":
                case "peercertchain":
                    try {
                        Certificate[] chain = s.getPeerCertificates();
                        return name.equals("peercert") ? chain[0] : List.of(chain);
                    } catch (SSLPeerUnverifiedException none) {
                        return null;
                    }
                case "cipher":
                    return s.getCipherSuite();
                case "tls_version":
                    return s.getProtocol();
                case "alpn_protocol": {
                    String a = tls.engine().getApplicationProtocol();
                    return a == null || a.isEmpty() ? null : a;
                }
                default:
                    break;
            }
        }
        return tls.socketInfo(name);
    }

    @Override
    public String toString() {
        return "TlsTransport[" + tls.describe() + "]";
    }
}
