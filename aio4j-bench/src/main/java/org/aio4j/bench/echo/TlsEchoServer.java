package org.aio4j.bench.echo;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import org.aio4j.Aio;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.Server;
import org.aio4j.net.ServerOptions;
import org.aio4j.net.Streams;
import org.aio4j.net.TlsOptions;
import org.aio4j.net.Transport;

/**
 * The aio4j TLS echo server of the {@code tls-echo} figure ({@link org.aio4j.bench.TlsEchoFigure}).
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp aio4j-bench.jar org.aio4j.bench.echo.TlsEchoServer
 *     --cert cert.pem --key key.pem [--protocol | --streams] [--host H] [--port P]
 * </pre>
 *
 * <p>{@code --protocol} (the default) echoes from {@code dataReceived} with {@code transport.write};
 * {@code --streams} runs a task per connection that reads up to 64 KiB, writes it and drains. The
 * certificate is a PEM X.509 certificate, the key a PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY},
 * as {@code openssl req -nodes} writes it). Prints {@code READY <port>} once listening and serves
 * until killed. Exit status 2 for bad arguments, 1 when the server cannot start.
 */
public final class TlsEchoServer {
    private TlsEchoServer() {}

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

    public static void main(String[] args) {
        boolean streams = false;
        String host = "127.0.0.1";
        int port = 8443;
        Path cert = null;
        Path key = null;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--protocol" -> streams = false;
                    case "--streams" -> streams = true;
                    case "--host" -> host = args[++i];
                    case "--port" -> port = Integer.parseInt(args[++i]);
                    case "--cert" -> cert = Path.of(args[++i]);
                    case "--key" -> key = Path.of(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                }
            }
            if (cert == null || key == null) {
                throw new IllegalArgumentException("--cert and --key are required");
            }
        } catch (RuntimeException e) {
            System.err.println("aio4j TLS echo server: " + e.getMessage() + "; usage: TlsEchoServer --cert F --key F"
                    + " [--protocol | --streams] [--host H] [--port P]");
            System.exit(2);
        }
        TlsOptions tls;
        try {
            tls = TlsOptions.server(readKey(key), readCert(cert));
        } catch (IOException | GeneralSecurityException e) {
            System.err.println("aio4j TLS echo server: cannot read " + cert + " / " + key + ": " + e);
            System.exit(1);
            return;
        }
        String bindHost = host;
        int bindPort = port;
        boolean useStreams = streams;
        try {
            Aio.run(Aio.async(() -> {
                Server server = useStreams
                        ? Streams.startServer((reader, writer) -> {
                            try {
                                while (true) {
                                    byte[] data = reader.read(StreamsEchoServer.READ_SIZE);
                                    if (data.length == 0) {
                                        break;
                                    }
                                    writer.write(data);
                                    writer.drain();
                                }
                            } finally {
                                writer.close();
                            }
                        }, bindHost, bindPort, tls)
                        : Net.createServer(EchoProtocol::new, bindHost, bindPort, ServerOptions.DEFAULT.withTls(tls));
                int actual = ((InetSocketAddress) server.sockets().getFirst().getLocalAddress()).getPort();
                System.out.println("READY " + actual);
                System.out.flush();
                server.serveForever();
            }));
        } catch (Exception e) {
            System.err.println("aio4j TLS echo server: cannot serve on " + host + ":" + port + ": " + e);
            System.exit(1);
        }
    }

    static X509Certificate readCert(Path file) throws IOException, GeneralSecurityException {
        try (var in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new GeneralSecurityException(file + " holds no PKCS#8 'BEGIN PRIVATE KEY' block");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String alg : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException tryNext) {
                // not this algorithm
            }
        }
        throw new GeneralSecurityException(file + ": not an EC, RSA or Ed25519 PKCS#8 key");
    }
}
