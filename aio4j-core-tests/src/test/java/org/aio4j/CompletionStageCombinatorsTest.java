package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Timeout;

/**
 * The combinators ({@link Aio#gather}, {@link Aio#waitFor}, {@link Aio#shield}, {@link Aio#waitDone},
 * {@link Aio#asCompleted}) given {@link CompletionStage}s: completed by another thread, already done,
 * failed, cancelled through the wrapper, and mixed with awaitables in one collection. The
 * {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual time, failing on anything left
 * behind); virtual time stands still while a stage is pending, so "later" is a real thread.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompletionStageCombinatorsTest {

    /** A stage another thread completes with {@code value} after {@code millis} of real time. */
    private static CompletableFuture<String> completedLater(long millis, String value) {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            cf.complete(value);
        }, "completer");
        t.setDaemon(true);
        t.start();
        return cf;
    }

    private static Task<String> after(double seconds, String value) {
        return Aio.createTask(Aio.async(() -> Aio.sleep(seconds, value)));
    }

    private static List<Object> results(Iterable<? extends Future<?>> fs) {
        List<Object> out = new ArrayList<>();
        for (Future<?> f : fs) {
            out.add(f.result());
        }
        return out;
    }

    // ------------------------------------------------------------------ gather

    @AioTest
    void gatherOfStagesCompletedByAnotherThreadReturnsTheirValuesInArgumentOrder() {
        CompletableFuture<String> slow = completedLater(60, "slow");
        CompletableFuture<String> fast = completedLater(10, "fast");
        List<String> r = Aio.await(Aio.gather(slow, fast));
        assertThat(r).containsExactly("slow", "fast");
    }

    @AioTest
    void gatherOfAnAlreadyDoneStageReturnsItsValue() {
        List<String> r = Aio.await(Aio.gather(CompletableFuture.completedFuture("done"), completedLater(10, "later")));
        assertThat(r).containsExactly("done", "later");
    }

    @AioTest
    void gatherOfAMixedCollectionRunsCoroutinesAndWrapsStages() {
        Coro<Object> coro = Aio.async(() -> Aio.sleep(1.0, "coroutine"));
        Task<String> task = after(0.5, "task");
        List<Object> items = List.of(coro, task, completedLater(10, "stage"), CompletableFuture.completedFuture(7));
        List<Object> r = Aio.await(Aio.gather(items));
        assertThat(r).containsExactly("coroutine", "task", "stage", 7);
    }

    @AioTest
    void gatherOfAMixedCollectionWithReturnExceptionsPutsAStageFailureInPlace() {
        IOException boom = new IOException("stage failed");
        List<Object> r = Aio.await(Aio.gather(true, List.of(after(1.0, "task"), CompletableFuture.failedFuture(boom),
                completedLater(10, "stage"))));
        assertThat(r).containsExactly("task", boom, "stage");
        assertThat(Aio.await(Aio.gather(true, CompletableFuture.failedFuture(boom)))).containsExactly(boom);
    }

    @AioTest
    void gatherFailsWithTheFailureOfAStage() {
        IOException boom = new IOException("stage failed");
        CompletableFuture<String> failing = new CompletableFuture<>();
        Thread t = new Thread(() -> failing.completeExceptionally(boom), "failer");
        t.start();
        assertThatThrownBy(() -> Aio.await(Aio.gather(failing))).isSameAs(boom);
    }

    @AioTest
    void cancellingAGatherCancelsTheStagesItWaitsFor() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        Future<List<String>> g = Aio.gather(pending);
        Aio.sleep(0);
        assertThat(g.cancel()).isTrue();
        assertThatThrownBy(() -> Aio.await(g)).isInstanceOf(CancelledError.class);
        Aio.sleep(0); // the wrapper's done callbacks, which cancel the stage, run at the next iteration
        assertThat(pending).isCancelled();
    }

    @AioTest
    void gatherRejectsAnElementThatIsNeitherAnAwaitableNorAStageBeforeStartingAnything() {
        Coro<String> coro = Aio.async(() -> "never run");
        assertThatThrownBy(() -> Aio.gather(List.of(coro, "not awaitable")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("element 1 is a java.lang.String")
                .hasMessageContaining("neither an Awaitable (coroutine, task, future) nor a CompletionStage");
        assertThat(coro.isCreated()).as("no task was started for the elements before the bad one").isTrue();
        coro.close();
    }

    // ------------------------------------------------------------------ waitFor

    @AioTest
    void waitForAStageCompletedByAnotherThreadReturnsItsValue() {
        assertThat(Aio.waitFor(completedLater(10, "in time"), 10.0)).isEqualTo("in time");
        assertThat(Aio.waitFor(completedLater(10, "no limit"), (java.time.Duration) null)).isEqualTo("no limit");
    }

    @AioTest
    void waitForAnAlreadyDoneStageReturnsItsValueEvenWithAZeroTimeout() {
        assertThat(Aio.waitFor(CompletableFuture.completedFuture("done"), 0)).isEqualTo("done");
    }

    @AioTest
    void waitForAStageThatIsNotDoneByTheDeadlineCancelsItAndRaisesTimeoutError() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThatThrownBy(() -> Aio.waitFor(pending, 0)).isInstanceOf(TimeoutError.class);
        Aio.sleep(0);
        assertThat(pending).isCancelled();
    }

    @AioTest
    void waitForRejectsANaNTimeoutBeforeWrappingTheStage() {
        CompletableFuture<String> pending = new CompletableFuture<>();
        assertThatThrownBy(() -> Aio.waitFor(pending, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThat(pending.getNumberOfDependents()).as("nothing waits for the stage").isZero();
    }

    // ------------------------------------------------------------------ shield

    @AioTest
    void shieldOfAStageCompletedByAnotherThreadReturnsItsValue() {
        assertThat(Aio.await(Aio.shield(completedLater(10, "shielded")))).isEqualTo("shielded");
    }

    @AioTest
    void shieldOfAnAlreadyDoneStageReturnsItsValue() {
        assertThat(Aio.await(Aio.shield(CompletableFuture.completedFuture("done")))).isEqualTo("done");
    }

    @AioTest
    void cancellingTheTaskAwaitingAShieldedStageLeavesTheStageRunning() {
        CompletableFuture<String> cf = new CompletableFuture<>();
        Future<String> shielded = Aio.shield(cf);
        Task<String> waiter = Aio.createTask(Aio.async(() -> Aio.await(shielded)));
        Aio.sleep(0);
        waiter.cancel();
        assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
        assertThat(cf).isNotDone();
        cf.complete("still wanted");
        assertThat(cf).isCompletedWithValue("still wanted");
    }

    // ------------------------------------------------------------------ waitDone

    @AioTest
    void waitDoneOnStagesCompletedByAnotherThreadOrAlreadyDoneReturnsTheirWrappersAsDone() {
        CompletableFuture<String> later = completedLater(10, "later");
        CompletableFuture<String> done = CompletableFuture.completedFuture("done");
        WaitResult<String> r = Aio.waitDone(List.of(later, done));
        assertThat(results(r.done())).as("argument order").containsExactly("later", "done");
        assertThat(r.pending()).isEmpty();
    }

    @AioTest
    void waitDoneFirstCompletedOverATaskAndAStageReturnsTheStagesWrapperWhenItCompletesFirst(TestLoop test) {
        Task<String> task = after(10.0, "task");
        Future<String> wrapper = Aio.wrapFuture(completedLater(10, "stage"));
        WaitResult<String> r = Aio.waitDone(List.of(task, wrapper), ReturnWhen.FIRST_COMPLETED);
        assertThat(r.done()).containsExactly(wrapper);
        assertThat(r.pending()).containsExactly(task);
        assertThat(test.time()).as("virtual time stood still while the stage was pending").isZero();
        task.cancel();
    }

    @AioTest
    void waitDoneOverAMixOfATaskAndAStageWrapsTheStageOncePerIdentity() {
        Task<String> task = after(1.0, "task");
        CompletableFuture<String> cf = completedLater(10, "stage");
        WaitResult<String> r = Aio.waitDone(List.of(task, cf, cf), 5.0, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).hasSize(2).contains(task);
        assertThat(results(r.done())).containsExactly("task", "stage");
    }

    @AioTest
    void waitDoneWithATimeoutLeavesAPendingStageUncancelledAndItsWrapperPending() {
        // A zero timeout: virtual time does not move while a stage is pending, a due timer still fires.
        CompletableFuture<String> pending = new CompletableFuture<>();
        WaitResult<String> r = Aio.waitDone(List.of(pending), 0, ReturnWhen.ALL_COMPLETED);
        assertThat(r.done()).isEmpty();
        assertThat(r.pending()).hasSize(1);
        assertThat(pending).as("waitDone never cancels").isNotCancelled();
        pending.complete("after the timeout");
        Aio.sleep(0); // the wrapper settles through the loop, at its next iteration
        assertThat(results(r.pending())).containsExactly("after the timeout");
    }

    @AioTest
    void waitDoneRejectsACoroutineWithTheAdviceToMakeItATask() {
        Coro<String> coro = Aio.async(() -> "x");
        assertThatThrownBy(() -> Aio.waitDone(List.of(coro, CompletableFuture.completedFuture("y"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("element 0")
                .hasMessageContaining("make it a task first with Aio.createTask");
        coro.close();
        assertThatThrownBy(() -> Aio.waitDone(List.of(42))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("element 0 is a java.lang.Integer");
    }

    // ------------------------------------------------------------------ asCompleted

    @AioTest
    void asCompletedYieldsStagesInCompletionOrderAsTheirWrappers() {
        CompletableFuture<String> later = completedLater(30, "later");
        CompletableFuture<String> done = CompletableFuture.completedFuture("done");
        List<Object> seen = new ArrayList<>();
        for (Future<?> f : Aio.asCompleted(List.of(later, done))) {
            seen.add(f.result());
        }
        assertThat(seen).containsExactly("done", "later");
    }

    @AioTest
    void asCompletedOverAMixYieldsTheOriginalTaskAndTheWrapperItWasGiven() {
        Task<String> task = after(1.0, "task");
        Future<String> wrapper = Aio.wrapFuture(completedLater(10, "stage"));
        CompletableFuture<String> done = CompletableFuture.completedFuture("done");
        List<Future<String>> yielded = new ArrayList<>();
        for (Future<String> f : Aio.<String>asCompleted(List.of(task, wrapper, done), 10.0)) {
            yielded.add(f);
        }
        assertThat(results(yielded)).containsExactly("done", "stage", "task");
        assertThat(yielded).contains(task, wrapper);
    }
}
