package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.aio4j.test.AioTest;
import org.aio4j.test.TestLoop;
import org.junit.jupiter.api.Test;

/**
 * {@link Task}: scheduling, results, names, the loop's set of pending tasks.
 * Runs on the aio4j-test kit: each {@code @AioTest} is the main task of a fresh loop on virtual time,
 * and fails if it leaves tasks, unretrieved failures or unawaited coroutines behind; the plain
 * {@code @Test} checks use outside any loop.
 */
class TaskTest {

    @AioTest
    void createTaskSchedulesTheFirstStepWithCallSoon() {
        List<String> trace = new CopyOnWriteArrayList<>();
        EventLoop loop = Aio.runningLoop();
        loop.callSoon(() -> trace.add("callback before"));
        Task<Void> t = Aio.createTask(Aio.async(() -> { trace.add("task body"); }));
        loop.callSoon(() -> trace.add("callback after"));
        trace.add("creator continues");
        assertThat(t.done()).isFalse();
        Aio.await(t);
        assertThat(trace).containsExactly("creator continues", "callback before", "task body", "callback after");
    }

    @AioTest
    void taskRunsConcurrentlyWithItsCreator(TestLoop test) {
        Task<String> a = Aio.createTask(Aio.async(() -> Aio.sleep(1.0, "a")));
        Task<String> b = Aio.createTask(Aio.async(() -> Aio.sleep(1.0, "b")));
        assertThat(Aio.await(a) + Aio.await(b)).isEqualTo("ab");
        assertThat(test.time()).isEqualTo(1.0);
    }

    @AioTest
    void taskResultIsTheCoroutinesReturnValue() {
        Task<Integer> t = Aio.createTask(Aio.async(() -> 6 * 7));
        assertThat(Aio.await(t)).isEqualTo(42);
        assertThat(t.state()).isEqualTo(Future.State.SUCCEEDED);
        assertThat(t.result()).isEqualTo(42);
    }

    @AioTest
    void taskThatThrowsFailsWithTheSameException() {
        IOException boom = new IOException("checked");
        Task<Void> t = Aio.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            throw boom;
        }));
        assertThatThrownBy(() -> Aio.await(t)).isSameAs(boom);
        assertThat(t.state()).isEqualTo(Future.State.FAILED);
        assertThat(t.exception()).isSameAs(boom);
    }

    @AioTest
    void taskIsDoneOnlyWhenItsCoroutineReturns() {
        Task<Void> t = Aio.createTask(Aio.async(() -> Aio.sleep(2.0)));
        Aio.sleep(1.0);
        assertThat(t.done()).isFalse();
        assertThatThrownBy(t::result).isInstanceOf(IllegalStateException.class);
        Aio.sleep(1.5);
        assertThat(t.done()).isTrue();
    }

    @AioTest
    void tasksAreNamedTaskNByDefaultOrAsGiven() {
        Task<Void> unnamed = Aio.createTask(Aio.async(() -> { }));
        Task<Void> named = Aio.createTask(Aio.async(() -> { }), "worker-1");
        assertThat(unnamed.getName()).matches("Task-\\d+");
        assertThat(named.getName()).isEqualTo("worker-1");
        named.setName("renamed");
        assertThat(named.getName()).isEqualTo("renamed");
        assertThat(named.toString()).contains("renamed");
        Aio.await(unnamed);
        Aio.await(named);
    }

    @AioTest
    void renamingATaskToNullGivesItBackItsDefaultName() {
        Task<Void> named = Aio.createTask(Aio.async(() -> { }), "worker-1");
        Task<Void> unnamed = Aio.createTask(Aio.async(() -> { }));
        String defaultName = unnamed.getName();
        unnamed.setName(null);
        assertThat(unnamed.getName()).isEqualTo(defaultName);
        named.setName(null);
        assertThat(named.getName()).matches("Task-\\d+");
        Aio.await(named);
        Aio.await(unnamed);
    }

    @AioTest
    void defaultTaskNumbersIncrease() {
        Task<Void> first = Aio.createTask(Aio.async(() -> { }));
        Task<Void> second = Aio.createTask(Aio.async(() -> { }));
        long n1 = Long.parseLong(first.getName().substring("Task-".length()));
        long n2 = Long.parseLong(second.getName().substring("Task-".length()));
        assertThat(n2).isGreaterThan(n1);
        Aio.await(first);
        Aio.await(second);
    }

    @AioTest
    void getCoroReturnsTheWrappedCoroutine() {
        Coro<Integer> c = Aio.async(() -> 1);
        Task<Integer> t = Aio.createTask(c);
        assertThat(t.getCoro()).isSameAs(c);
        Aio.await(t);
        assertThat(c.isClosed()).isTrue();
    }

    @AioTest
    void currentTaskIsTheTaskRunningTheCode() {
        Task<?> main = Aio.currentTask();
        assertThat(main).isNotNull();
        Task<Task<?>> child = Aio.createTask(Aio.async(Aio::currentTask));
        assertThat(Aio.await(child)).isSameAs(child).isNotSameAs(main);
    }

    @AioTest
    void setResultAndSetExceptionOnATaskAreUnsupported() {
        Task<Integer> t = Aio.createTask(Aio.async(() -> 1));
        assertThatThrownBy(() -> t.setResult(2)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> t.setException(new RuntimeException()))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(Aio.await(t)).isEqualTo(1);
    }

    @AioTest
    void allTasksContainsPendingTasksAndNotFinishedOnes() {
        Task<?> main = Aio.currentTask();
        Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(10.0)));
        Task<Void> quick = Aio.createTask(Aio.async(() -> { }));
        assertThat(Aio.allTasks()).containsExactly(main, sleeper, quick);
        Aio.await(quick);
        assertThat(Aio.allTasks()).containsExactly(main, sleeper);
        assertThat(Aio.runningLoop().allTasks()).containsExactly(main, sleeper);
        sleeper.cancel();
    }

    @AioTest
    void loopKeepsAnUnreferencedTaskAliveUntilItCompletes() {
        AtomicBoolean completed = new AtomicBoolean();
        WeakReference<Task<?>> ref = startUnreferencedTask(completed);
        for (int i = 0; i < 3 && ref.get() != null; i++) {
            System.gc();
        }
        assertThat(ref.get()).as("the pending task is still reachable from the loop").isNotNull();
        Aio.sleep(2.0);
        assertThat(completed).isTrue();
    }

    private static WeakReference<Task<?>> startUnreferencedTask(AtomicBoolean completed) {
        return new WeakReference<>(Aio.createTask(Aio.async(() -> {
            Aio.sleep(1.0);
            System.gc();
            Aio.sleep(0.5);
            completed.set(true);
        })));
    }

    @AioTest
    void loopKeepsAnUnreferencedTaskAwaitingAnUnreferencedFutureAlive() {
        WeakReference<Task<?>> ref = startTaskAwaitingItsOwnFuture();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Aio.sleep(0.1);
        }
        Task<?> t = ref.get();
        assertThat(t).isNotNull();
        assertThat(Aio.allTasks()).contains(t);
        t.cancel();
        Aio.sleep(0);
        assertThat(t.cancelled()).isTrue();
    }

    private static WeakReference<Task<?>> startTaskAwaitingItsOwnFuture() {
        return new WeakReference<>(Aio.createTask(Aio.async(() -> {
            Future<String> nobodyElseHasThis = Aio.runningLoop().createFuture();
            return Aio.await(nobodyElseHasThis);
        })));
    }

    @AioTest
    void awaitOfADoneFutureDoesNotYield() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.createTask(Aio.async(() -> trace.add("other task")));
        Future<Integer> f = Aio.runningLoop().createFuture();
        f.setResult(1);
        Aio.await(f);
        trace.add("after awaiting a done future");
        Task<Integer> doneTask = Aio.createTask(Aio.async(() -> 2));
        Aio.sleep(0);
        Aio.sleep(0);
        assertThat(doneTask.done()).isTrue();
        Aio.createTask(Aio.async(() -> trace.add("third task")));
        Aio.await(doneTask);
        trace.add("after awaiting a done task");
        Aio.sleep(0);
        assertThat(trace).containsExactly("after awaiting a done future", "other task",
                "after awaiting a done task", "third task");
    }

    @AioTest
    void awaitingAPendingFutureLetsOtherTasksRun() {
        List<String> trace = new CopyOnWriteArrayList<>();
        Aio.createTask(Aio.async(() -> trace.add("other task")));
        Future<Integer> f = Aio.runningLoop().createFuture();
        Aio.runningLoop().callSoon(() -> f.setResult(1));
        Aio.await(f);
        trace.add("after awaiting");
        assertThat(trace).containsExactly("other task", "after awaiting");
    }

    @Test
    void createTaskOutsideARunningLoopThrowsIllegalState() {
        Coro<Integer> c = Aio.async(() -> 1);
        assertThatThrownBy(() -> Aio.createTask(c))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("no running event loop");
        assertThat(c.isCreated()).isTrue();
        c.close();
    }

    @AioTest
    void createTaskWithNullIsRejected() {
        assertThatThrownBy(() -> Aio.createTask(null)).isInstanceOf(NullPointerException.class);
    }
}
