package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.AsyncGenerator;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/** Streamed and buffered bodies: chunks with backpressure, one way of reading, closing. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ResponseTest {
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
    void aStreamedBodyArrivesInChunksInOrder() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create();
                    Response r = client.stream(Request.get(server.url("/drip?chunks=5&ms=5")))) {
                assertThat(r.status()).isEqualTo(200);
                StringBuilder all = new StringBuilder();
                int chunks = 0;
                for (byte[] c : r.chunks()) {
                    assertThat(c).isNotEmpty();
                    all.append(new String(c, StandardCharsets.UTF_8));
                    chunks++;
                }
                assertThat(all.toString()).isEqualTo("drip 0\ndrip 1\ndrip 2\ndrip 3\ndrip 4\n");
                assertThat(chunks).isGreaterThan(1); // they came as the server wrote them
                assertThatThrownBy(r::bytes).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("already read by chunks()");
            }
        });
    }

    @Test
    void aSlowConsumerHoldsTheServerBackInsteadOfBufferingTheBody() {
        long total = 64L << 20;
        run(() -> {
            try (AsyncClient client = AsyncClient.create();
                    Response r = client.stream(Request.get(server.url("/big?mb=64")))) {
                AsyncGenerator<byte[]> chunks = r.chunks();
                long read = chunks.anext().length;
                Aio.sleep(0.5); // the consumer is busy; the server fills the buffers and blocks
                long inFlight = server.bigWritten.get() - read;
                // what the socket buffers hold (about 4 MB on Linux loopback), not the 64 MB body
                assertThat(inFlight).as("bytes written by the server and not yet consumed")
                        .isLessThan(16L << 20);
                for (byte[] c : chunks) {
                    read += c.length;
                }
                assertThat(read).isEqualTo(total);
            }
        });
        assertThat(server.bigWritten.get()).isEqualTo(total);
    }

    @Test
    void bytesOfAStreamedResponseReadsTheRestAndBuffersIt() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create();
                    Response r = client.stream(Request.get(server.url("/drip?chunks=3&ms=1")))) {
                assertThat(r.text()).isEqualTo("drip 0\ndrip 1\ndrip 2\n");
                assertThat(r.text()).isEqualTo("drip 0\ndrip 1\ndrip 2\n");
                assertThat(r.chunks().toList()).hasSize(1);
            }
        });
    }

    @Test
    void aBufferedResponsesChunksAreItsBodyOnce() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create()) {
                Response r = client.get(server.url("/hello"));
                List<byte[]> chunks = r.chunks().toList();
                assertThat(chunks).hasSize(1);
                assertThat(new String(chunks.get(0), StandardCharsets.UTF_8)).isEqualTo("hello");
                r.close();
                assertThat(r.text()).isEqualTo("hello"); // a buffered body outlives close()
            }
        });
    }

    @Test
    void closingAStreamedResponseEarlyAbortsItsBodyAtTheServer() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnectionsPerHost(1))) {
                try (Response r = client.stream(Request.get(server.url("/drip?chunks=500&ms=10")))) {
                    assertThat(new String(r.chunks().anext(), StandardCharsets.UTF_8)).startsWith("drip 0");
                }
                Aio.timeout(5.0, () -> {
                    while (server.dripAborted.get() == 0) {
                        Aio.sleep(0.02);
                    }
                });
                // the permit came back: with one per host the next request goes through
                assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).text())).isEqualTo("hello");
            }
        });
        assertThat(server.dripAborted.get()).isEqualTo(1);
    }

    @Test
    void takingTheFirstChunksClosesTheRestOfTheBody() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(1));
                    Response r = client.stream(Request.get(server.url("/drip?chunks=500&ms=10")))) {
                List<byte[]> first = r.chunks().take(2).toList();
                assertThat(first).hasSize(2);
                assertThatThrownBy(r::bytes).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is gone (its chunks() generator was closed");
                assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).status())).isEqualTo(200);
            }
        });
    }

    @Test
    void cancellingTheConsumerCancelsTheBody() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnections(1))) {
                Response r = client.stream(Request.get(server.url("/drip?chunks=500&ms=10")));
                Task<Integer> reader = Aio.createTask(Aio.async(() -> {
                    int n = 0;
                    for (byte[] c : r.chunks()) {
                        n += c.length;
                    }
                    return n;
                }));
                Aio.sleep(0.1);
                reader.cancel();
                assertThatThrownBy(() -> Aio.await(reader)).isInstanceOf(CancelledError.class);
                assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).status())).isEqualTo(200);
                Aio.timeout(5.0, () -> {
                    while (server.dripAborted.get() == 0) {
                        Aio.sleep(0.02);
                    }
                });
            }
        });
    }

    @Test
    void aStreamedResponseDroppedUnreadIsCancelledOnceCollected() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withMaxConnectionsPerHost(1))) {
                client.stream(Request.get(server.url("/drip?chunks=1000&ms=10"))); // never read nor closed
                Aio.timeout(10.0, () -> {
                    while (server.dripAborted.get() == 0) {
                        System.gc();
                        Aio.sleep(0.05);
                    }
                });
                // and its permit came back
                assertThat(Aio.timeout(5.0, () -> client.get(server.url("/hello")).status())).isEqualTo(200);
            }
        });
    }

    @Test
    void aBodyIsReadOneWayOnly() {
        run(() -> {
            try (AsyncClient client = AsyncClient.create();
                    Response r = client.stream(Request.get(server.url("/drip?chunks=2&ms=1")))) {
                AsyncGenerator<byte[]> chunks = r.chunks();
                assertThatThrownBy(r::chunks).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("is being read by its chunks() generator");
                assertThatThrownBy(r::text).isInstanceOf(IllegalStateException.class);
                chunks.toList();
            }
        });
    }
}
