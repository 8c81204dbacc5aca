package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.Task;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The client's calls against a real local HTTP/1.1 server. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncClientTest {
    TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    @Test
    void getReturnsStatusHeadersBodyAndVersion() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response r = client.get(server.url("/hello"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.isSuccess()).isTrue();
                assertThat(r.header("content-type")).isEqualTo("text/plain; charset=UTF-8");
                assertThat(r.text()).isEqualTo("hello");
                assertThat(r.bytes()).isEqualTo("hello".getBytes());
                assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_1_1); // the server has no h2c
                assertThat(r.url().toString()).isEqualTo(server.url("/hello"));
                assertThat(r.toString()).isEqualTo("<Response [200 HTTP_1_1] GET " + server.url("/hello") + ">");
            }
        });
    }

    @Test
    void postSendsTheBodyAndItsContentType() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response text = client.post(server.url("/echo"), "héllo");
                assertThat(text.text()).isEqualTo("POST héllo");
                assertThat(text.header("X-Seen-Content-Type")).isEqualTo("text/plain; charset=UTF-8");
                Response bytes = client.post(server.url("/echo"), new byte[] {'a', 'b'});
                assertThat(bytes.text()).isEqualTo("POST ab");
                assertThat(bytes.header("X-Seen-Content-Type")).isEqualTo("application/octet-stream");
            }
        });
    }

    @Test
    void sendUsesTheRequestsMethodHeadersAndBody() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Request put = Request.of("PUT", server.url("/echo")).withBody("v=1".getBytes())
                        .withHeader("X-Extra", "one").withHeader("x-extra", "two");
                Response r = client.send(put);
                assertThat(r.text()).isEqualTo("PUT v=1");
                assertThat(r.header("X-Seen-Extra")).isEqualTo("two");
                assertThat(r.request()).isSameAs(put);
                Response json = client.send(Request.postJson(server.url("/echo"), "{\"a\":1}"));
                assertThat(json.text()).isEqualTo("POST {\"a\":1}");
                assertThat(json.header("X-Seen-Content-Type")).isEqualTo("application/json");
            }
        });
    }

    @Test
    void jsonTextIsUtf8WithoutTheByteOrderMarkAndTextFollowsTheCharset() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                assertThat(client.get(server.url("/json")).jsonText()).isEqualTo("{\"id\": 7, \"name\": \"Zoë\"}");
                assertThat(client.get(server.url("/latin1")).text()).isEqualTo("café");
            }
        });
    }

    @Test
    void anErrorStatusIsAResponseUntilRaiseForStatus() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response r = client.get(server.url("/status?code=404"));
                assertThat(r.status()).isEqualTo(404);
                assertThat(r.text()).isEqualTo("status 404");
                assertThatThrownBy(r::raiseForStatus).isInstanceOf(HttpStatusError.class)
                        .hasMessageContaining("HTTP 404 (client error) from GET " + server.url("/status?code=404"))
                        .satisfies(e -> assertThat(((HttpStatusError) e).response()).isSameAs(r));
                assertThatThrownBy(() -> client.get(server.url("/status?code=503")).raiseForStatus())
                        .isInstanceOf(HttpStatusError.class).hasMessageContaining("503 (server error)");
                assertThat(client.get(server.url("/hello")).raiseForStatus().text()).isEqualTo("hello");
            }
        });
    }

    @Test
    void redirectsAreFollowedAndTheUrlIsTheLastOne() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response r = client.get(server.url("/redirect"));
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).isEqualTo("hello");
                assertThat(r.url().toString()).isEqualTo(server.url("/hello"));
                assertThat(r.request().url().toString()).isEqualTo(server.url("/redirect"));
            }
        });
    }

    @Test
    void withoutFollowingARedirectIsReturnedAndRaiseForStatusSaysWhereItPoints() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withFollowRedirects(false))) {
                Response r = client.get(server.url("/redirect"));
                assertThat(r.status()).isEqualTo(302);
                assertThat(r.header("Location")).isEqualTo("/hello");
                assertThatThrownBy(r::raiseForStatus).isInstanceOf(HttpStatusError.class)
                        .hasMessageContaining("302 (redirect)").hasMessageContaining("'/hello'");
            }
        });
    }

    @Test
    void aRedirectLoopEndsInAnHttpError() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                assertThatThrownBy(() -> client.get(server.url("/loop")))
                        .isInstanceOf(HttpError.class).hasMessageContaining("too many redirects");
            }
        });
    }

    @Test
    void aRefusedConnectionIsAConnectErrorNamingTheOrigin() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nobody listens there
        }
        String url = "http://127.0.0.1:" + port + "/x";
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                assertThatThrownBy(() -> client.get(url)).isInstanceOf(ConnectError.class)
                        .hasMessageContaining("could not connect to http://127.0.0.1:" + port)
                        .hasMessageContaining("is a server listening there?")
                        .satisfies(e -> assertThat(((HttpError) e).request().url().toString()).isEqualTo(url));
            }
        });
    }

    @Test
    void aClosedClientRefusesToSend() {
        run(() -> {
            AsyncClient client = AsyncClient.create();
            client.close();
            client.close();
            assertThatThrownBy(() -> client.get(server.url("/hello"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the AsyncClient is CLOSED");
        });
    }

    @Test
    void outsideACoroutineTheCallsSayWhereToCallThemAndSendNothing() {
        try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(2))) {
            assertThatThrownBy(() -> client.get(server.url("/hello"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("outside a coroutine").hasMessageContaining("Aio.run(Aio.async(...))");
            assertThatThrownBy(() -> client.stream(Request.get(server.url("/hello"))))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("outside a coroutine");
        }
        assertThat(server.requests.get()).isZero();
    }

    @Test
    void thePerHostLimitBoundsWhatTheServerSeesAtOnceForEachOrigin() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnectionsPerHost(3))) {
                List<Task<Response>> tasks = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    // two origins on the same server: 127.0.0.1 and localhost count separately
                    String host = i % 2 == 0 ? "127.0.0.1" : "localhost";
                    String url = "http://" + host + ":" + server.port() + "/slow?ms=40&id=" + i;
                    tasks.add(Aio.createTask(Aio.async(() -> client.get(url))));
                }
                for (Task<Response> t : tasks) {
                    assertThat(Aio.await(t).status()).isEqualTo(200);
                }
            }
        });
        assertThat(server.maxConcurrent.get()).isBetween(4, 6);
    }

    @Test
    void theClientLimitBoundsAllHostsTogether() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(4)
                    .withMaxConnectionsPerHost(3))) {
                List<Task<Response>> tasks = new ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    String host = i % 2 == 0 ? "127.0.0.1" : "localhost";
                    String url = "http://" + host + ":" + server.port() + "/slow?ms=40";
                    tasks.add(Aio.createTask(Aio.async(() -> client.get(url))));
                }
                Aio.await(Aio.gather(tasks));
            }
        });
        assertThat(server.maxConcurrent.get()).isBetween(2, 4);
    }

    @Test
    void aThousandConcurrentRequestsUnderSemaphore50NeverExceed50AtTheServer() {
        int n = 1000;
        List<Integer> statuses = Aio.run(Aio.async(() -> {
            Semaphore limit = Semaphore.create(50);
            try (AsyncClient client = AsyncClient.create()) {
                List<Task<Integer>> tasks = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String url = server.url("/slow?ms=5&id=" + i);
                    tasks.add(Aio.createTask(Aio.async(() -> {
                        try (Acquired permit = limit.acquire()) {
                            return client.get(url).status();
                        }
                    })));
                }
                return Aio.await(Aio.gather(tasks));
            }
        }));
        assertThat(statuses).hasSize(n).containsOnly(200);
        assertThat(server.maxConcurrent.get()).isLessThanOrEqualTo(50).isGreaterThan(1);
        assertThat(server.requests.get()).isEqualTo(n);
    }

    @Test
    void aClientWithLimitsServesOneLoopAfterAnother() {
        try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnectionsPerHost(1))) {
            for (int round = 0; round < 2; round++) {
                run(() -> {
                    Task<Response> a = Aio.createTask(Aio.async(() -> client.get(server.url("/slow?ms=10"))));
                    Task<Response> b = Aio.createTask(Aio.async(() -> client.get(server.url("/slow?ms=10"))));
                    assertThat(Aio.await(a).status()).isEqualTo(200);
                    assertThat(Aio.await(b).status()).isEqualTo(200);
                });
            }
        }
        assertThat(server.maxConcurrent.get()).isEqualTo(1);
    }
}
