package org.aio4j;

import static org.aio4j.ModelCheck.check;
import static org.aio4j.ModelCheck.join;
import static org.aio4j.ModelCheck.start;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Work that completes on other threads and comes back to the loop through its inbox, under a model
 * checker (see {@link ModelCheck}): {@code runInExecutor} results posted by a worker thread, a task
 * parked inside a blocking JDK call whose other side is a platform thread (the JDK hands the unparked
 * task's continuation to the loop from that thread), and {@code Aio.await(CompletableFuture)}
 * completed on another thread while another thread cancels the awaiting task.
 *
 * <p>The task scenarios run in LOOP_SCHEDULED mode only. A PORTABLE strand is a virtual thread on the
 * JDK's own scheduler that hands a baton back and forth with the loop thread through
 * {@code LockSupport.park}/{@code unpark}: the checker takes over the loop thread's park but cannot
 * see the virtual thread's unpark, and reports "Concurrent test has hung". There these paths are
 * covered by {@link CrossThreadEntryStressTest} instead. (A loop-scheduled task's own steps run on
 * the loop thread as carrier; the checker explores the loop thread and the platform threads around
 * them.)
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ForeignCompletionModelTest {

    /** Runs each piece of work on a new platform thread, and remembers the threads to join them. */
    private static final class ThreadPerCall implements Executor {
        final List<Thread> threads = new ArrayList<>();
        volatile Throwable uncaught;

        @Override
        public void execute(Runnable work) {
            Thread t = new Thread(work, "worker");
            t.setUncaughtExceptionHandler((thread, e) -> uncaught = e);
            threads.add(t);
            t.start();
        }
    }

    /** One more iteration: runs what the inbox still holds (completions that lost a race). */
    private static void drain(EventLoop loop) {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    private static void assumeLoopScheduled() {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED,
                "PORTABLE strands hand a baton through a virtual thread the checker cannot follow;"
                        + " CrossThreadEntryStressTest covers this mode");
    }

    @Test
    void runInExecutorResultPostedByAWorkerCompletesTheFutureOrLosesCleanlyToACancel() {
        ModelCheck.explore(60, () -> {
            EventLoop loop = ModelCheck.newLoop();
            ThreadPerCall workers = new ThreadPerCall();
            Object[] outcome = new Object[1];
            boolean[] cancelled = new boolean[1];
            int[] inFlight = {-1};
            Thread looper = start("loop", () -> {
                Future<Integer> f = loop.runInExecutor(workers, () -> 7);
                Thread canceller = start("canceller", () -> loop.callSoonThreadsafe(f::cancel));
                try {
                    outcome[0] = loop.runUntilComplete(f);
                } catch (CancelledError e) {
                    outcome[0] = e;
                }
                cancelled[0] = f.cancelled();
                join(canceller);
                join(workers.threads.toArray(new Thread[0]));
                drain(loop);
                inFlight[0] = ModelCheck.workInFlightOutside(loop);
                loop.close();
            });
            join(looper);
            check(inFlight[0] == 0, "the worker's result was received, so no work is in flight: %d", inFlight[0]);
            check(workers.uncaught == null, "the worker failed: %s", workers.uncaught);
            check(Integer.valueOf(7).equals(outcome[0]) || (outcome[0] instanceof CancelledError && cancelled[0]),
                    "the future has the worker's result or was cancelled: %s", outcome[0]);
        });
    }

    @Test
    void aCancelRacingTheWorkerInterruptsOnlyTheFunctionAndTheFutureEndsCancelledOrWithTheResult() {
        ModelCheck.explore(60, () -> {
            EventLoop loop = ModelCheck.newLoop();
            boolean[] interruptLeft = new boolean[1];
            List<Thread> threads = new ArrayList<>();
            Executor leakChecking = work -> {
                Thread t = new Thread(() -> {
                    work.run();
                    interruptLeft[0] = Thread.currentThread().isInterrupted(); // the executor's next work would see it
                }, "worker");
                threads.add(t);
                t.start();
            };
            Object[] outcome = new Object[1];
            int[] inFlight = {-1};
            Thread looper = start("loop", () -> {
                Future<Integer> f = loop.runInExecutor(leakChecking, () -> 7);
                loop.callSoon(f::cancel);
                try {
                    outcome[0] = loop.runUntilComplete(f);
                } catch (CancelledError e) {
                    outcome[0] = e;
                }
                join(threads.toArray(new Thread[0]));
                drain(loop);
                inFlight[0] = ModelCheck.workInFlightOutside(loop);
                loop.close();
            });
            join(looper);
            check(!interruptLeft[0], "the cancellation's interrupt outlived the function on the worker thread");
            check(inFlight[0] == 0, "no work is left in flight: %d", inFlight[0]);
            check(outcome[0] instanceof CancelledError, "a cancel before the hand-back wins: %s", outcome[0]);
        });
    }

    @Test
    void runInExecutorWorkEndingAfterTheLoopClosedIsDroppedWithoutAnError() {
        ModelCheck.explore(30, () -> {
            EventLoop loop = ModelCheck.newLoop();
            ThreadPerCall workers = new ThreadPerCall();
            boolean[] done = new boolean[1];
            Thread looper = start("loop", () -> {
                Future<Integer> f = loop.runInExecutor(workers, () -> 7);
                loop.close();
                join(workers.threads.toArray(new Thread[0]));
                done[0] = f.done();
            });
            join(looper);
            check(workers.uncaught == null, "the worker failed posting to a closed loop: %s", workers.uncaught);
            check(!done[0], "nothing completes a future of a closed loop");
        });
    }

    @Test
    void taskParkedInABlockingQueueTakeIsResumedThroughTheInboxWhenAPlatformThreadPuts() {
        assumeLoopScheduled();
        ModelCheck.explore(60, () -> {
            BlockingQueue<Integer> queue = new ArrayBlockingQueue<>(1);
            int[] got = {0};
            Thread looper = start("loop", () -> {
                EventLoop loop = ModelCheck.newLoop();
                got[0] = loop.runUntilComplete(Aio.async(() -> queue.take()));
                loop.close();
            });
            Thread producer = start("producer", () -> {
                try {
                    queue.put(7);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            join(producer, looper);
            check(got[0] == 7, "the task took what the platform thread put: %d", got[0]);
        });
    }

    @Test
    void taskParkedOnAJdkLockIsResumedThroughTheInboxWhenAPlatformThreadUnlocks() {
        assumeLoopScheduled();
        ModelCheck.explore(60, () -> {
            ReentrantLock lock = new ReentrantLock();
            int[] holders = {0};
            Thread looper = start("loop", () -> {
                EventLoop loop = ModelCheck.newLoop();
                loop.runUntilComplete(Aio.async(() -> {
                    lock.lock();
                    try {
                        holders[0]++;
                    } finally {
                        lock.unlock();
                    }
                }));
                loop.close();
            });
            Thread other = start("other", () -> {
                lock.lock();
                try {
                    holders[0]++;
                } finally {
                    lock.unlock();
                }
            });
            join(other, looper);
            check(holders[0] == 2, "both the task and the platform thread held the lock: %d", holders[0]);
        });
    }

    @Test
    void awaitedCompletableFutureCompletedOnAnotherThreadResumesTheTaskOrLosesCleanlyToACancel() {
        assumeLoopScheduled();
        ModelCheck.explore(60, () -> {
            CompletableFuture<Integer> stage = new CompletableFuture<>();
            Object[] outcome = new Object[1];
            int[] inFlight = {-1};
            boolean[] stageDone = new boolean[1];
            Thread completer = start("completer", () -> stage.complete(7));
            Thread looper = start("loop", () -> {
                EventLoop loop = ModelCheck.newLoop();
                Task<Integer> task = loop.createTask(Aio.async(() -> Aio.await(stage)));
                Thread canceller = start("canceller", () -> loop.callSoonThreadsafe(() -> task.cancel()));
                try {
                    outcome[0] = loop.runUntilComplete(task);
                } catch (CancelledError e) {
                    outcome[0] = e;
                }
                inFlight[0] = ModelCheck.workInFlightOutside(loop);
                stageDone[0] = stage.isDone();
                join(canceller);
                drain(loop);
                loop.close();
            });
            join(completer, looper);
            check(Integer.valueOf(7).equals(outcome[0]) || outcome[0] instanceof CancelledError,
                    "the task returns the stage's value or is cancelled: %s", outcome[0]);
            check(!(outcome[0] instanceof CancelledError) || stageDone[0],
                    "when the cancelled task is done, its stage is done too (cancelled by it, or completed)");
            check(inFlight[0] == 0, "once the task is done nothing is counted in flight: %d", inFlight[0]);
        });
    }
}
