package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.http.AsyncClient;
import org.aio4j.http.ClientOptions;
import org.aio4j.http.ConnectError;
import org.aio4j.http.HttpError;
import org.aio4j.http.Request;
import org.aio4j.http.Response;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Semaphore;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/http.md, against a real local HTTP server: if they break, the guide is wrong. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HttpGuideTest {
    HttpServer server;
    ExecutorService threads;
    String base;
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        threads = Executors.newVirtualThreadPerTaskExecutor();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        threads.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String path = ex.getRequestURI().getPath();
            byte[] in = ex.getRequestBody().readAllBytes();
            String body;
            int status = 200;
            String type = "text/plain; charset=UTF-8";
            switch (path) {
                case "/users/7" -> {
                    type = "application/json";
                    body = "{\"id\": 7}";
                }
                case "/orders" -> {
                    status = 201;
                    body = ex.getRequestHeaders().getFirst("Authorization") + " " + new String(in, StandardCharsets.UTF_8);
                }
                case "/echo" -> body = ex.getRequestMethod() + " " + new String(in, StandardCharsets.UTF_8);
                case "/slow" -> {
                    try {
                        Thread.sleep(2_000);
                    } catch (InterruptedException e) {
                        return;
                    }
                    body = "slow";
                }
                case "/big" -> {
                    ex.sendResponseHeaders(200, 8 << 20);
                    byte[] chunk = new byte[64 << 10];
                    for (int i = 0; i < 128; i++) {
                        ex.getResponseBody().write(chunk);
                    }
                    return;
                }
                case "/item" -> {
                    int now = inFlight.incrementAndGet();
                    maxInFlight.accumulateAndGet(now, Math::max);
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        inFlight.decrementAndGet();
                    }
                    body = "item " + ex.getRequestURI().getQuery();
                }
                default -> body = path.substring(1);
            }
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", type);
            ex.sendResponseHeaders(status, b.length);
            ex.getResponseBody().write(b);
        } catch (IOException gone) {
            // the client went away
        }
    }

    private static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    @Test
    void aFirstRequest() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response r = client.get(base + "/users/7");
                r.raiseForStatus();
                assertThat(r.status() + " " + r.version() + " " + r.header("Content-Type"))
                        .isEqualTo("200 HTTP_1_1 application/json");
                String json = r.jsonText();
                assertThat(json).isEqualTo("{\"id\": 7}");
            }
        });
    }

    @Test
    void sending() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                byte[] bytes = "v=1".getBytes(StandardCharsets.UTF_8);
                Response created = client.send(Request.postJson(base + "/orders", "{\"item\": 7}")
                        .withHeader("Authorization", "Bearer secret")
                        .withTimeout(2.0));
                Response echoed = client.post(base + "/echo", "plain text");
                Response put = client.send(Request.of("PUT", base + "/echo").withBody(bytes));
                assertThat(created.status()).isEqualTo(201);
                assertThat(created.text()).isEqualTo("Bearer secret {\"item\": 7}");
                assertThat(echoed.text()).isEqualTo("POST plain text");
                assertThat(put.text()).isEqualTo("PUT v=1");
            }
        });
    }

    @Test
    void timeouts() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(5.0))) {
                assertThatThrownBy(() -> client.send(Request.get(base + "/slow").withTimeout(0.5)))
                        .isInstanceOf(TimeoutError.class)
                        .hasMessageStartingWith("GET " + base + "/slow: no complete response within 0.5 s (the request's"
                                + " timeout); the exchange was cancelled.");
                String all = Aio.timeout(10.0, () -> {
                    return client.get(base + "/a").text() + client.get(base + "/b").text();
                });
                assertThat(all).isEqualTo("ab");
            }
        });
    }

    @Test
    void manyRequestsAtOnce() {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            urls.add(base + "/item?" + i);
        }
        urls.add("http://127.0.0.1:1/refused"); // nobody listens on port 1
        run(() -> {
            Semaphore limit = Semaphore.create(50);
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(2.0))) {
                List<Coro<String>> calls = new ArrayList<>();
                for (String url : urls) {
                    calls.add(async(() -> {
                        try (Acquired permit = limit.acquire()) {
                            return client.get(url).raiseForStatus().text();
                        } catch (TimeoutError | HttpError e) {
                            return "failed: " + e.getMessage();
                        }
                    }));
                }
                List<String> bodies = await(gather(calls));
                assertThat(bodies).hasSize(301).startsWith("item 0", "item 1");
                assertThat(bodies.get(300)).startsWith("failed: GET http://127.0.0.1:1/refused: could not connect");
            }
        });
        assertThat(maxInFlight.get()).isBetween(1, 50);
    }

    @Test
    void clientLimits() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(100)
                    .withMaxConnectionsPerHost(10))) {
                List<Task<Response>> tasks = new ArrayList<>();
                for (int i = 0; i < 100; i++) {
                    String url = base + "/item?" + i;
                    tasks.add(createTask(async(() -> client.get(url))));
                }
                await(gather(tasks));
            }
        });
        assertThat(maxInFlight.get()).isBetween(1, 10);
    }

    @Test
    void streamingBodies() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                try (Response r = client.stream(Request.get(base + "/big"))) {
                    r.raiseForStatus();
                    long total = 0;
                    for (byte[] chunk : r.chunks()) {
                        total += chunk.length;
                    }
                    assertThat(total).isEqualTo(8 << 20);
                }
            }
        });
    }

    @Test
    void cancellation() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Task<Response> slow = createTask(async(() -> client.get(base + "/slow")));
                sleep(0.1);
                slow.cancel();
                assertThatThrownBy(() -> await(slow)).isInstanceOf(CancelledError.class);
            }
        });
    }

    @Test
    void tlsWithAPrivateCa() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair caKeys = g.generateKeyPair();
        KeyPair leaf = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name caName = new X500Name("CN=guide CA");
        X509v3CertificateBuilder cb = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), caName, caKeys.getPublic());
        cb.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        X509Certificate ca = new JcaX509CertificateConverter().getCertificate(
                cb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        X509v3CertificateBuilder lb = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))),
                new X500Name("CN=localhost"), leaf.getPublic());
        lb.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName[] {new GeneralName(GeneralName.dNSName, "localhost")}));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                lb.build(new JcaContentSignerBuilder("SHA256withECDSA").build(caKeys.getPrivate())));
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("k", leaf.getPrivate(), "pw".toCharArray(), new Certificate[] {cert, ca});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "pw".toCharArray());
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext trustingOurCa = SSLContext.getInstance("TLS");
        trustingOurCa.init(null, tmf.getTrustManagers(), null);

        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        https.setExecutor(threads);
        https.createContext("/", this::handle);
        https.start();
        int port = https.getAddress().getPort();
        try {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(trustingOurCa))) {
                    Response r = client.get("https://localhost:" + port + "/hello");
                    assertThat(r.text()).isEqualTo("hello");
                    // the JDK's HttpsServer offers no h2 by ALPN: HTTP/1.1 (aio4j-http's tests check h2 on Netty)
                    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
                }
                try (AsyncClient byDefault = AsyncClient.create()) {
                    assertThatThrownBy(() -> byDefault.get("https://localhost:" + port + "/hello"))
                            .isInstanceOf(ConnectError.class).hasMessageContaining("ClientOptions.withSslContext(...)");
                }
            });
        } finally {
            https.stop(0);
        }
    }
}
