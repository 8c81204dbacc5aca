package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pins the JDK behaviour AsyncClient's cancellation relies on: cancel(false) on sendAsync's future
 * leaves the exchange running; only cancel(true) aborts it (so the client cancels with true).
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JdkCancelTest {
    @Test
    void onlyCancelTrueAbortsTheJdksExchange() throws Exception {
        try (TestServer server = TestServer.start(); HttpClient jdk = HttpClient.newHttpClient()) {
            HttpRequest drip = HttpRequest.newBuilder(URI.create(server.url("/drip?chunks=60&ms=10"))).build();
            CompletableFuture<HttpResponse<byte[]>> gentle = jdk.sendAsync(drip, HttpResponse.BodyHandlers.ofByteArray());
            Thread.sleep(100);
            gentle.cancel(false);
            Thread.sleep(300);
            assertThat(server.dripAborted.get()).as("after cancel(false)").isZero();
            CompletableFuture<HttpResponse<byte[]>> hard = jdk.sendAsync(drip, HttpResponse.BodyHandlers.ofByteArray());
            Thread.sleep(100);
            hard.cancel(true);
            long end = System.nanoTime() + 5_000_000_000L;
            while (server.dripAborted.get() == 0 && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertThat(server.dripAborted.get()).as("after cancel(true)").isEqualTo(1);
        }
    }
}
