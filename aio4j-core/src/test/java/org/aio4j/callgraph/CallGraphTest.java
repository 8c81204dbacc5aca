package org.aio4j.callgraph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Clock;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.FutureCallGraph;
import org.aio4j.Runner;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;
import org.aio4j.lowlevel.WaitTarget;
import org.aio4j.sync.Lock;
import org.aio4j.sync.Queue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The await graph ({@link Aio#captureCallGraph}, asyncio 3.14's capture_call_graph) and deadlock
 * detection ({@link Aio#findDeadlocks}). In a package of its own, so that the call stacks show this
 * class's frames (the graph leaves out aio4j's own).
 */
@Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CallGraphTest {

    /** The graph as text of names: "a <- (b <- (c), d)". */
    private static String names(FutureCallGraph g) {
        String self = g.future() instanceof Task<?> t ? t.getName() : "future";
        if (g.cycle()) {
            return self + "!cycle";
        }
        if (g.awaitedBy().isEmpty()) {
            return self;
        }
        List<String> by = new ArrayList<>();
        g.awaitedBy().forEach(a -> by.add(names(a)));
        return self + " <- " + (by.size() == 1 ? by.get(0) : "(" + String.join(", ", by) + ")");
    }

    private static <T> T run(org.aio4j.Coro<T> main) {
        try (Runner runner = Runner.create(Clock.virtual())) {
            return runner.run(main);
        }
    }

    @Test
    void theGraphOfAGatherInsideATaskGroupInsideAWaitForIsExact() {
        AtomicReference<FutureCallGraph> leafGraph = new AtomicReference<>();
        AtomicReference<String> formatted = new AtomicReference<>();
        run(Aio.async(() -> {
            Task<?> main = Aio.currentTask();
            main.setName("main");
            Future<Void> gate = Aio.runningLoop().createFuture();
            AtomicReference<Task<Void>> leafA = new AtomicReference<>();
            Aio.createTask(Aio.async(() -> {
                Aio.sleep(1);
                leafGraph.set(Aio.captureCallGraph(leafA.get()));
                formatted.set(Aio.formatCallGraph(leafA.get()));
                gate.setResult(null);
            }), "observer");
            Task<Void> owner = Aio.createTask(Aio.async(() -> {
                Aio.taskGroup(tg -> {
                    tg.createTask(Aio.async(() -> {
                        Task<Void> a = Aio.createTask(Aio.async(() -> leafWaits(gate)), "leaf-a");
                        leafA.set(a);
                        Task<Void> b = Aio.createTask(Aio.async(() -> leafWaits(gate)), "leaf-b");
                        Aio.await(Aio.gather(a, b));
                    }), "gatherer");
                });
            }), "group-owner");
            Aio.waitFor(owner, 10);
        }));
        assertThat(names(leafGraph.get())).isEqualTo("leaf-a <- gatherer <- group-owner <- main");
        FutureCallGraph leaf = leafGraph.get();
        assertThat(leaf.callStack()).anyMatch(e -> e.getMethodName().equals("leafWaits"));
        assertThat(leaf.callStack()).noneMatch(e -> e.getClassName().startsWith("org.aio4j.")
                && !e.getClassName().startsWith("org.aio4j.callgraph"));
        assertThat(formatted.get())
                .startsWith("* Task(name='leaf-a', state=pending)\n  + Call stack:\n  |   at ")
                .contains("\n  + Awaited by:\n     * Task(name='gatherer', state=pending)\n")
                .contains("\n          * Task(name='group-owner', state=pending)\n")
                .contains("leafWaits");
    }

    private static void leafWaits(Future<Void> gate) {
        Aio.await(gate);
    }

    @Test
    void aPlainFutureIsAwaitedByEveryTaskParkedOnIt() {
        String graph = run(Aio.async(() -> {
            Future<Void> gate = Aio.runningLoop().createFuture();
            Task<Void> x = Aio.createTask(Aio.async(() -> Aio.await(gate)), "x");
            Task<Void> y = Aio.createTask(Aio.async(() -> Aio.await(gate)), "y");
            Aio.sleep(0.1);
            String s = names(Aio.captureCallGraph(gate));
            gate.setResult(null);
            Aio.await(Aio.gather(x, y));
            return s;
        }));
        assertThat(graph).isEqualTo("future <- (x, y)");
    }

    @Test
    void theGraphGoesThroughAShieldToTheShieldedWork() {
        String graph = run(Aio.async(() -> {
            Future<Void> gate = Aio.runningLoop().createFuture();
            Task<Void> work = Aio.createTask(Aio.async(() -> Aio.await(gate)), "work");
            Task<Void> guard = Aio.createTask(Aio.async(() -> Aio.await(Aio.shield(work))), "guard");
            Aio.sleep(0.1);
            String s = names(Aio.captureCallGraph(work));
            gate.setResult(null);
            Aio.await(guard);
            return s;
        }));
        assertThat(graph).isEqualTo("work <- guard");
    }

    @Test
    void twoTasksAwaitingEachOtherAreReportedAsADeadlockAndCancellingOneUnwindsBoth() {
        List<String> found = new ArrayList<>();
        AtomicReference<String> graph = new AtomicReference<>();
        run(Aio.async(() -> {
            AtomicReference<Task<Void>> b = new AtomicReference<>();
            Task<Void> a = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.1);
                Aio.await(b.get());
            }), "a");
            b.set(Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.1);
                Aio.await(a);
            }), "b"));
            Aio.sleep(1);
            for (List<Task<?>> cycle : Aio.findDeadlocks()) {
                found.add(cycle.stream().map(Task::getName).toList().toString());
            }
            FutureCallGraph g = Aio.captureCallGraph(a);
            graph.set(names(g) + "\n" + g.format());
            // asyncio's cancel() recurses a -> b -> a ... until RecursionError; aio4j's breaks the cycle
            assertThat(a.cancel()).isTrue();
            try {
                Aio.await(b.get());
            } catch (CancelledError expected) {
                // b awaited the cancelled a
            }
            assertThat(Aio.findDeadlocks()).isEmpty();
            assertThat(a.cancelled()).isTrue();
            assertThat(b.get().cancelled()).isTrue();
        }));
        assertThat(found).containsExactly("[a, b]");
        assertThat(graph.get()).startsWith("a <- b <- a!cycle")
                .contains("a cycle: this task is already above, so these tasks await one another (a deadlock)");
    }

    @Test
    void cancellingAnyTaskOfAThreeTaskCycleUnwindsTheWholeCycle() {
        for (int victim = 0; victim < 3; victim++) {
            int v = victim;
            List<Boolean> cancelled = run(Aio.async(() -> {
                List<Task<Void>> ts = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    int next = (i + 1) % 3;
                    ts.add(Aio.createTask(Aio.async(() -> {
                        Aio.sleep(0.1);
                        Aio.await(ts.get(next));
                    }), "t" + i));
                }
                Aio.sleep(1);
                assertThat(Aio.findDeadlocks()).hasSize(1).first().asList().hasSize(3);
                ts.get(v).cancel("stop");
                Aio.await(Aio.gather(true, ts.get(0), ts.get(1), ts.get(2)));
                return ts.stream().map(Task::cancelled).toList();
            }));
            assertThat(cancelled).as("victim t%d", v).containsExactly(true, true, true);
        }
    }

    @Test
    void aTaskWaitingForALockAwaitsTheTaskHoldingItAndSaysWhatItWaitsFor() {
        AtomicReference<FutureCallGraph> graph = new AtomicReference<>();
        run(Aio.async(() -> {
            Lock lock = Lock.create();
            Task<Void> holder = Aio.createTask(Aio.async(() -> {
                try (var held = lock.acquire()) {
                    Aio.sleep(2);
                }
            }), "holder");
            Task<Void> waiter = Aio.createTask(Aio.async(() -> {
                Aio.sleep(0.1);
                try (var held = lock.acquire()) {
                    Aio.sleep(0);
                }
            }), "waiter");
            Aio.sleep(1);
            graph.set(Aio.captureCallGraph(holder));
            assertThat(Aio.findDeadlocks()).isEmpty();
            Aio.await(Aio.gather(holder, waiter));
        }));
        assertThat(names(graph.get())).isEqualTo("holder <- waiter");
        assertThat(graph.get().awaitedBy().get(0).waitingFor())
                .isEqualTo("acquire() of Lock[locked, waiters:1] held by Task 'holder'");
    }

    @Test
    void twoTasksEachHoldingTheLockTheOtherWantsAreADeadlock() {
        List<String> found = new ArrayList<>();
        AtomicReference<String> formatted = new AtomicReference<>();
        run(Aio.async(() -> {
            Lock first = Lock.create();
            Lock second = Lock.create();
            Task<Void> a = Aio.createTask(Aio.async(() -> {
                try (var one = first.acquire()) {
                    Aio.sleep(0.1);
                    try (var two = second.acquire()) {
                        Aio.sleep(0);
                    }
                }
            }), "a");
            Task<Void> b = Aio.createTask(Aio.async(() -> {
                try (var two = second.acquire()) {
                    Aio.sleep(0.1);
                    try (var one = first.acquire()) {
                        Aio.sleep(0);
                    }
                }
            }), "b");
            Aio.sleep(1);
            for (List<Task<?>> cycle : Aio.findDeadlocks()) {
                found.add(cycle.stream().map(Task::getName).toList().toString());
            }
            formatted.set(Aio.formatCallGraph(a));
            b.cancel(); // b lets go of the second lock: a goes on
            Aio.await(Aio.gather(true, a, b));
            assertThat(a.cancelled()).isFalse();
            assertThat(Aio.findDeadlocks()).isEmpty();
        }));
        assertThat(found).containsExactly("[a, b]");
        assertThat(formatted.get())
                .contains("* Task(name='a', state=pending) waiting for acquire() of Lock[locked, waiters:1] held by Task 'b'")
                .contains("* Task(name='b', state=pending) waiting for acquire() of Lock[locked, waiters:1] held by Task 'a'")
                .contains("(a deadlock)");
    }

    @Test
    void aQueueGetterSaysWhatItWaitsForWithoutAnEdgeToAnyTask() {
        AtomicReference<FutureCallGraph> graph = new AtomicReference<>();
        AtomicReference<String> formatted = new AtomicReference<>();
        run(Aio.async(() -> {
            Queue<String> queue = Queue.create(2);
            Task<String> getter = Aio.createTask(Aio.async(() -> queue.get()), "getter");
            Aio.sleep(1);
            graph.set(Aio.captureCallGraph(getter));
            formatted.set(graph.get().format());
            queue.tryPut("x");
            assertThat(Aio.await(getter)).isEqualTo("x");
        }));
        assertThat(graph.get().waitingFor()).startsWith("get() on Queue[");
        assertThat(graph.get().awaitedBy()).isEmpty();
        assertThat(formatted.get()).startsWith("* Task(name='getter', state=pending) waiting for get() on Queue[");
    }

    @Test
    void aPrimitiveOfYourOwnNamesWhatItsWaitersWaitForAndTheTasksTheyWaitFor() {
        AtomicReference<FutureCallGraph> graph = new AtomicReference<>();
        run(Aio.async(() -> {
            Task<Void> producer = Aio.createTask(Aio.async(() -> Aio.sleep(5)), "producer");
            ParkingLot lot = new ParkingLot(new WaitTarget() {
                @Override
                public String describeWait() {
                    return "a reply from the producer";
                }

                @Override
                public List<Task<?>> blockingTasks() {
                    return List.of(producer);
                }
            });
            Task<Void> consumer = Aio.createTask(Aio.async(() -> lot.park(ParkingLot.NOTHING)), "consumer");
            Aio.sleep(1);
            graph.set(Aio.captureCallGraph(producer));
            lot.wakeAll();
            Aio.await(consumer);
            producer.cancel();
        }));
        assertThat(names(graph.get())).isEqualTo("producer <- consumer");
        assertThat(graph.get().awaitedBy().get(0).waitingFor()).isEqualTo("a reply from the producer");
        assertThat(graph.get().waitingFor()).isEqualTo("sleep()");
    }

    @Test
    void noDeadlockIsFoundAmongTasksThatOnlyWait() {
        List<List<Task<?>>> cycles = run(Aio.async(() -> {
            Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(5)), "sleeper");
            Task<Void> waiter = Aio.createTask(Aio.async(() -> Aio.await(sleeper)), "waiter");
            Aio.sleep(1);
            List<List<Task<?>>> c = Aio.findDeadlocks();
            Aio.await(waiter);
            return c;
        }));
        assertThat(cycles).isEmpty();
    }

    @Test
    void aDoneTaskHasNoCallStack() {
        FutureCallGraph g = run(Aio.async(() -> {
            Task<Integer> t = Aio.createTask(Aio.async(() -> 1), "quick");
            Aio.await(t);
            return Aio.captureCallGraph(t);
        }));
        assertThat(g.callStack()).isEmpty();
        assertThat(g.awaitedBy()).isEmpty();
        assertThat(g.format()).isEqualTo("* Task(name='quick', state=done)\n");
    }

    @Test
    void misuseIsRefusedWithWhatToDo() {
        run(Aio.async(() -> {
            assertThatThrownBy(() -> Aio.captureCallGraph(null)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("pass a task or a future");
            EventLoop other = EventLoop.create();
            try {
                Future<Object> foreign = other.createFuture();
                assertThatThrownBy(() -> Aio.captureCallGraph(foreign)).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("another event loop");
            } finally {
                other.close();
            }
            Future<Void> done = Aio.runningLoop().createFuture();
            Aio.runningLoop().callSoon(() -> {
                try {
                    Aio.captureCallGraph();
                    done.setException(new AssertionError("captureCallGraph() in a callback returned"));
                } catch (IllegalStateException expected) {
                    assertThat(expected).hasMessageContaining("pass the future");
                    done.setResult(null);
                }
            });
            Aio.await(done);
        }));
    }
}
