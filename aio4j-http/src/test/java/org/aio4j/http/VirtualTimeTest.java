package org.aio4j.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.aio4j.Aio;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * The client under the test kit's virtual time: an exchange in flight is work outside the loop, so
 * the virtual clock does not jump over it to the timeout's deadline.
 */
class VirtualTimeTest {
    @AioTest(timeout = 30)
    void aTimeoutDoesNotExpireByAVirtualJumpWhileTheExchangeIsInFlight(TestLoop test) {
        TestServer server;
        try {
            server = TestServer.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (server; AsyncClient client = AsyncClient.create(ClientOptions.DEFAULT.withTimeout(1.0))) {
            double start = test.time();
            Response r = client.get(server.url("/slow?ms=100"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(test.time() - start).as("virtual seconds").isLessThan(1.0);
            Aio.sleep(3600); // the clock still jumps when nothing is in flight
            assertThat(test.time() - start).isGreaterThanOrEqualTo(3600.0);
        }
    }
}
