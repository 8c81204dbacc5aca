package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A failure crossing an await keeps its identity and gains the awaiting chain (DESIGN.md section 3):
 * one suppressed "awaited by task" link per await it crosses, with the awaiting code's stack.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class AsyncStackTraceTest {

    private static final IOException FAILURE = new IOException("disk on fire");

    private static Coro<Integer> failing() {
        return Aio.async(() -> {
            Aio.sleep(0.1);
            throw new IOException("disk on fire");
        });
    }

    @Test
    void failureAwaitedThroughTwoTasksCarriesBothAwaitingTasksInOrder() {
        Throwable thrown = catchThrowable(() -> VirtualRun.run(() -> {
            Task<Integer> middle = Aio.createTask(Aio.async(
                    () -> Aio.await(Aio.createTask(failing(), "inner"))), "middle");
            return Aio.await(middle);
        }));
        assertThat(thrown).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThat(Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage))
                .containsExactly("awaited by task 'middle' (failure of task 'inner')",
                        "awaited by task 'Task-" + taskNumberOf(thrown) + "' (failure of task 'middle')");
    }

    private static String taskNumberOf(Throwable t) {
        String last = t.getSuppressed()[1].getMessage();
        return last.substring(last.indexOf("Task-") + 5, last.indexOf("'", last.indexOf("Task-")));
    }

    @Test
    void awaitingLinkPointsAtTheAwaitingCodeNotAtAio4jInternals() {
        Throwable thrown = catchThrowable(() -> VirtualRun.run(() -> Aio.await(Aio.createTask(failing(), "inner"))));
        StackTraceElement top = thrown.getSuppressed()[0].getStackTrace()[0];
        assertThat(top.getClassName()).isEqualTo(AsyncStackTraceTest.class.getName());
    }

    @Test
    void failureIsTheSameInstanceAfterCrossingAnAwait() {
        Throwable thrown = catchThrowable(() -> VirtualRun.run(() -> {
            Future<Void> f = Aio.runningLoop().createFuture();
            Aio.runningLoop().callSoon(() -> f.setException(FAILURE));
            return Aio.await(f);
        }));
        assertThat(thrown).isSameAs(FAILURE);
        assertThat(thrown.getSuppressed()).isNotEmpty();
    }

    @Test
    void cancellationIsNotAnnotated() {
        Throwable thrown = catchThrowable(() -> VirtualRun.run(() -> {
            Task<Void> t = Aio.createTask(Aio.async(() -> Aio.sleep(10)));
            Aio.sleep(1);
            t.cancel("stop");
            return Aio.await(t);
        }));
        assertThat(thrown).isInstanceOf(CancelledError.class);
        assertThat(thrown.getSuppressed()).isEmpty();
    }

    @Test
    void linksAreBoundedWhenTheSameFailureIsAwaitedManyTimes() {
        Throwable thrown = catchThrowable(() -> VirtualRun.run(() -> {
            Task<Integer> t = Aio.createTask(failing());
            for (int i = 0; i < 100; i++) {
                try {
                    Aio.await(t);
                } catch (Exception e) {
                    // a checked exception crosses await undeclared (sneaky): catch Exception, test the type
                }
            }
            return Aio.await(t);
        }));
        assertThat(thrown.getSuppressed()).hasSize(AsyncStackTrace.MAX_LINKS);
    }
}
