package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.gather;
import static org.aio4j.Aio.sleep;
import static org.aio4j.Aio.timeout;
import static org.aio4j.Aio.waitFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Event;
import org.aio4j.sync.Lock;
import org.aio4j.sync.Queue;
import org.aio4j.sync.QueueShutDown;
import org.aio4j.sync.Semaphore;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/** The examples of docs/sync.md, run on virtual time: if they break, the guide is wrong. */
@SuppressWarnings("try") // try (Acquired held = ...) never reads held: it is there to be closed
class SyncGuideTest {

    // --- a bank account whose read-modify-write spans awaits -----------------------------------------

    private int stored;
    private final Lock lock = Lock.create();

    Coro<Integer> readBalance() {
        return async(() -> sleep(0.1, stored));
    }

    Coro<Void> writeBalance(int value) {
        return async(() -> {
            sleep(0.1);
            stored = value;
        });
    }

    Coro<Void> deposit(int amount) {
        return async(() -> {
            try (Acquired held = lock.acquire()) {      // Python: async with lock:
                int balance = await(readBalance()) + amount;
                await(writeBalance(balance));
            }
        });
    }

    Coro<Void> depositWithoutLock(int amount) {
        return async(() -> {
            int balance = await(readBalance()) + amount;
            await(writeBalance(balance));
        });
    }

    @AioTest
    void lockKeepsReadModifyWriteAcrossAwaitsWhole(TestLoop test) {
        await(gather(deposit(10), deposit(20), deposit(30)));
        assertThat(stored).isEqualTo(60);
        assertThat(test.time()).isEqualTo(0.6);         // one after the other
    }

    @AioTest
    void withoutTheLockDepositsAreLost() {
        await(gather(depositWithoutLock(10), depositWithoutLock(20), depositWithoutLock(30)));
        assertThat(stored).isEqualTo(30);                // all read 0; the last write wins
    }

    // --- limiting concurrency ---------------------------------------------------------------------

    private final Semaphore slots = Semaphore.create(3);
    private int running;
    private int mostAtOnce;

    Coro<String> fetch(String url) {
        return async(() -> {
            running++;
            mostAtOnce = Math.max(mostAtOnce, running);
            sleep(1.0);
            running--;
            return "body of " + url;
        });
    }

    Coro<String> download(String url) {
        return async(() -> {
            try (Acquired slot = slots.acquire()) {
                return await(fetch(url));
            }
        });
    }

    @AioTest
    void semaphoreLetsThreeDownloadsRunAtOnce(TestLoop test) {
        List<Coro<String>> all = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            all.add(download("u" + i));
        }
        List<String> bodies = await(gather(all));
        assertThat(bodies).hasSize(7).first().isEqualTo("body of u0");
        assertThat(mostAtOnce).isEqualTo(3);
        assertThat(test.time()).isEqualTo(3.0);          // 7 downloads of 1 s, 3 at a time
    }

    // --- events -----------------------------------------------------------------------------------

    @AioTest
    void eventWakesEveryWaiterAndIsAwaitable(TestLoop test) {
        Event ready = Event.create();
        List<String> log = new ArrayList<>();
        List<Task<Void>> workers = new ArrayList<>();
        for (String name : List.of("a", "b")) {
            workers.add(createTask(async(() -> {
                await(ready);                             // Python: await ready.wait()
                log.add(name + " at " + test.time());
            })));
        }
        Task<Boolean> patient = createTask(async(() -> waitFor(ready, 5.0)));
        sleep(2);
        ready.set();
        await(gather(workers));
        assertThat(await(patient)).isTrue();
        assertThat(log).containsExactly("a at 2.0", "b at 2.0");
    }

    // --- queues -----------------------------------------------------------------------------------

    private final Queue<String> jobs = Queue.create(10);   // asyncio.Queue(maxsize=10)

    Coro<Void> producer(List<String> urls) {
        return async(() -> {
            for (String url : urls) {
                jobs.put(url);                            // waits while 10 are queued
            }
        });
    }

    Coro<Void> worker(List<String> results) {
        return async(() -> {
            while (true) {
                String url = jobs.get();
                try {
                    results.add(await(download(url)));
                } finally {
                    jobs.taskDone();
                }
            }
        });
    }

    @AioTest
    void workerPoolDrainsTheQueueAndJoinWaitsForTheLastJob(TestLoop test) {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            urls.add("u" + i);
        }
        List<String> results = new ArrayList<>();
        List<Task<Void>> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(createTask(worker(results)));
        }
        await(producer(urls));
        jobs.join();
        for (Task<Void> w : workers) {
            w.cancel();
        }
        await(gather(true, workers));                     // gather(..., return_exceptions=True)
        assertThat(results).hasSize(30);
        assertThat(test.time()).isEqualTo(10.0);          // 30 jobs of 1 s on 3 workers
    }

    @AioTest
    void shutdownEndsConsumersOnceTheQueueIsEmpty() {
        Queue<Integer> q = Queue.create();
        Task<Integer> consumer = createTask(async(() -> {
            int sum = 0;
            try {
                while (true) {
                    sum += q.get();
                }
            } catch (QueueShutDown end) {
                return sum;
            }
        }));
        for (int i = 1; i <= 4; i++) {
            q.put(i);
        }
        q.shutdown();
        assertThat(await(consumer)).isEqualTo(10);        // what was queued is still handed out
        assertThatThrownBy(() -> q.put(5)).isInstanceOf(QueueShutDown.class);
    }

    // --- cancellation and timeouts ----------------------------------------------------------------

    @AioTest
    void timedOutGetLeavesTheQueueUnchanged(TestLoop test) {
        assertThatThrownBy(() -> timeout(5.0, () -> jobs.get())).isInstanceOf(TimeoutError.class);
        assertThat(test.time()).isEqualTo(5.0);
        assertThat(jobs.statistics().gettersWaiting()).isZero();
        jobs.tryPut("next");
        assertThat(jobs.tryGet()).isEqualTo("next");
    }

    @AioTest
    void lockAcquireUnderATimeout() {
        Acquired first = lock.acquire();
        assertThatThrownBy(() -> timeout(1.0, () -> lock.acquire())).isInstanceOf(TimeoutError.class);
        first.close();
        try (Acquired held = timeout(1.0, () -> lock.acquire())) {
            assertThat(lock.locked()).isTrue();
        }
        assertThat(lock.locked()).isFalse();
    }
}
