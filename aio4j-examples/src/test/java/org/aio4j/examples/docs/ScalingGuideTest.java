package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.LoopGroup;
import org.aio4j.net.GroupServer;
import org.aio4j.net.Net;
import org.aio4j.net.Protocol;
import org.aio4j.net.ServerOptions;
import org.aio4j.net.Streams;
import org.aio4j.net.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/scaling.md, in real time (a group is threads): if they break, the guide is wrong. */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ScalingGuideTest {

    static long sumOfPrimes(long from, long to) {
        long sum = 0;
        for (long n = Math.max(2, from); n < to; n++) {
            boolean prime = true;
            for (long d = 2; d * d <= n; d++) {
                if (n % d == 0) {
                    prime = false;
                    break;
                }
            }
            if (prime) {
                sum += n;
            }
        }
        return sum;
    }

    static final class Echo implements Protocol {
        private Transport transport;

        @Override
        public void connectionMade(Transport t) {
            transport = t;
        }

        @Override
        public void dataReceived(byte[] data) {
            transport.write(data);
        }
    }

    private static String echoOnce(int port, String text) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            byte[] buf = new byte[text.length()];
            int got = 0;
            while (got < buf.length) {
                int n = in.read(buf, got, buf.length - got);
                if (n < 0) {
                    break;
                }
                got += n;
            }
            return new String(buf, 0, got, StandardCharsets.UTF_8);
        }
    }

    @Test
    void makeAGroupAndPlaceWorkOnIt() {
        long total;
        try (LoopGroup group = LoopGroup.create()) {
            CompletableFuture<Long> a = group.submit(async(() -> sumOfPrimes(0, 200_000)));
            CompletableFuture<Long> b = group.submit(async(() -> sumOfPrimes(200_000, 400_000)));
            total = group.run(async(() -> await(a) + await(b)));
        }
        assertThat(total).isEqualTo(sumOfPrimes(0, 400_000));
    }

    @Test
    void runOnALoopThreadIsAnError() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            CompletableFuture<Integer> f = group.submit(async(() -> group.run(async(() -> 1))));
            assertThat(f).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOf(IllegalStateException.class)
                    .withMessageContaining("run() blocks the calling thread")
                    .withMessageContaining("await(group.submit(coro)) instead");
        }
    }

    @Test
    void theSameKeyAlwaysRunsOnTheSameLoop() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            EventLoop first = group.submit("user-42", async(() -> Aio.runningLoop())).get(5, TimeUnit.SECONDS);
            EventLoop again = group.submit("user-42", async(() -> Aio.runningLoop())).get(5, TimeUnit.SECONDS);
            assertThat(again).isSameAs(first).isSameAs(group.loop(group.indexFor("user-42")));
        }
    }

    @Test
    void aServerOnEveryLoop() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Net.createServer(group, Echo::new, "127.0.0.1", 0);
            assertThat(echoOnce(server.port(), "hello")).isEqualTo("hello");
            server.close();
            server.closeClients();
            server.waitClosed();
        }
    }

    @Test
    void aStreamsServerOnEveryLoopWithHandOff() throws Exception {
        Set<EventLoop> loops = ConcurrentHashMap.newKeySet();
        try (LoopGroup group = LoopGroup.create(2)) {
            GroupServer server = Streams.startServer(group, (reader, writer) -> {
                loops.add(Aio.runningLoop());
                writer.write(reader.readline());
                writer.drain();
                writer.close();
            }, "127.0.0.1", 0, 65536, ServerOptions.DEFAULT, GroupServer.Accept.HAND_OFF);
            assertThat(echoOnce(server.port(), "one\n")).isEqualTo("one\n");
            assertThat(echoOnce(server.port(), "two\n")).isEqualTo("two\n");
            server.close();
            server.waitClosed();
        }
        assertThat(loops).as("round robin: one connection per loop").hasSize(2);
    }

    @Test
    void crossingLoops() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            EventLoop otherLoop = group.loop(1);
            String r = group.submitTo(0, async(() -> {
                String viaGroup = await(group.submitTo(1, async(() -> "looked up on 1")));
                String viaLoop = await(Aio.runCoroutineThreadsafe(async(() -> "and again"), otherLoop));
                return viaGroup + ", " + viaLoop;
            })).get(5, TimeUnit.SECONDS);
            assertThat(r).isEqualTo("looked up on 1, and again");

            Future<String> ofLoop1 = group.submitTo(1, async(() -> Aio.runningLoop().<String>createFuture()))
                    .get(5, TimeUnit.SECONDS);
            CompletableFuture<String> direct = group.submitTo(0, async(() -> await(ofLoop1)));
            assertThat(direct).failsWithin(5, TimeUnit.SECONDS).withThrowableThat().havingCause()
                    .isInstanceOf(IllegalStateException.class).withMessageContaining("attached to a different loop")
                    .withMessageContaining("Aio.runCoroutineThreadsafe(coro, thatLoop)");
        }
    }

    @Test
    void closeRunsTheFinallyBlocksOfEveryLoopsTasks() throws Exception {
        Set<Integer> cleaned = ConcurrentHashMap.newKeySet();
        CountDownLatch started = new CountDownLatch(2);
        LoopGroup group = LoopGroup.create(2);
        for (int i = 0; i < 2; i++) {
            int loop = i;
            group.submitTo(i, async(() -> {
                try {
                    started.countDown();
                    Aio.sleep(3600);
                } finally {
                    cleaned.add(loop);
                }
            }));
        }
        assertThat(started.await(5, TimeUnit.SECONDS)).isTrue();
        group.close();
        assertThat(cleaned).containsExactlyInAnyOrder(0, 1);
        assertThatThrownBy(() -> group.submit(async(() -> 1))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aFailingLoopIsReportedAndRefusedWhileTheOthersGoOn() throws Exception {
        try (LoopGroup group = LoopGroup.create(2)) {
            group.submitTo(1, async(() -> Aio.runningLoop().setExceptionHandler((l, c) -> { }))).get(5, TimeUnit.SECONDS);
            group.loop(1).callSoonThreadsafe(() -> {
                throw new OutOfMemoryError("simulated");
            });
            long end = System.nanoTime() + 5_000_000_000L;
            while (group.failure(1).isEmpty() && System.nanoTime() < end) {
                Thread.sleep(5);
            }
            assertThat(group.failure(1)).get().isInstanceOf(OutOfMemoryError.class);
            assertThatThrownBy(() -> group.submitTo(1, async(() -> 1))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("has stopped");
            assertThat(group.run(async(() -> group.indexOf(Aio.runningLoop())))).isEqualTo(0);
        }
    }
}
