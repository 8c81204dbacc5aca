package org.aio4j.sync;

import static org.aio4j.sync.QueueTest.fill;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link Queue} misuse and where a queue may be used: bad arguments, waiting outside a coroutine,
 * another loop, another thread; a queue filled before any loop runs; {@code toString}. Each misuse
 * must fail with a message that names the mistake and leave the queue unchanged.
 */
class QueueMisuseTest {

    @Test
    void negativeMaxsizeIsRejectedWithAMessageThatSaysSo() {
        for (Runnable make : List.<Runnable>of(() -> Queue.create(-1), () -> Queue.lifo(-1), () -> Queue.priority(-1),
                () -> Queue.priority(-1, Integer::compare))) {
            assertThatThrownBy(make::run).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("maxsize must be >= 0 (0 means unbounded, as in Python), got -1");
        }
    }

    @Test
    void aNullComparatorIsRejected() {
        assertThatThrownBy(() -> Queue.priority(0, null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("Queue.priority(maxsize)");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.aio4j.sync.QueueTest#kinds")
    void nullItemsAreRejectedWithAMessageThatSaysWhy(QueueTest.Kind kind) {
        Queue<Integer> q = kind.make();
        q.tryPut(1);
        assertThatThrownBy(() -> q.tryPut(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("null is what tryGet() returns for 'empty'")
                .hasMessageContaining("shutdown()");
        // put() rejects it before anything else, even outside a coroutine
        assertThatThrownBy(() -> q.put(null)).isInstanceOf(NullPointerException.class)
                .hasMessageContaining("sentinel");
        assertThat(q.statistics()).isEqualTo(new Queue.Statistics(1, kind.maxsize(), 0, 0, 1, false));
    }

    @Test
    void waitingMethodsOutsideACoroutineThrowIllegalStateException() {
        Queue<Integer> q = Queue.create();
        assertThatThrownBy(q::get).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Queue.get() may wait, so it must be called from a coroutine");
        assertThatThrownBy(() -> q.put(1)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Queue.put() may wait");
        assertThatThrownBy(q::join).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("Queue.join() may wait");
        assertThat(q.qsize()).isZero();
    }

    @AioTest
    void waitingMethodsFromAPlainLoopCallbackThrowIllegalStateExceptionButTheOthersWork(EventLoop loop, TestLoop test) {
        Queue<Integer> q = Queue.create();
        List<Throwable> seen = new ArrayList<>();
        loop.callSoon(() -> {
            try {
                q.get();
            } catch (IllegalStateException e) {
                seen.add(e);
            }
            q.tryPut(1);
        });
        test.runCurrent();
        assertThat(seen).singleElement().extracting(Throwable::getMessage).asString()
                .contains("not from a plain loop callback");
        assertThat(q.get()).isEqualTo(1);
    }

    @Test
    @Timeout(30)
    void aQueueIsBoundToTheFirstLoopThatWaitsOnIt() {
        Queue<Integer> q = Queue.create();
        Aio.run(Aio.async(() -> {
            Task<Integer> g = Aio.createTask(Aio.async(q::get));
            Aio.sleep(0); // g parks: the queue is bound to this loop
            q.tryPut(1);
            return Aio.await(g);
        }));
        q.tryPut(2); // that loop is closed: any thread may use the non-waiting methods
        assertThatThrownBy(() -> Aio.run(Aio.async(() -> q.get()))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is bound to a different event loop");
        assertThat(q.qsize()).isEqualTo(1);
    }

    @AioTest(realTime = true) // virtual time would jump past the other thread's work
    void tryPutFromAnotherThreadWhileTheLoopRunsThrowsWrongThreadException(TestLoop test) {
        Queue<Integer> q = Queue.create();
        Task<Integer> g = Aio.createTask(Aio.async(q::get));
        test.waitAllTasksBlocked(); // g parks: the queue is bound to this loop
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                q.tryPut(1);
                seen.complete(null);
            } catch (Throwable e) {
                seen.complete(e);
            }
        });
        assertThat(Aio.await(seen)).isInstanceOf(WrongThreadException.class)
                .hasMessageContaining("callSoonThreadsafe");
        assertThat(q.qsize()).isZero();
        // the supported way in: hand the call to the loop
        Thread.ofPlatform().start(() -> test.loop().callSoonThreadsafe(() -> q.tryPut(2)));
        assertThat(Aio.await(g)).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("org.aio4j.sync.QueueTest#kinds")
    @Timeout(30)
    void aQueueFilledBeforeAnyLoopRunsIsDrainedInsideAioRun(QueueTest.Kind kind) {
        Queue<Integer> q = kind.make();
        fill(q, 1, 2); // from the test's thread: no loop has used the queue yet
        List<Integer> got = Aio.run(Aio.async(() -> {
            List<Integer> out = new ArrayList<>(List.of(q.get(), q.get()));
            Task<Integer> waiting = Aio.createTask(Aio.async(q::get));
            Aio.sleep(0);
            q.put(3);
            out.add(Aio.await(waiting));
            return out;
        }));
        List<Integer> expected = new ArrayList<>(kind.outOrder(1, 2));
        expected.add(3);
        assertThat(got).isEqualTo(expected);
        assertThat(q.empty()).isTrue();
        assertThat(q.statistics().unfinishedTasks()).isEqualTo(3);
    }

    @AioTest
    void toStringMirrorsPythonsRepr(TestLoop test) {
        Queue<Integer> q = Queue.create(2);
        assertThat(q).hasToString("Queue[maxsize=2, size=0]");
        Task<Integer> g = Aio.createTask(Aio.async(q::get));
        test.waitAllTasksBlocked();
        assertThat(q).hasToString("Queue[maxsize=2, size=0, getters:1]");
        q.tryPut(1);
        Aio.await(g);
        assertThat(q).hasToString("Queue[maxsize=2, size=0, unfinished:1]");
        fill(q, 2, 3);
        Task<Void> p = Aio.createTask(Aio.async(() -> q.put(4)));
        test.waitAllTasksBlocked();
        assertThat(q).hasToString("Queue[maxsize=2, size=2, putters:1, unfinished:3]");
        q.shutdown();
        assertThatThrownBy(() -> Aio.await(p)).isInstanceOf(QueueShutDown.class)
                .hasMessage("Queue.put(): the queue is shut down, no item can be put any more"
                        + " (Queue[maxsize=2, size=2, unfinished:3, shut down])");
        assertThat(q).hasToString("Queue[maxsize=2, size=2, unfinished:3, shut down]");
        assertThat(Queue.lifo(0)).hasToString("LifoQueue[maxsize=0, size=0]");
        assertThat(Queue.priority(5)).hasToString("PriorityQueue[maxsize=5, size=0]");
    }
}
