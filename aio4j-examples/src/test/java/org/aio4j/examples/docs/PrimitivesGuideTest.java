package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.runningLoop;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;
import org.aio4j.lowlevel.ParkingLot;
import org.aio4j.lowlevel.Waker;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The examples of docs/primitives.md: if they break, the guide is wrong. */
class PrimitivesGuideTest {

    // --- a latch on a ParkingLot -------------------------------------------------------------------

    /** Opens once countDown() was called {@code count} times; waitOpen() parks until then. */
    static final class Latch {
        private final ParkingLot waiters = new ParkingLot();
        private int count;

        Latch(int count) {
            this.count = count;
        }

        void countDown() {
            if (count > 0 && --count == 0) {
                waiters.wakeAll();
            }
        }

        void waitOpen() {
            while (count > 0) {
                waiters.park(ParkingLot.NOTHING);   // FIFO; CancelledError leaves the lot as it was
            }
        }
    }

    @AioTest
    void latchReleasesEveryWaiterWhenItOpens(TestLoop test) {
        Latch latch = new Latch(2);
        List<String> log = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            createTask(async(() -> {
                latch.waitOpen();
                log.add(name + " at " + test.time());
            }));
        }
        sleep(1);
        latch.countDown();
        sleep(1);
        latch.countDown();
        sleep(0);
        assertThat(log).containsExactly("a at 2.0", "b at 2.0");
    }

    // --- a hand-off on Waker and park --------------------------------------------------------------

    /** offer() never waits; take() waits for an item. No item is lost to a cancelled taker. */
    static final class Handoff<T> {
        private final ArrayDeque<Waker<T>> takers = new ArrayDeque<>();
        private final ArrayDeque<T> items = new ArrayDeque<>();

        void offer(T item) {
            Waker<T> w;
            while ((w = takers.poll()) != null) {
                if (w.wake(item)) {                   // false: that taker's wait was aborted
                    return;
                }
            }
            items.add(item);
        }

        T take() {
            if (!items.isEmpty()) {
                return items.poll();
            }
            Waker<T> w = Lowlevel.newWaker();
            takers.add(w);
            // Cancelled while still queued: withdraw (park throws CancelledError). Already woken: the
            // item is on its way; park returns it and the cancellation hits the next await.
            return Lowlevel.park(w, () -> takers.remove(w));
        }
    }

    @AioTest
    void handoffGivesTheItemToTheWaitingTaker() {
        Handoff<String> box = new Handoff<>();
        Task<String> taker = createTask(async(box::take));
        sleep(0);
        box.offer("x");
        assertThat(await(taker)).isEqualTo("x");
    }

    @AioTest
    void aCancelledTakerDoesNotSwallowTheNextItem() {
        Handoff<String> box = new Handoff<>();
        Task<String> gone = createTask(async(box::take));
        Task<String> next = createTask(async(box::take));
        sleep(0);
        gone.cancel();
        sleep(0);
        box.offer("x");
        assertThat(await(next)).isEqualTo("x");
        assertThat(gone.cancelled()).isTrue();
    }

    @AioTest
    void aTakerWokenThenCancelledKeepsTheItemAndSeesTheCancellationAtItsNextAwait() {
        Handoff<String> box = new Handoff<>();
        List<String> got = new ArrayList<>();
        Task<Void> taker = createTask(async(() -> {
            got.add(box.take());
            sleep(1);                                  // the cancellation arrives here
        }));
        sleep(0);
        box.offer("x");
        taker.cancel();                                // the same iteration as the wake-up
        assertThatThrownBy(() -> await(taker)).isInstanceOf(CancelledError.class);
        assertThat(got).containsExactly("x");          // nothing lost
    }

    // --- waiting with a deadline -------------------------------------------------------------------

    @AioTest
    void awaitUntilSaysWhetherTheFutureFinishedBeforeTheDeadline(TestLoop test) {
        Future<String> reply = runningLoop().createFuture();
        runningLoop().callLater(3.0, () -> reply.setResult("late"));
        boolean done = Lowlevel.awaitUntil(reply, runningLoop().deadlineAfter(2.0));
        assertThat(done).isFalse();                    // the deadline came first
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(reply.done()).isFalse();            // and the future was left alone
        assertThat(Lowlevel.awaitUntil(reply, runningLoop().deadlineAfter(2.0))).isTrue();
    }

    // --- waiting for a channel ---------------------------------------------------------------------

    static String readLine(Pipe.SourceChannel in) throws java.io.IOException {
        ByteBuffer buf = ByteBuffer.allocate(64);
        while (true) {
            int n = in.read(buf);                      // non-blocking: 0 when nothing is there yet
            if (n < 0 || (buf.position() > 0 && buf.get(buf.position() - 1) == '\n')) {
                return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).strip();
            }
            if (n == 0) {
                Lowlevel.waitReadable(in);             // parks this task; other tasks run
            }
        }
    }

    @Test
    @Timeout(10)
    void aTaskWaitsForAPipeToBecomeReadable() throws Exception {
        Pipe pipe = Pipe.open();
        try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
            source.configureBlocking(false);
            String line = Aio.run(async(() -> {
                Task<String> reader = createTask(async(() -> readLine(source)));
                sleep(0.05);                           // the reader is parked on the pipe
                sink.write(ByteBuffer.wrap("hello\n".getBytes(StandardCharsets.UTF_8)));
                return await(reader);
            }));
            assertThat(line).isEqualTo("hello");
        }
    }
}
