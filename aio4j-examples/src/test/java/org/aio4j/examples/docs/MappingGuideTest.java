package org.aio4j.examples.docs;

import static org.aio4j.Aio.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.aio4j.ReturnWhen;
import org.aio4j.Task;
import org.aio4j.WaitResult;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;

/**
 * Rows of docs/asyncio-mapping.md written as the table writes them: under
 * {@code import static org.aio4j.Aio.*}, unqualified, inside a class body (where every method
 * {@code Object} declares hides a statically imported one of the same name), from outside the
 * org.aio4j package (so only the public API takes part in overload resolution).
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
}
