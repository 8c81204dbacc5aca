package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * Timeouts, cancellation and broken servers: a server that never answers, a reset in the middle of
 * a body, slow bodies. Every test counts the process's descriptors before and after.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FaultsTest {
    TestServer server;
    int fdsBefore;

    @BeforeEach
    void start() throws Exception {
        fdsBefore = OpenDescriptors.now();
        server = TestServer.start();
    }

    @AfterEach
    void stop() {
        server.close();
        OpenDescriptors.assertNoLeak(fdsBefore);
    }

    static void run(AsyncRunnable body) {
        Aio.run(Aio.async(body));
    }

    @Test
    void aServerThatNeverAnswersTimesOutAndSeesTheConnectionClosed() throws Exception {
        try (RawServer never = new RawServer(RawServer.Mode.NEVER_ANSWER)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create()) {
                    double start = Aio.runningLoop().time();
                    assertThatThrownBy(() -> client.send(Request.get(never.url("/x")).withTimeout(0.3)))
                            .isInstanceOf(TimeoutError.class)
                            .hasMessageContaining("GET " + never.url("/x") + ": no complete response within 0.3 s")
                            .hasMessageContaining("the request's timeout")
                            .hasMessageContaining("Request.withTimeout");
                    assertThat(Aio.runningLoop().time() - start).isBetween(0.29, 3.0);
                }
            });
            assertThat(never.firstClientClosed.await(5, TimeUnit.SECONDS)).as("the server saw the client go").isTrue();
        }
    }

    @Test
    void theClientsTimeoutAppliesWhenTheRequestHasNone() throws Exception {
        try (RawServer never = new RawServer(RawServer.Mode.NEVER_ANSWER)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(0.2))) {
                    assertThatThrownBy(() -> client.get(never.url("/x"))).isInstanceOf(TimeoutError.class)
                            .hasMessageContaining("the client's timeout").hasMessageContaining("ClientOptions.withTimeout");
                }
            });
            assertThat(never.firstClientClosed.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void aRequestsTimeoutReplacesTheClients() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(0.05))) {
                assertThat(client.send(Request.get(server.url("/slow?ms=200")).withTimeout(5.0)).status()).isEqualTo(200);
                assertThatThrownBy(() -> client.get(server.url("/slow?ms=200"))).isInstanceOf(TimeoutError.class);
            }
        });
    }

    @Test
    void aSurroundingAioTimeoutCancelsTheExchange() throws Exception {
        try (RawServer never = new RawServer(RawServer.Mode.NEVER_ANSWER)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create()) {
                    assertThatThrownBy(() -> Aio.timeout(0.2, () -> client.get(never.url("/x"))))
                            .isInstanceOf(TimeoutError.class);
                }
            });
            assertThat(never.firstClientClosed.await(5, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void cancellingTheAwaitingTaskAbortsTheExchangeAndFreesItsPermit() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnectionsPerHost(1))) {
                Task<Response> slow = Aio.createTask(Aio.async(() -> client.get(server.url("/drip?chunks=1000&ms=10"))));
                Aio.sleep(0.2);
                slow.cancel();
                assertThatThrownBy(() -> Aio.await(slow)).isInstanceOf(CancelledError.class);
                Aio.timeout(5.0, () -> {
                    while (server.dripAborted.get() == 0) {
                        Aio.sleep(0.02);
                    }
                });
                // one permit per host: this waits for the cancelled exchange's permit
                assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).text())).isEqualTo("hello");
            }
        });
        assertThat(server.dripAborted.get()).isEqualTo(1);
    }

    @Test
    void aResetInTheMiddleOfTheBodyIsAReadError() throws Exception {
        try (RawServer reset = new RawServer(RawServer.Mode.RESET_MID_BODY)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(5.0))) {
                    assertThatThrownBy(() -> client.get(reset.url("/x"))).isInstanceOf(ReadError.class)
                            .hasMessageContaining("GET " + reset.url("/x") + ": the connection failed or closed before"
                                    + " the response was complete");
                }
            });
        }
    }

    @Test
    void aResetWhileStreamingIsAReadErrorFromTheChunks() throws Exception {
        try (RawServer reset = new RawServer(RawServer.Mode.RESET_MID_BODY)) {
            run(() -> {
                try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(1));
                        Response r = client.stream(Request.get(reset.url("/x")))) {
                    assertThat(r.status()).isEqualTo(200);
                    long[] read = {0};
                    assertThatThrownBy(() -> Aio.timeout(5.0, () -> {
                        for (byte[] c : r.chunks()) {
                            read[0] += c.length;
                        }
                    })).isInstanceOf(ReadError.class).hasMessageContaining("while the response body was being read");
                    assertThat(read[0]).isEqualTo(1000);
                    assertThatThrownBy(r::bytes).isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("the connection failed");
                    // the failed body gave its permit back
                    assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).status())).isEqualTo(200);
                }
            });
        }
    }

    @Test
    void aSlowBodyWithinTheTimeoutArrivesWhole() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(5.0))) {
                String body = client.get(server.url("/drip?chunks=8&ms=30")).text();
                assertThat(body.lines()).hasSize(8).endsWith("drip 7");
            }
        });
    }

    @Test
    void aSlowBodyPastTheTimeoutTimesOutThoughTheHeadersCameInTime() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                assertThatThrownBy(() -> client.send(Request.get(server.url("/drip?chunks=100&ms=20")).withTimeout(0.3)))
                        .isInstanceOf(TimeoutError.class).hasMessageContaining("no complete response within 0.3 s");
                Aio.timeout(5.0, () -> {
                    while (server.dripAborted.get() == 0) {
                        Aio.sleep(0.02);
                    }
                });
            }
        });
    }

    @Test
    void streamsTimeoutCoversTheHeadersOnly() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(0.2));
                    Response r = client.stream(Request.get(server.url("/drip?chunks=15&ms=30")))) {
                assertThat(r.text().lines()).hasSize(15); // ~0.45 s of body, past the 0.2 s timeout
            }
        });
    }
}
