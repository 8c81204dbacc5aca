package org.aio4j.examples.docs;

import static org.aio4j.Aio.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.aio4j.Future;
import org.aio4j.ReturnWhen;
import org.aio4j.Task;
import org.aio4j.WaitResult;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * Rows of docs/asyncio-mapping.md written as the table writes them: under
 * {@code import static org.aio4j.Aio.*}, unqualified, inside a class body (where every method
 * {@code Object} declares hides a statically imported one of the same name), from outside the
 * org.aio4j package (so only the public API takes part in overload resolution). Each call below
 * compiling is half of the test: no overload of awaitables, stages and collections is ambiguous.
 */
class MappingGuideTest {

    private static Task<String> after(double seconds, String value) {
        return createTask(async(() -> sleep(seconds, value)));
    }

    @AioTest
    void waitDoneCompilesUnqualifiedUnderTheStaticImportAndReturnsDoneAndPending(TestLoop test) {
        Task<String> fast = after(1.0, "fast");
        Task<String> slow = after(5.0, "slow");
        WaitResult<String> r = waitDone(List.of(fast, slow), 2.0, ReturnWhen.ALL_COMPLETED);
        assertThat(test.time()).isEqualTo(2.0);
        assertThat(r.done()).containsExactly(fast);
        assertThat(r.pending()).containsExactly(slow);
        assertThat(waitDone(List.of(slow), ReturnWhen.FIRST_COMPLETED).done()).containsExactly(slow);
        assertThat(waitDone(List.of(fast, slow)).pending()).isEmpty();
        assertThat(test.time()).isEqualTo(5.0);
    }

    @AioTest
    void combinatorsTakeAwaitablesStagesAndMixedCollectionsUnqualified() {
        Task<String> task = after(1.0, "task");
        CompletableFuture<String> stage = CompletableFuture.completedFuture("stage");
        List<String> none = await(gather());
        List<Object> noneEither = await(gather(true));
        List<String> tasks = await(gather(task, after(0.5, "other")));
        List<String> stages = await(gather(stage, stage));
        List<String> mixed = await(gather(List.of(task, stage)));
        List<Object> mixedOrFailed = await(gather(true, List.of(task, stage)));
        assertThat(none).isEmpty();
        assertThat(noneEither).isEmpty();
        assertThat(tasks).containsExactly("task", "other");
        assertThat(stages).containsExactly("stage", "stage");
        assertThat(mixed).containsExactly("task", "stage");
        assertThat(mixedOrFailed).containsExactly("task", "stage");
        assertThat(waitFor(stage, 1.0)).isEqualTo("stage");
        assertThat(await(shield(stage))).isEqualTo("stage");
        List<String> inOrder = new ArrayList<>();
        for (Future<String> f : asCompleted(List.of(after(2.0, "b"), after(1.0, "a")))) {
            inOrder.add(f.result());
        }
        for (Future<?> f : asCompleted(List.of(stage))) {
            inOrder.add((String) f.result());
        }
        assertThat(inOrder).containsExactly("a", "b", "stage");
        WaitResult<String> r = waitDone(List.of(task, stage));
        assertThat(r.done()).hasSize(2).contains(task);
    }
}
