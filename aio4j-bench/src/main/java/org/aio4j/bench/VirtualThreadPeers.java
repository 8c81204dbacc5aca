package org.aio4j.bench;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The plain virtual-thread peers of the figures: one virtual thread per task, on the JDK's default
 * scheduler (a ForkJoinPool with one carrier per core, here 2), synchronising through JDK
 * primitives. Each method returns the median figure of {@link Plan#runs()} warmed-up measurements.
 */
public final class VirtualThreadPeers {
    /*
     * The mapping of the scenarios:
     * - "await a future" is CompletableFuture.join(), which parks the virtual thread;
     * - "sleep(0)" is Thread.yield(), which submits the virtual thread to the back of the
     *   scheduler's queue and lets the carrier run something else;
     * - "spawn and gather" is Thread.start() then join() of each thread;
     * - the queue is an ArrayBlockingQueue(64) (put/take park the thread when full/empty), the lock
     *   a fair ReentrantLock (FIFO hand-over, like asyncio.Lock's waiters).
     *
     * Unlike the three single-threaded event loops, the default scheduler runs up to two virtual
     * threads at the same time on this machine. Ping-pong therefore cannot share a mutable
     * "box" of futures the way the loop versions do (two players could both read the box before
     * either writes it). Instead the baton is the future itself: each player completes the future it
     * holds with the new future it will wait on next, so every future is completed exactly once, by
     * the one player that holds it, and every switch is still one completion plus one wait. With two
     * carriers, the two sleep(0) loops of figure 3 mostly run in parallel rather than switching,
     * and the producer and consumer of figure 6 run in parallel on the two carriers.
     */

    private VirtualThreadPeers() {}

    /** Figure 1: ns per switch of two virtual threads handing a future baton back and forth. */
    public static double pingPong(Plan plan) {
        int rounds = plan.count(Workload.PING_PONG_ROUNDS);
        return Samples.medianOf(plan, () -> pingPongOnce(rounds) / (2.0 * rounds));
    }

    /** Figure 2: ns per {@code Thread.yield()} of one virtual thread. */
    public static double sleep0(Plan plan) {
        int iterations = plan.count(Workload.SLEEP0_ITERATIONS);
        return Samples.medianOf(plan, () -> yieldLoops(1, iterations) / iterations);
    }

    /** Figure 3: ns per switch of two virtual threads each looping {@code Thread.yield()}. */
    public static double sleep0Pair(Plan plan) {
        int iterations = plan.count(Workload.SLEEP0_PAIR_ITERATIONS);
        return Samples.medianOf(plan, () -> yieldLoops(2, iterations) / (2.0 * iterations));
    }

    /** Figure 4: seconds to start and join a million virtual threads that each yield once. */
    public static double gather(Plan plan) {
        int count = plan.count(Workload.GATHER_TASKS);
        return Samples.medianOf(plan, () -> spawnAndJoin(count) / 1e9);
    }

    /**
     * Figure 6: ns per item that a producer thread passes to a consumer thread through an
     * ArrayBlockingQueue(64).
     */
    public static double queue(Plan plan) {
        int items = plan.count(Workload.QUEUE_ITEMS);
        return Samples.medianOf(plan, () -> queueOnce(items) / items);
    }

    /**
     * Figure 7: ns per acquire of a fair ReentrantLock that 4 virtual threads contend for, each
     * calling {@code Thread.yield()} while holding it.
     */
    public static double lock(Plan plan) {
        int perTask = plan.count(Workload.LOCK_ACQUIRES_PER_TASK);
        return Samples.medianOf(plan,
                () -> lockOnce(Workload.LOCK_TASKS, perTask) / ((double) Workload.LOCK_TASKS * perTask));
    }

    /**
     * Figure 5 (one measurement; call in a fresh JVM): memory per virtual thread parked in
     * {@code join()} of one never-completed CompletableFuture.
     */
    public static TaskMemory parkedThreadMemory(Plan plan) {
        int count = plan.count(Workload.MEMORY_TASKS);
        CompletableFuture<Void> never = new CompletableFuture<>();
        Thread[] threads = new Thread[count];
        MemoryProbe probe = MemoryProbe.baseline();
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofVirtual().start(never::join);
        }
        for (Thread thread : threads) {
            awaitParked(thread);
        }
        TaskMemory memory = probe.perTask(count);
        never.complete(null);
        joinAll(threads);
        return memory;
    }

    private static double pingPongOnce(int rounds) {
        long start = System.nanoTime();
        // Each future's value is the future that its receiver must complete next.
        CompletableFuture<Object> first = new CompletableFuture<>();
        Thread a = Thread.ofVirtual().start(() -> {
            CompletableFuture<Object> peer = first;
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Object> mine = new CompletableFuture<>();
                peer.complete(mine);
                peer = baton(mine.join());
            }
            peer.complete(null); // releases b from its last wait
        });
        Thread b = Thread.ofVirtual().start(() -> {
            CompletableFuture<Object> peer = baton(first.join());
            for (int i = 0; i < rounds; i++) {
                CompletableFuture<Object> mine = new CompletableFuture<>();
                peer.complete(mine);
                Object next = mine.join();
                if (next == null) {
                    break; // a has finished its rounds
                }
                peer = baton(next);
            }
        });
        joinAll(a, b);
        return Samples.since(start);
    }

    @SuppressWarnings("unchecked") // the ping-pong futures hold nothing but other such futures
    private static CompletableFuture<Object> baton(Object value) {
        return (CompletableFuture<Object>) value;
    }

    /** Runs {@code threads} virtual threads that each yield {@code iterations} times; returns ns. */
    private static double yieldLoops(int threads, int iterations) {
        long start = System.nanoTime();
        Thread[] loops = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            loops[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < iterations; i++) {
                    Thread.yield();
                }
            });
        }
        joinAll(loops);
        return Samples.since(start);
    }

    private static double spawnAndJoin(int count) {
        long start = System.nanoTime();
        Thread[] threads = new Thread[count];
        for (int i = 0; i < count; i++) {
            threads[i] = Thread.ofVirtual().start(Thread::yield);
        }
        joinAll(threads);
        return Samples.since(start);
    }

    /** One producer puts 0 .. items-1, one consumer takes and sums them (checked); returns ns. */
    private static double queueOnce(int items) {
        long start = System.nanoTime();
        ArrayBlockingQueue<Integer> queue = new ArrayBlockingQueue<>(Workload.QUEUE_SIZE);
        long[] sum = {0}; // written by the consumer, read after join()
        Thread producer = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < items; i++) {
                    queue.put(i);
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("producer interrupted", e);
            }
        });
        Thread consumer = Thread.ofVirtual().start(() -> {
            long total = 0;
            try {
                for (int i = 0; i < items; i++) {
                    total += queue.take();
                }
            } catch (InterruptedException e) {
                throw new IllegalStateException("consumer interrupted", e);
            }
            sum[0] = total;
        });
        joinAll(producer, consumer);
        Workload.checkQueueSum(items, sum[0]);
        return Samples.since(start);
    }

    /**
     * {@code threads} virtual threads each take a fair ReentrantLock {@code acquiresPerThread} times,
     * incrementing a shared counter across a {@code Thread.yield()} (checked); returns ns.
     */
    private static double lockOnce(int threads, int acquiresPerThread) {
        long start = System.nanoTime();
        ReentrantLock lock = new ReentrantLock(true);
        int[] shared = {0}; // only touched with the lock held; read after join()
        Thread[] workers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            workers[t] = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < acquiresPerThread; i++) {
                    lock.lock();
                    try {
                        int seen = shared[0];
                        Thread.yield();
                        shared[0] = seen + 1;
                    } finally {
                        lock.unlock();
                    }
                }
            });
        }
        joinAll(workers);
        Workload.checkLockCount(threads, acquiresPerThread, shared[0]);
        return Samples.since(start);
    }

    private static void awaitParked(Thread thread) {
        while (thread.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    private static void joinAll(Thread... threads) {
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while joining benchmark threads", e);
        }
    }

    /**
     * Figure 16: ns per timer of the JDK's one-thread ScheduledThreadPoolExecutor (plain threads have no
     * loop timers; this is the JDK's timer queue), 1M scheduled with delays 0-999 us and fired.
     */
    public static double timers(Plan plan) {
        int count = plan.count(Workload.TIMERS);
        return Samples.medianOf(plan, () -> {
            long start = System.nanoTime();
            java.util.concurrent.ScheduledThreadPoolExecutor timer = new java.util.concurrent.ScheduledThreadPoolExecutor(1);
            java.util.concurrent.CountDownLatch fired = new java.util.concurrent.CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                timer.schedule(fired::countDown, (i % 1000), java.util.concurrent.TimeUnit.MICROSECONDS);
            }
            try {
                fired.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            timer.shutdown();
            return Samples.since(start) / count;
        });
    }

    /** Figure 17: ns per thread of 100k virtual threads through a java.util.concurrent.Semaphore(50), yielding while holding. */
    public static double semaphore(Plan plan) {
        int count = plan.count(Workload.SEMAPHORE_TASKS);
        return Samples.medianOf(plan, () -> {
            long start = System.nanoTime();
            java.util.concurrent.Semaphore sem = new java.util.concurrent.Semaphore(Workload.SEMAPHORE_PERMITS, true);
            java.util.concurrent.atomic.AtomicInteger passed = new java.util.concurrent.atomic.AtomicInteger();
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int t = 0; t < count; t++) {
                    threads.submit(() -> {
                        sem.acquireUninterruptibly();
                        try {
                            Thread.yield();
                            passed.incrementAndGet();
                        } finally {
                            sem.release();
                        }
                    });
                }
            }
            Workload.checkCount("semaphore", count, passed.get());
            return Samples.since(start) / count;
        });
    }
}
