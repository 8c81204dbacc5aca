package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.TlsTest.CA;
import static org.aio4j.net.TlsTest.LEAF;
import static org.aio4j.net.TlsTest.port;
import static org.aio4j.net.TlsTest.shutdown;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * Many TLS clients at once against one TLS server, ending every way a connection can end (close
 * after an echo, close at once, abort mid-handshake, abort after an echo): every good client gets
 * its echo, the server
 * serves to the end, and no descriptor is left open. Scaled by {@code aio4j.stress.scale}.
 */
@Tag("stress")
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TlsChurnStressTest {
    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    @Test
    void manyClientsEndingEveryWayLeaveTheServerServingAndNothingOpen() {
        int before = OpenDescriptors.now();
        int clients = 200 * SCALE;
        run(() -> {
            // the default handshake timeout: 200 handshakes started at once on 2 cores queue for seconds
            Server server = Streams.startServer(TlsTest.ECHO_LINES, "127.0.0.1", 0, LEAF.server());
            int port = port(server);
            List<Task<Boolean>> tasks = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int kind = ThreadLocalRandom.current().nextInt(4);
                tasks.add(Aio.createTask(Aio.async(() -> {
                    switch (kind) {
                        case 0 -> { // echo, then close
                            StreamPair c = Streams.openConnection("localhost", port, CA.client());
                            c.writer().write(b("ping\n"));
                            boolean ok = new String(Aio.timeout(PATIENCE, c.reader()::readline)).equals("ping\n");
                            c.writer().close();
                            return ok;
                        }
                        case 1 -> { // close at once
                            StreamPair c = Streams.openConnection("localhost", port, CA.client());
                            c.writer().close();
                            return true;
                        }
                        case 2 -> { // give up during the handshake
                            try {
                                Aio.timeout(0.001, () -> Streams.openConnection("localhost", port, CA.client()));
                            } catch (org.aio4j.TimeoutError expected) {
                                // aborted mid-way
                            }
                            return true;
                        }
                        default -> { // abort after an echo
                            StreamPair c = Streams.openConnection("localhost", port, CA.client());
                            c.writer().write(b("ping\n"));
                            boolean ok = new String(Aio.timeout(PATIENCE, c.reader()::readline)).equals("ping\n");
                            c.writer().transport().abort();
                            return ok;
                        }
                    }
                })));
            }
            for (Task<Boolean> t : tasks) {
                assertThat(Aio.timeout(60.0, () -> Aio.await(t))).isTrue();
            }
            StreamPair last = Streams.openConnection("localhost", port, CA.client()); // still serving
            last.writer().write(b("last\n"));
            assertThat(new String(Aio.timeout(PATIENCE, last.reader()::readline))).isEqualTo("last\n");
            last.writer().close();
            NetTesting.until("every connection ended", () -> server.activeConnections() == 0);
            shutdown(server);
        });
        OpenDescriptors.assertNoLeak(before);
    }
}
