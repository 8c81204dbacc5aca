package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** https with a certificate of a test CA: trusted through a given SSLContext, refused by the JDK's trust store; HTTP/2. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsTest {
    static TestPki pki;

    @BeforeAll
    static void makePki() throws Exception {
        pki = TestPki.create();
    }

    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    @Test
    void aClientWithAnSslContextTrustingTheCaGetsTheAnswer() throws Exception {
        int before = OpenDescriptors.now();
        try (TestServer server = TestServer.startTls(pki.serverContext())) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(pki.clientContext()))) {
                    Response r = client.get(server.url("/hello"));
                    assertThat(r.text()).isEqualTo("hello");
                    assertThat(r.url().getScheme()).isEqualTo("https");
                    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1); // HttpsServer has no ALPN h2
                }
            });
        }
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void theJdksTrustStoreRefusesTheTestCaWithAConnectErrorSayingWhatToDo() throws Exception {
        int before = OpenDescriptors.now();
        try (TestServer server = TestServer.startTls(pki.serverContext())) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create()) {
                    assertThatThrownBy(() -> client.get(server.url("/hello"))).isInstanceOf(ConnectError.class)
                            .hasMessageContaining("the TLS handshake with https://localhost:" + server.port() + " failed")
                            .hasMessageContaining("PKIX path building failed")
                            .hasMessageContaining("ClientOptions.withSslContext");
                }
            });
            assertThat(server.requests.get()).isZero();
        }
        OpenDescriptors.assertNoLeak(before);
    }

    @Test
    void http2OverTlsIsNegotiatedAndMultiplexesConcurrentRequestsOnOneConnection() throws Exception {
        try (H2Server h2 = new H2Server(pki)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(pki.clientContext()))) {
                    Response first = client.get(h2.url("/first"));
                    assertThat(first.version()).isEqualTo(HttpClient.Version.HTTP_2);
                    assertThat(first.text()).isEqualTo("h2 says hello to /first");
                    List<Task<String>> tasks = new ArrayList<>();
                    for (int i = 0; i < 20; i++) {
                        String url = h2.url("/n" + i);
                        tasks.add(Aio.createTask(Aio.async(() -> client.get(url).text())));
                    }
                    for (int i = 0; i < 20; i++) {
                        assertThat(Aio.await(tasks.get(i))).isEqualTo("h2 says hello to /n" + i);
                    }
                }
            });
            assertThat(h2.streams.get()).isEqualTo(21);
            assertThat(h2.connections.get()).isEqualTo(1);
        }
    }

    @Test
    void aTimedOutHttp2RequestResetsItsStreamAndTheConnectionGoesOn() throws Exception {
        try (H2Server h2 = new H2Server(pki)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(pki.clientContext()))) {
                    assertThat(client.get(h2.url("/before")).version()).isEqualTo(HttpClient.Version.HTTP_2);
                    assertThatThrownBy(() -> client.send(Request.get(h2.url("/never")).withTimeout(0.3)))
                            .isInstanceOf(org.aio4j.TimeoutError.class);
                    Aio.timeout(5.0, () -> {
                        while (h2.abandoned.get() == 0) {
                            Aio.sleep(0.02);
                        }
                    });
                    assertThat(client.get(h2.url("/after")).text()).isEqualTo("h2 says hello to /after");
                }
            });
            assertThat(h2.abandoned.get()).isEqualTo(1);
            assertThat(h2.connections.get()).as("the reset ended the stream, not the connection").isEqualTo(1);
        }
    }

    @Test
    void anHttp2BodyStreamsInChunks() throws Exception {
        try (H2Server h2 = new H2Server(pki)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(pki.clientContext()));
                        Response r = client.stream(Request.get(h2.url("/streamed")))) {
                    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
                    StringBuilder all = new StringBuilder();
                    for (byte[] c : r.chunks()) {
                        all.append(new String(c, StandardCharsets.UTF_8));
                    }
                    assertThat(all.toString()).isEqualTo("h2 says hello to /streamed");
                }
            });
        }
    }

    @Test
    void askingForHttp11GetsHttp11() throws Exception {
        try (TestServer server = TestServer.startTls(pki.serverContext())) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withSslContext(pki.clientContext())
                        .withVersion(HttpClient.Version.HTTP_1_1))) {
                    assertThat(client.send(Request.get(server.url("/hello"))).version()).isEqualTo(HttpClient.Version.HTTP_1_1);
                }
            });
        }
    }
}
