package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.test.AioTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Eager tasks ({@link TaskFactory#EAGER}, {@link TaskRequest#createEager()}; Python 3.12's eager
 * task factory): the coroutine runs synchronously inside {@code createTask} until it first suspends.
 * The {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual time, failing on anything
 * left behind).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EagerTaskTest {

    /** {@code loop.createTask(coro, name)} with the eager factory for this one call. */
    static <T> Task<T> createEager(EventLoop loop, Coro<T> coro, String name) {
        TaskFactory previous = loop.getTaskFactory();
        loop.setTaskFactory(TaskFactory.EAGER);
        try {
            return loop.createTask(coro, name);
        } finally {
            loop.setTaskFactory(previous);
        }
    }

    @AioTest
    void eagerTaskCreatedInsideATaskRunsUntilItsFirstSuspensionThenTheCreatorContinuesFirst() {
        List<String> trace = new CopyOnWriteArrayList<>();
        EventLoop loop = Aio.runningLoop();
        loop.callSoon(() -> trace.add("callback ready before"));
        trace.add("creator before");
        Task<Void> t = createEager(loop, Aio.async(() -> {
            trace.add("eager step 1");
            Aio.sleep(0);
            trace.add("eager step 2");
        }), null);
        trace.add("creator after");
        Aio.await(t);
        assertThat(trace).containsExactly("creator before", "eager step 1", "creator after",
                "callback ready before", "eager step 2");
    }

    @AioTest
    void eagerTaskCreatedInACallbackRunsUntilItsFirstSuspensionInsideCreateTask() {
        List<String> trace = new CopyOnWriteArrayList<>();
        AtomicReference<Task<Void>> eager = new AtomicReference<>();
        EventLoop loop = Aio.runningLoop();
        loop.callSoon(() -> {
            trace.add("callback start");
            eager.set(createEager(loop, Aio.async(() -> {
                trace.add("eager step 1");
                Aio.sleep(0);
                trace.add("eager step 2");
            }), "eager"));
            trace.add("callback end");
        });
        loop.callSoon(() -> trace.add("next callback"));
        Aio.sleep(1.0);
        Aio.await(eager.get());
        assertThat(trace).containsExactly("callback start", "eager step 1", "callback end", "next callback",
                "eager step 2");
        assertThat(eager.get().getName()).isEqualTo("eager");
    }

    @AioTest
    void eagerTaskThatFinishesWithoutSuspendingIsDoneWhenCreateTaskReturns() {
        Task<Integer> t = createEager(Aio.runningLoop(), Aio.async(() -> 42), null);
        assertThat(t.done()).isTrue();
        assertThat(t.result()).isEqualTo(42);
        assertThat(Aio.allTasks()).doesNotContain(t);
    }

    @AioTest
    void eagerTaskRunsAsItsOwnTask() {
        Task<?> creator = Aio.currentTask();
        AtomicReference<Task<?>> inside = new AtomicReference<>();
        Task<Void> t = createEager(Aio.runningLoop(), Aio.async(() -> {
            inside.set(Aio.currentTask());
        }), null);
        assertThat(inside.get()).isSameAs(t).isNotSameAs(creator);
        assertThat(Aio.currentTask()).isSameAs(creator);
    }

    @AioTest
    void eagerTaskThatFailsAtOnceIsFailedWhenCreateTaskReturns() {
        IllegalStateException boom = new IllegalStateException("at once");
        Task<Void> t = createEager(Aio.runningLoop(), Aio.async(() -> {
            throw boom;
        }), null);
        assertThat(t.done()).isTrue();
        assertThat(t.exception()).isSameAs(boom);
    }

    @AioTest
    void eagerTaskFactoryAppliesToAioCreateTask() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.runningLoop().setTaskFactory(TaskFactory.EAGER);
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            trace.add("child runs");
            Aio.sleep(1.0);
            trace.add("child resumes");
        }));
        trace.add("creator continues");
        Aio.await(t);
        assertThat(trace).containsExactly("child runs", "creator continues", "child resumes");
    }

    @AioTest
    void eagerTasksNestedInEagerTasksRunDepthFirst() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.runningLoop().setTaskFactory(TaskFactory.EAGER);
        Task<Void> outer = Aio.createTask(Aio.async(() -> {
            trace.add("outer start");
            Task<Void> inner = Aio.createTask(Aio.async(() -> {
                trace.add("inner start");
                Aio.sleep(1.0);
                trace.add("inner end");
            }));
            trace.add("outer after creating inner");
            Aio.await(inner);
            trace.add("outer end");
        }));
        trace.add("main after creating outer");
        Aio.await(outer);
        assertThat(trace).containsExactly("outer start", "inner start", "outer after creating inner",
                "main after creating outer", "inner end", "outer end");
    }

    // A plain @Test: it is about a loop that is not running, where an @AioTest body never is.
    @Test
    void eagerTaskOnALoopThatIsNotRunningStartsAtTheFirstIterationAsUsual() {
        List<String> trace = new CopyOnWriteArrayList<>();
        EventLoop loop = EventLoop.create(Clock.virtual());
        try {
            Task<String> t = createEager(loop, Aio.async(() -> {
                trace.add("body");
                return "ok";
            }), null);
            trace.add("created");
            assertThat(loop.runUntilComplete(t)).isEqualTo("ok");
        } finally {
            loop.close();
        }
        assertThat(trace).containsExactly("created", "body");
    }

    @AioTest
    void cancellingAnEagerTaskAfterItsFirstStepCancelsItAtItsAwait() {
        Task<Void> t = createEager(Aio.runningLoop(), Aio.async(() -> Aio.sleep(10.0)), null);
        assertThat(t.done()).isFalse();
        t.cancel();
        Aio.sleep(0);
        assertThat(t.cancelled()).isTrue();
    }
}
