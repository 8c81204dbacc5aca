package org.aio4j.sync;

import static org.aio4j.sync.SyncTesting.settle;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.aio4j.Aio;
import org.aio4j.AsyncRunnable;
import org.aio4j.AsyncSupplier;
import org.aio4j.CancelledError;
import org.aio4j.Coro;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Tag;

/**
 * A thousand tasks contending on a {@link Lock}, a bounded {@link Semaphore} and a producer/consumer
 * {@link Condition}, with random timeouts, while a chaos task cancels random tasks at random times
 * and releasers and producers now and then cancel the waiter they have just woken (the race every
 * primitive must survive: cancelled in the same loop iteration as its wake). Virtual time, on a grid
 * of whole milliseconds so that many timers fall due together and timeouts expire in the same
 * iteration as releases. Invariants:
 * <ul>
 *   <li>mutual exclusion: never two holders of the lock, never more than {@code PERMITS} of the
 *       semaphore (a double release would fail too: the semaphore is bounded);</li>
 *   <li>no lost wake-up, no leak: whenever every task is parked, nobody waits for the lock while it
 *       is free, for a permit while one is free, or on the condition while a token is left; and
 *       every permit is free or held by a task in its critical section;</li>
 *   <li>conservation: at the end the lock is free, all permits are back, tokens produced minus
 *       consumed equals tokens left, and nobody waits on anything;</li>
 *   <li>every task ends, normally or cancelled, and nothing else escapes (the kit checks leaks,
 *       unretrieved failures and the virtual-time limit: a waiter stuck forever fails the test).</li>
 * </ul>
 * Seeded: a failure prints the seed; -Daio4j.stress.seed replays it. Scale with -Daio4j.stress.scale
 * (default 1: 1,000 tasks, well under a second per strand mode).
 */
@Tag("stress") // ./aio4j test -Pstress runs only these, larger
@SuppressWarnings("try") // the idiom try (Acquired held = x.acquire()) { ... } never reads held
class SyncStressTest {

    private static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);
    private static final int PERMITS = 3;
    private static final double TICK = 0.001;

    /** Everything the tasks share, and what they count. Loop thread only. */
    static final class Shared {
        final Lock lock = Lock.create();
        final Semaphore sem = Semaphore.bounded(PERMITS);
        final Condition cond = Condition.create();
        /** Tasks waiting in each primitive, oldest first: a wake usually goes to the first. */
        final Set<Task<?>> lockWaiters = new LinkedHashSet<>();
        final Set<Task<?>> semWaiters = new LinkedHashSet<>();
        final Set<Task<?>> consumers = new LinkedHashSet<>();
        final List<String> violations = new ArrayList<>();
        int inLock;
        int inSem;
        int tokens;
        int produced;
        int consumed;
        int timeouts;
        int wokenThenCancelled;
        boolean aborting;
    }

    @AioTest(virtualTimeout = 1e6)
    void randomContentionUnderRandomCancellationKeepsEveryInvariant(TestLoop test) {
        long seed = Long.getLong("aio4j.stress.seed", System.nanoTime());
        SplittableRandom rnd = new SplittableRandom(seed);
        int n = 1000 * SCALE;
        Shared sh = new Shared();
        List<Task<Integer>> tasks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            tasks.add(Aio.createTask(worker(i, rnd.split(), sh), "w" + i));
        }
        Task<Void> chaos = Aio.createTask(Aio.async(() -> {
            SplittableRandom r = rnd.split();
            for (int k = 0; k < n / 4; k++) {
                Aio.sleep(r.nextInt(0, 5) * TICK);
                tasks.get(r.nextInt(n)).cancel(r.nextBoolean() ? "chaos" : null);
            }
        }), "chaos");
        int topUps = 0;
        int quiescentChecks = 0;
        while (!tasks.stream().allMatch(Task::done) && sh.violations.isEmpty()) {
            Aio.sleep(rnd.nextInt(1, 4) * TICK);
            settle();
            quiescentChecks++;
            checkQuiescentInvariants(sh, test.time());
            if (sh.tokens == 0 && sh.cond.statistics().waiting() > 0) {
                // Consumers outnumber what producers made (producers get cancelled too): add one
                // token and signal one waiter, as a producer would, so that every consumer ends.
                try (Acquired held = sh.cond.acquire()) {
                    sh.tokens++;
                    sh.produced++;
                    sh.cond.signal();
                }
                topUps++;
            }
        }
        if (!sh.violations.isEmpty()) {
            // A lost wake-up leaves tasks waiting forever: end them (without their waiting cleanup,
            // which could wait forever too) so that the failure below is what gets reported.
            sh.aborting = true;
            chaos.cancel();
            tasks.forEach(Task::cancel);
            Aio.await(Aio.gather(true, tasks));
            assertThat(sh.violations).as("seed %d", seed).isEmpty();
        }
        Aio.await(chaos);
        List<Object> outcomes = Aio.await(Aio.gather(true, tasks));
        int ok = 0;
        int cancelled = 0;
        for (int i = 0; i < n; i++) {
            Object o = outcomes.get(i);
            if (o instanceof CancelledError) {
                cancelled++;
            } else if (o instanceof Integer id && id == i) {
                ok++;
            } else {
                sh.violations.add("task " + i + " ended with " + o);
            }
        }
        System.out.printf("SyncStressTest seed=%d mode=%s tasks=%d ok=%d cancelled=%d wokenThenCancelled=%d"
                + " timeouts=%d produced=%d consumed=%d topUps=%d quiescentChecks=%d virtual=%.3fs%n", seed,
                Aio.strandMode(), n, ok, cancelled, sh.wokenThenCancelled, sh.timeouts, sh.produced, sh.consumed,
                topUps, quiescentChecks, test.time());
        assertThat(sh.violations).as("seed %d", seed).isEmpty();
        assertThat(ok + cancelled).isEqualTo(n);
        assertThat(sh.lock.statistics()).as("seed %d: lock free", seed).isEqualTo(new Lock.Statistics(false, 0));
        assertThat(sh.sem.statistics()).as("seed %d: permits back", seed)
                .isEqualTo(new Semaphore.Statistics(PERMITS, 0));
        assertThat(sh.cond.statistics()).as("seed %d: nobody waits", seed)
                .isEqualTo(new Condition.Statistics(false, 0));
        assertThat(sh.produced - sh.consumed).as("seed %d: tokens conserved", seed).isEqualTo(sh.tokens);
        assertThat(sh.inLock + sh.inSem).isZero();
        assertThat(cancelled).as("seed %d: tasks were cancelled", seed).isPositive();
        assertThat(ok).as("seed %d: some finished normally", seed).isPositive();
        assertThat(sh.timeouts).as("seed %d: some timeouts expired", seed).isPositive();
        assertThat(sh.wokenThenCancelled).as("seed %d: the wake/cancel race happened", seed).isPositive();
    }

    /**
     * With every task parked: a free resource and a waiter for it cannot coexist, and every permit is
     * either free or held by a task inside its critical section (nothing leaked).
     */
    private static void checkQuiescentInvariants(Shared sh, double time) {
        Lock.Statistics lock = sh.lock.statistics();
        if (lock.locked() != (sh.inLock == 1)) {
            sh.violations.add("at " + time + ": lock " + sh.lock + " but " + sh.inLock + " holder(s)");
        }
        if (!lock.locked() && lock.waiting() > 0) {
            sh.violations.add("at " + time + ": the lock is free while " + lock.waiting() + " task(s) wait for it");
        }
        Semaphore.Statistics sem = sh.sem.statistics();
        if (sem.value() + sh.inSem != PERMITS) {
            sh.violations.add("at " + time + ": " + sem.value() + " permit(s) free and " + sh.inSem
                    + " held, of " + PERMITS);
        }
        if (sem.value() > 0 && sem.waiting() > 0) {
            sh.violations.add("at " + time + ": " + sem.value() + " permit(s) free while " + sem.waiting()
                    + " task(s) wait for one");
        }
        int consumers = sh.cond.statistics().waiting();
        if (sh.tokens > 0 && consumers > 0) {
            sh.violations.add("at " + time + ": " + sh.tokens + " token(s) left while " + consumers
                    + " consumer(s) wait");
        }
    }

    private static Coro<Integer> worker(int id, SplittableRandom r, Shared sh) {
        return Aio.async(() -> {
            try {
                for (int step = 0, steps = r.nextInt(3, 12); step < steps; step++) {
                    boolean timed = r.nextInt(4) == 0;
                    double limit = r.nextInt(0, 10) * TICK;
                    // Producers slightly rarer than consumers: tokens stay scarce, consumers wait.
                    switch (r.nextInt(9)) {
                        case 0, 1 -> maybeTimed(sh, timed, limit, () -> lockOnce(sh, r));
                        case 2, 3 -> maybeTimed(sh, timed, limit, () -> semaphoreOnce(sh, r));
                        case 4, 5, 6 -> maybeTimed(sh, timed, limit, () -> consumeOne(sh));
                        default -> produceOne(sh, r);
                    }
                }
                return id;
            } catch (CancelledError e) {
                if (r.nextInt(3) == 0 && !sh.aborting) {
                    lockOnce(sh, r); // cleanup that waits for the lock, even while being cancelled
                }
                throw e;
            }
        });
    }

    private static void maybeTimed(Shared sh, boolean timed, double limit, AsyncRunnable op) throws Exception {
        if (!timed) {
            op.run();
            return;
        }
        try {
            Aio.timeout(limit, op);
        } catch (TimeoutError e) {
            sh.timeouts++;
        }
    }

    /** Runs {@code acquire} with the current task registered in {@code waiters} while it runs. */
    private static Acquired tracked(Set<Task<?>> waiters, AsyncSupplier<Acquired> acquire) throws Exception {
        Task<?> me = Aio.currentTask();
        waiters.add(me);
        try {
            return acquire.get();
        } finally {
            waiters.remove(me);
        }
    }

    /** Now and then, cancels the oldest waiter, which the release that just happened has most likely woken. */
    private static void maybeCancelTheOldest(Shared sh, Set<Task<?>> waiters, SplittableRandom r) {
        if (r.nextInt(4) == 0 && !waiters.isEmpty()) {
            waiters.iterator().next().cancel("cancelled after the wake");
            sh.wokenThenCancelled++;
        }
    }

    private static void lockOnce(Shared sh, SplittableRandom r) throws Exception {
        double hold = r.nextInt(0, 4) * TICK;
        try (Acquired held = tracked(sh.lockWaiters, sh.lock::acquire)) {
            if (++sh.inLock != 1) {
                sh.violations.add(sh.inLock + " holders of the lock");
            }
            try {
                Aio.sleep(hold);
            } finally {
                sh.inLock--;
            }
        }
        maybeCancelTheOldest(sh, sh.lockWaiters, r);
    }

    private static void semaphoreOnce(Shared sh, SplittableRandom r) throws Exception {
        double hold = r.nextInt(0, 6) * TICK;
        boolean nonWaiting = r.nextInt(4) == 0;
        if (nonWaiting && !sh.sem.tryAcquire()) {
            return;
        }
        Acquired permit = nonWaiting ? null : tracked(sh.semWaiters, sh.sem::acquire);
        try {
            if (++sh.inSem > PERMITS) {
                sh.violations.add(sh.inSem + " holders of a semaphore of " + PERMITS);
            }
            try {
                Aio.sleep(hold);
            } finally {
                sh.inSem--;
            }
        } finally {
            if (permit != null) {
                permit.close();
            } else {
                sh.sem.release();
            }
        }
        maybeCancelTheOldest(sh, sh.semWaiters, r);
    }

    private static void consumeOne(Shared sh) {
        try (Acquired held = sh.cond.acquire()) {
            Task<?> me = Aio.currentTask();
            sh.consumers.add(me);
            try {
                sh.cond.waitFor(() -> sh.tokens > 0);
            } finally {
                sh.consumers.remove(me);
            }
            sh.tokens--;
            sh.consumed++;
        }
    }

    private static void produceOne(Shared sh, SplittableRandom r) {
        Aio.sleep(r.nextInt(0, 3) * TICK);
        try (Acquired held = sh.cond.acquire()) {
            sh.tokens++;
            sh.produced++;
            sh.cond.signal();
            maybeCancelTheOldest(sh, sh.consumers, r);
        }
    }
}
