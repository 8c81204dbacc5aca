package org.aio4j.examples.docs;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import javax.net.ssl.SSLHandshakeException;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.net.Connection;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.Server;
import org.aio4j.net.ServerOptions;
import org.aio4j.net.StreamPair;
import org.aio4j.net.Streams;
import org.aio4j.net.TlsOptions;
import org.aio4j.net.Transport;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of the "TLS" section of docs/networking.md, on real loopback sockets, with a CA and a
 * certificate for localhost made here (nothing checked in). The example for example.org is not run:
 * the build has no network.
 */
@Tag("slow")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NetworkingTlsGuideTest {
    static X509Certificate caCert;
    static X509Certificate cert;
    static PrivateKey key;

    @BeforeAll
    static void pki() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair ca = g.generateKeyPair();
        KeyPair leaf = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=guide CA");
        X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), caName, ca.getPublic());
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        caCert = new JcaX509CertificateConverter().getCertificate(
                cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        X509v3CertificateBuilder lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=localhost"), leaf.getPublic());
        lb.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        cert = new JcaX509CertificateConverter().getCertificate(
                lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(ca.getPrivate())));
        key = leaf.getPrivate();
    }

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    private static int port(Server server) throws IOException {
        return ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
    }

    static final class Echo implements Protocol {
        private Transport transport;

        @Override public void connectionMade(Transport t) { transport = t; }
        @Override public void dataReceived(byte[] data) { transport.write(data); }
    }

    @Test
    void aTlsClientTalksToATlsServerTrustingOnlyItsCa() {
        run(() -> {
            TlsOptions serverTls = TlsOptions.server(key, cert, caCert);       // PrivateKey, X509Certificate...
            Server server = Streams.startServer((r, w) -> NetworkingGuideTest.echoLines(r, w, 30.0), "127.0.0.1", 0, serverTls);
            int port = port(server);

            TlsOptions clientTls = TlsOptions.clientTrusting(caCert);
            StreamPair conn = Streams.openConnection("localhost", port, clientTls);
            conn.writer().write("hello\n".getBytes(UTF_8));
            byte[] line = Aio.timeout(2.0, () -> conn.reader().readline());
            X509Certificate peer = (X509Certificate) conn.writer().getExtraInfo("peercert");
            conn.writer().close();                 // close_notify, then the socket
            conn.writer().waitClosed();

            assertThat(new String(line, UTF_8)).isEqualTo("hello\n");
            assertThat(peer).isEqualTo(cert);
            server.close();
            server.closeClients();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void protocolsTakeTheSameOptionsAndAWrongNameIsExplained() {
        run(() -> {
            TlsOptions serverTls = TlsOptions.server(key, cert, caCert);
            TlsOptions clientTls = TlsOptions.clientTrusting(caCert);
            Server server = Net.createServer(Echo::new, "127.0.0.1", 0, ServerOptions.DEFAULT.withTls(serverTls));
            int port = port(server);
            Connection<Echo> c = Net.createConnection(Echo::new, "localhost", port, clientTls);
            assertThat(c.transport().getExtraInfo("cipher")).isNotNull();
            c.transport().close();

            try {
                Streams.openConnection("127.0.0.1", port, clientTls.withServerHostname("wrong.example"));
                fail("the wrong name was accepted");
            } catch (SSLHandshakeException e) {
                assertThat(e.getMessage()).contains("TLS handshake with server 127.0.0.1:" + port + " ('wrong.example') failed:"
                        + " the certificate is not valid for the name 'wrong.example': it presents [localhost, 127.0.0.1]");
            }
            server.close();
            server.closeClients();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }

    @Test
    void starttlsUpgradesAPlainConnectionOnBothSides() {
        run(() -> {
            TlsOptions serverTls = TlsOptions.server(key, cert, caCert);
            TlsOptions clientTls = TlsOptions.clientTrusting(caCert);
            // server side: plain text until the command, then TLS on the same connection
            Server server = Streams.startServer((r, w) -> {
                if (new String(r.readline(), UTF_8).equals("STARTTLS\n")) {
                    w.write("OK\n".getBytes(UTF_8));
                    w.drain();
                    w.startTls(serverTls);
                    NetworkingGuideTest.echoLines(r, w, 30.0);             // the same reader and writer, now encrypted
                }
            }, "127.0.0.1", 0);
            int port = port(server);

            // client side
            StreamPair conn = Streams.openConnection("127.0.0.1", port);
            conn.writer().write("STARTTLS\n".getBytes(UTF_8));
            conn.reader().readline();                  // OK
            conn.writer().startTls(clientTls.withServerHostname("localhost"));

            conn.writer().write("secret\n".getBytes(UTF_8));
            assertThat(new String(Aio.timeout(2.0, () -> conn.reader().readline()), UTF_8)).isEqualTo("secret\n");
            assertThat(conn.writer().getExtraInfo("peercert")).isEqualTo(cert);
            conn.writer().close();
            server.close();
            server.closeClients();
            Aio.timeout(5.0, () -> server.waitClosed());
        });
    }
}
