package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.test.AioTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link TaskFactory} and {@link TaskRequest}: every way of creating a task goes through the loop's
 * factory, which decides name and eagerness through its request, and a request makes one task, during
 * the factory call only. The {@code @AioTest}s run on the aio4j-test kit (a fresh loop on virtual
 * time, failing on anything left behind).
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TaskFactoryTest {

    @AioTest
    void factorySeesTheLoopTheCoroutineAndTheRequestedName() {
        EventLoop loop = Aio.runningLoop();
        List<String> seen = new ArrayList<>();
        loop.setTaskFactory(request -> {
            seen.add((request.loop() == loop) + " " + request.coro().name() + " " + request.name());
            return request.create();
        });
        Task<String> named = Aio.createTask(Aio.async("job", () -> "named"), "the name");
        Task<String> unnamed = loop.createTask(Aio.async("other", () -> "unnamed"));
        assertThat(Aio.await(named)).isEqualTo("named");
        assertThat(Aio.await(unnamed)).isEqualTo("unnamed");
        assertThat(seen).containsExactly("true job the name", "true other null");
        assertThat(named.getName()).isEqualTo("the name");
        assertThat(unnamed.getName()).startsWith("Task-");
    }

    @AioTest
    void taskGroupGatherAndAioCreateTaskAllGoThroughTheFactory() {
        List<String> seen = new ArrayList<>();
        Aio.runningLoop().setTaskFactory(request -> {
            seen.add(request.coro().name());
            return request.create();
        });
        Aio.await(Aio.createTask(Aio.async("by Aio", () -> 1)));
        Aio.taskGroup(tg -> tg.createTask(Aio.async("by a group", () -> 2)));
        Aio.await(Aio.gather(Aio.async("by gather", () -> 3)));
        Aio.waitFor(Aio.async("by waitFor", () -> 4), 1.0);
        assertThat(seen).containsExactly("by Aio", "by a group", "by gather", "by waitFor");
    }

    @AioTest
    void factoryDecidesEagernessAndNamePerRequest() {
        List<String> trace = new ArrayList<>();
        Aio.runningLoop().setTaskFactory(request -> "urgent".equals(request.name())
                ? request.create("urgent!", true)
                : request.create());
        Task<Void> lazy = Aio.createTask(Aio.async(() -> {
            trace.add("lazy runs");
        }));
        Task<Void> urgent = Aio.createTask(Aio.async(() -> {
            trace.add("urgent runs");
        }), "urgent");
        trace.add("creator continues");
        Aio.await(lazy);
        assertThat(trace).containsExactly("urgent runs", "creator continues", "lazy runs");
        assertThat(urgent.getName()).isEqualTo("urgent!");
        assertThat(urgent.done()).isTrue();
    }

    @AioTest
    void factoryMayActOnTheTaskItCreated() {
        List<Task<?>> made = new ArrayList<>();
        Aio.runningLoop().setTaskFactory(request -> {
            Task<?> t = request.create();
            made.add(t);
            return t;
        });
        Task<String> t = Aio.createTask(Aio.async(() -> "x"));
        assertThat(made).containsExactly(t);
        Aio.await(t);
    }

    @AioTest
    void factoryReturningWithoutCreatingTheTaskFailsCreateTask() {
        Aio.runningLoop().setTaskFactory(request -> null);
        Coro<String> c = Aio.async(() -> "never run");
        assertThatThrownBy(() -> Aio.createTask(c)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("returned null without creating the task")
                .hasMessageContaining("call request.create()");
        c.close();
    }

    @AioTest
    void factoryReturningAnotherTaskThanItCreatedFailsCreateTask() {
        EventLoop loop = Aio.runningLoop();
        Task<String> other = Aio.createTask(Aio.async(() -> "other"));
        List<Task<?>> created = new ArrayList<>();
        loop.setTaskFactory(request -> {
            created.add(request.create());
            return other;
        });
        assertThatThrownBy(() -> Aio.createTask(Aio.async(() -> "made"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("but returned " + other)
                .hasMessageContaining("return the task that request.create(...) gave");
        loop.setTaskFactory(null);
        Aio.await(created.get(0));
        Aio.await(other);
    }

    @AioTest
    void aRequestCreatesOneTask() {
        List<Throwable> second = new ArrayList<>();
        Aio.runningLoop().setTaskFactory(request -> {
            Task<?> t = request.create();
            try {
                request.createEager();
            } catch (IllegalStateException e) {
                second.add(e);
            }
            return t;
        });
        Aio.await(Aio.createTask(Aio.async(() -> "once")));
        assertThat(second).singleElement().extracting(Throwable::getMessage).asString()
                .contains("already created").contains("one task per request");
    }

    @AioTest
    void aRequestKeptAfterTheFactoryReturnedCannotCreateATask() {
        AtomicReference<TaskRequest<?>> kept = new AtomicReference<>();
        Aio.runningLoop().setTaskFactory(request -> {
            kept.set(request);
            return request.create();
        });
        Aio.await(Aio.createTask(Aio.async(() -> "x")));
        assertThatThrownBy(() -> kept.get().create()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expired when its factory returned");
    }

    @AioTest
    void aFactoryThatThrowsMakesCreateTaskThrowAndItsRequestExpire() {
        AtomicReference<TaskRequest<?>> kept = new AtomicReference<>();
        IllegalArgumentException refused = new IllegalArgumentException("no tasks today");
        Aio.runningLoop().setTaskFactory(request -> {
            kept.set(request);
            throw refused;
        });
        Coro<String> c = Aio.async(() -> "x");
        assertThatThrownBy(() -> Aio.createTask(c)).isSameAs(refused);
        assertThatThrownBy(() -> kept.get().create()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("expired");
        c.close();
    }

    @Test
    void createTaskOnAClosedLoopFailsBeforeTheFactoryRuns() {
        EventLoop loop = EventLoop.create(Clock.virtual());
        List<String> calls = new ArrayList<>();
        loop.setTaskFactory(request -> {
            calls.add("factory");
            return request.create();
        });
        loop.close();
        Coro<String> c = Aio.async(() -> "x");
        assertThatThrownBy(() -> loop.createTask(c)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        assertThat(calls).isEmpty();
        c.close();
    }
}
