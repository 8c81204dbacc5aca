package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.util.Arrays;
import org.aio4j.test.AioTest;

/**
 * A failure crossing an await keeps its identity and gains the awaiting chain (docs/architecture.md, "Semantics"):
 * one suppressed "awaited by task" link per await it crosses, with the awaiting code's stack.
 * Runs on the aio4j-test kit: each test is the main task of a fresh loop on virtual time, and fails
 * if it leaves tasks, unretrieved failures or unawaited coroutines behind. The failures are caught
 * where the test awaits them, inside the loop.
 */
class AsyncStackTraceTest {

    private static final IOException FAILURE = new IOException("disk on fire");

    private static Coro<Integer> failing() {
        return Aio.async(() -> {
            Aio.sleep(0.1);
            throw new IOException("disk on fire");
        });
    }

    @AioTest
    void failureAwaitedThroughTwoTasksCarriesBothAwaitingTasksInOrder() {
        Task<Integer> middle = Aio.createTask(Aio.async(
                () -> Aio.await(Aio.createTask(failing(), "inner"))), "middle");
        Throwable thrown = catchThrowable(() -> Aio.await(middle));
        assertThat(thrown).isInstanceOf(IOException.class).hasMessage("disk on fire");
        assertThat(Arrays.stream(thrown.getSuppressed()).map(Throwable::getMessage))
                .containsExactly("awaited by task 'middle' (failure of task 'inner')",
                        "awaited by task '" + Aio.currentTask().getName() + "' (failure of task 'middle')");
    }

    @AioTest
    void awaitingLinkPointsAtTheAwaitingCodeNotAtAio4jInternals() {
        Throwable thrown = catchThrowable(() -> Aio.await(Aio.createTask(failing(), "inner")));
        StackTraceElement top = thrown.getSuppressed()[0].getStackTrace()[0];
        assertThat(top.getClassName()).isEqualTo(AsyncStackTraceTest.class.getName());
    }

    @AioTest
    void failureIsTheSameInstanceAfterCrossingAnAwait(EventLoop loop) {
        Future<Void> f = loop.createFuture();
        loop.callSoon(() -> f.setException(FAILURE));
        Throwable thrown = catchThrowable(() -> Aio.await(f));
        assertThat(thrown).isSameAs(FAILURE);
        assertThat(thrown.getSuppressed()).isNotEmpty();
    }

    @AioTest
    void cancellationIsNotAnnotated() {
        Task<Void> t = Aio.createTask(Aio.async(() -> Aio.sleep(10)));
        Aio.sleep(1);
        t.cancel("stop");
        Throwable thrown = catchThrowable(() -> Aio.await(t));
        assertThat(thrown).isInstanceOf(CancelledError.class);
        assertThat(thrown.getSuppressed()).isEmpty();
    }

    @AioTest
    void linksAreBoundedWhenTheSameFailureIsAwaitedManyTimes() {
        Task<Integer> t = Aio.createTask(failing());
        for (int i = 0; i < 100; i++) {
            try {
                Aio.await(t);
            } catch (Exception e) {
                // a checked exception crosses await undeclared (sneaky): catch Exception, test the type
            }
        }
        Throwable thrown = catchThrowable(() -> Aio.await(t));
        assertThat(thrown.getSuppressed()).hasSize(AsyncStackTrace.MAX_LINKS);
    }
}
