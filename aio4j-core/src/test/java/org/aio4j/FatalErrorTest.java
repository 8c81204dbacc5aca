package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The errors that stop the loop (aio4j's SystemExit / KeyboardInterrupt): a VirtualMachineError other
 * than StackOverflowError that ends a task or escapes a callback is rethrown out of the loop, the
 * task keeping it; every other throwable stays in its task.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FatalErrorTest {

    private final EventLoop loop = EventLoop.create(Clock.virtual());
    private final List<ExceptionContext> reports = new CopyOnWriteArrayList<>();

    FatalErrorTest() {
        loop.setExceptionHandler((l, ctx) -> reports.add(ctx));
    }

    @AfterEach
    void closeLoop() {
        if (!loop.isClosed()) {
            for (Task<?> t : loop.allTasks()) {
                t.cancel();
            }
            runBriefly();
            loop.close();
        }
    }

    /** asyncio's test_utils.run_briefly: one pass of the loop. */
    private void runBriefly() {
        loop.callSoon(loop::stop);
        loop.runForever();
    }

    @Test
    void outOfMemoryErrorRaisedWhileHandlingCancellationStopsTheLoopAndIsKeptByTheTask() {
        // CPython test_tasks: test_baseexception_during_cancel (SystemExit there).
        OutOfMemoryError fatal = new OutOfMemoryError("simulated");
        Task<Void> task = loop.createTask(Aio.async(() -> {
            try {
                Aio.sleep(10.0);
            } catch (CancelledError e) {
                throw fatal;
            }
        }));
        runBriefly();
        task.cancel();
        assertThat(task.done()).isFalse();
        assertThat(catchThrowable(this::runBriefly)).isSameAs(fatal);
        assertThat(task.done()).isTrue();
        assertThat(task.cancelled()).isFalse();
        assertThat(task.exception()).isSameAs(fatal);
        assertThat(loop.isRunning()).as("left idle, usable again").isFalse();
    }

    @Test
    void fatalErrorOfABackgroundTaskStopsRunUntilCompleteOfAnotherTask() {
        InternalError fatal = new InternalError("simulated");
        List<String> trace = new CopyOnWriteArrayList<>();
        loop.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            throw fatal;
        }));
        Task<Void> main = loop.createTask(Aio.async(() -> {
            Aio.sleep(5.0);
            trace.add("main finished");
        }));
        assertThat(catchThrowable(() -> loop.runUntilComplete(main))).isSameAs(fatal);
        assertThat(loop.time()).isEqualTo(1.0);
        assertThat(main.done()).isFalse();
        // The rest of the program is still there: running the loop again finishes main.
        loop.runUntilComplete(main);
        assertThat(trace).containsExactly("main finished");
        assertThat(reports).as("delivered to the loop's caller, not reported as never retrieved").isEmpty();
    }

    @Test
    void fatalErrorOfATaskEndsAioRunAfterTheUsualShutdown() {
        OutOfMemoryError fatal = new OutOfMemoryError("simulated");
        List<String> trace = new CopyOnWriteArrayList<>();
        Throwable thrown = catchThrowable(() -> {
            try (Runner runner = Runner.create(Clock.virtual())) {
                runner.run(Aio.async(() -> {
                    Aio.createTask(Aio.async(() -> {
                        Aio.sleep(1.0);
                        throw fatal;
                    }));
                    try {
                        Aio.sleep(5.0);
                    } catch (CancelledError e) {
                        trace.add("main cancelled by the shutdown");
                        throw e;
                    }
                }));
            }
        });
        assertThat(thrown).isSameAs(fatal);
        assertThat(trace).containsExactly("main cancelled by the shutdown");
    }

    @Test
    void fatalErrorOfACallbackStopsTheLoop() {
        OutOfMemoryError fatal = new OutOfMemoryError("simulated");
        loop.callSoon(() -> {
            throw fatal;
        });
        assertThat(catchThrowable(this::runBriefly)).isSameAs(fatal);
        assertThat(reports).isEmpty();
    }

    @Test
    void assertionErrorStackOverflowErrorAndUserErrorsStayInTheirTasks() {
        AssertionError assertion = new AssertionError("a failed check");
        StackOverflowError overflow = new StackOverflowError("deep recursion");
        Error user = new Error("a user's Error") { };
        Task<?> a = loop.createTask(Aio.async(() -> {
            throw assertion;
        }));
        Task<?> b = loop.createTask(Aio.async(() -> {
            throw overflow;
        }));
        Task<?> c = loop.createTask(Aio.async(() -> {
            throw user;
        }));
        Task<String> main = loop.createTask(Aio.async(() -> Aio.sleep(1.0, "main went on")));
        assertThat(loop.runUntilComplete(main)).isEqualTo("main went on");
        assertThat(a.exception()).isSameAs(assertion);
        assertThat(b.exception()).isSameAs(overflow);
        assertThat(c.exception()).isSameAs(user);
    }

    @Test
    void stackOverflowErrorOfACallbackGoesToTheExceptionHandler() {
        StackOverflowError overflow = new StackOverflowError("deep recursion");
        loop.callSoon(() -> {
            throw overflow;
        });
        runBriefly();
        assertThat(reports).singleElement().satisfies(r -> assertThat(r.exception()).isSameAs(overflow));
    }
}
