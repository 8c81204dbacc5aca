package org.aio4j.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.aio4j.test.OpenDescriptors;

/**
 * Connections churned with random cancellations of reads, writes' drains and whole connections: every
 * byte sent on a connection that then closed cleanly comes back exactly once, in order, and no
 * descriptor is left open. Scaled by {@code aio4j.stress.scale}; {@code aio4j.stress.seed} replays.
 */
@Tag("stress")
@Tag("slow")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StreamsChurnStressTest {
    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);
    private static final long SEED = Long.getLong("aio4j.stress.seed", System.nanoTime());

    /** Reads with a short random timeout, retrying after each expiry: a cancelled read must lose nothing. */
    private static byte[] jitteryRead(StreamReader reader, SplittableRandom rnd) throws Exception {
        while (true) {
            double limit = rnd.nextInt(4) == 0 ? 0.0005 : 1.0;
            try {
                return Aio.timeout(limit, () -> reader.read(1 + rnd.nextInt(8192)));
            } catch (TimeoutError expired) {
                // retry: the bytes are still in the reader's buffer
            }
        }
    }

    private static void jitteryDrain(StreamWriter writer, SplittableRandom rnd) throws Exception {
        while (true) {
            try {
                Aio.timeout(rnd.nextInt(4) == 0 ? 0.0005 : 5.0, () -> {
                    writer.drain();
                    return null;
                });
                return;
            } catch (TimeoutError expired) {
                // a cancelled drain leaves the queued bytes queued
            }
        }
    }

    @Test
    void everyByteSentBeforeACleanCloseArrivesExactlyOnceDespiteRandomCancellations() throws Exception {
        int before = OpenDescriptors.now();
        int clients = 20 * SCALE;
        int rounds = 3;
        AtomicLong verifiedBytes = new AtomicLong();
        AtomicInteger clean = new AtomicInteger();
        AtomicInteger aborted = new AtomicInteger();
        SplittableRandom master = new SplittableRandom(SEED);
        Aio.run(Aio.async(() -> {
            SplittableRandom serverRnd = master.split();
            Server server = Streams.startServer((reader, writer) -> {
                try {
                    while (true) {
                        byte[] chunk = jitteryRead(reader, serverRnd);
                        if (chunk.length == 0) {
                            break;
                        }
                        writer.write(chunk);
                        jitteryDrain(writer, serverRnd);
                    }
                    writer.writeEof();
                    jitteryDrain(writer, serverRnd);
                } catch (java.io.IOException peerGone) {
                    // an aborted client: its bytes are not checked
                } finally {
                    writer.close();
                }
            }, "127.0.0.1", 0);
            int port = ((InetSocketAddress) server.sockets().get(0).getLocalAddress()).getPort();
            List<Task<Void>> tasks = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                SplittableRandom rnd = master.split();
                tasks.add(Aio.createTask(Aio.async(() -> {
                    for (int r = 0; r < rounds; r++) {
                        StreamPair conn = Streams.openConnection("127.0.0.1", port);
                        boolean abort = rnd.nextInt(5) == 0;
                        byte[] sent = new byte[1 + rnd.nextInt(abort ? 50_000 : 300_000)];
                        rnd.nextBytes(sent);
                        ByteArrayOutputStream got = new ByteArrayOutputStream();
                        Task<Void> echoReader = Aio.createTask(Aio.async(() -> {
                            while (true) {
                                byte[] b = jitteryRead(conn.reader(), rnd);
                                if (b.length == 0) {
                                    return;
                                }
                                got.writeBytes(b);
                            }
                        }));
                        int off = 0;
                        while (off < sent.length) {
                            int n = Math.min(sent.length - off, 1 + rnd.nextInt(20_000));
                            conn.writer().write(Arrays.copyOfRange(sent, off, off + n));
                            off += n;
                            jitteryDrain(conn.writer(), rnd);
                            if (abort && rnd.nextInt(3) == 0) {
                                break;
                            }
                        }
                        if (abort) {
                            conn.writer().transport().abort();
                            echoReader.cancel();
                            try {
                                Aio.await(echoReader);
                            } catch (Throwable expected) {
                                // cancelled or reset
                            }
                            aborted.incrementAndGet();
                        } else {
                            conn.writer().writeEof();
                            Aio.timeout(60, () -> Aio.await(echoReader));
                            assertThat(got.toByteArray()).as("echo of connection %s", conn).isEqualTo(sent);
                            verifiedBytes.addAndGet(sent.length);
                            clean.incrementAndGet();
                        }
                        conn.writer().close();
                        conn.writer().waitClosed();
                    }
                    return null;
                })));
            }
            Aio.await(Aio.gather(tasks));
            server.close();
            server.closeClients();
            Aio.timeout(30, () -> {
                server.waitClosed();
                return null;
            });
            return null;
        }));
        assertThat(clean.get() + aborted.get()).isEqualTo(clients * rounds);
        assertThat(verifiedBytes.get()).isPositive();
        OpenDescriptors.assertNoLeak(before);
    }
}
