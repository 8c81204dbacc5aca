package org.aio4j.test;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Clock;
import org.aio4j.Coro;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.ReturnWhen;
import org.aio4j.Task;
import org.aio4j.TimerHandle;
import org.aio4j.VirtualClock;
import org.aio4j.WaitResult;
import org.aio4j.internal.LoopHooks;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link AioTest}'s loop, from parameter resolution to the end of the test. The one
 * implementation behind both ways a test runs: {@link AioTestExtension} (void methods, run by
 * Jupiter) and {@link AioTestEngine} (methods that return a {@code Coro}).
 *
 * <p>Threads: made and {@link #execute executed} on the test framework's thread; the body, the
 * parameter values' use and the checks run on the loop thread the session starts.
 */
final class Session implements ExtensionContext.Store.CloseableResource {
    /*
     * How a test runs. The loop runs on a thread of its own (a platform thread, so tasks can be
     * loop-scheduled virtual threads) while the framework's thread waits for it with the real-time
     * limit: a test whose loop is stuck still fails, with the loop thread's stack, instead of hanging
     * the build. The body runs as the main task; a virtual-time limit is a timer that cancels it.
     * When the body returns: let ready work settle (time does not move), record tasks still pending
     * (not background ones) as leaks, cancel and await everything left, shut the loop down, then
     * check what the exception handler received (including "Task exception was never retrieved",
     * which the loop reports as it closes) and which coroutines made during the test are still
     * unawaited. A failing body keeps its own exception; the problems are attached as suppressed.
     */

    /** What the test runs as its main task: the test method, however the framework calls it. */
    @FunctionalInterface
    interface Body {
        void run() throws Throwable;
    }

    /** After a real-time limit, how long the loop gets to cancel the test and report. */
    private static final long GRACE_MILLIS = 2_000;
    /** How long the tasks left behind get to finish once cancelled at the end of a test. */
    private static final double CLEANUP_VIRTUAL_SECONDS = 60;
    private static final double CLEANUP_REAL_SECONDS = 1;
    /** The kit's own classes, left out of "parked at" stacks (not the whole package: tests live there too). */
    private static final Set<String> KIT_PLUMBING = Set.of(Session.class.getName(),
            AioTestExtension.class.getName(), AioTestEngine.class.getName());

    final Settings settings;
    final EventLoop loop;
    final VirtualClock virtualClock;
    final TestLoop testLoop;
    private final List<ExceptionContext> reported = new CopyOnWriteArrayList<>();
    private final List<WeakReference<Coro<?>>> coros = new ArrayList<>();
    private volatile Task<?> main;
    private volatile String timeoutReport;
    private volatile boolean ran;

    Session(Settings settings) {
        this.settings = settings;
        this.virtualClock = settings.realTime() ? null : Clock.virtual();
        this.loop = virtualClock == null ? EventLoop.create() : EventLoop.create(virtualClock);
        this.testLoop = new TestLoop(loop, virtualClock);
        loop.setDebug(settings.debug());
        loop.setExceptionHandler((l, c) -> reported.add(c));
        LoopHooks hooks = LoopHooks.get();
        hooks.onCoroCreated(loop, c -> coros.add(new WeakReference<>(c)));
        if (settings.shuffle()) {
            hooks.shuffle(loop, new SplittableRandom(settings.seed()));
        }
    }

    // ------------------------------------------------------------------ parameters

    /** Whether a test method's parameter of this type is injected. */
    static boolean injects(Class<?> type) {
        return type == TestLoop.class || type == EventLoop.class || type == VirtualClock.class || type == Clock.class;
    }

    /**
     * The value of a test method's parameter of an {@link #injects injected} type.
     *
     * @throws IllegalStateException for a {@link VirtualClock} in a real-time test
     */
    Object parameter(Class<?> type) {
        assert injects(type) : type;
        if (type == TestLoop.class) {
            return testLoop;
        }
        if (type == EventLoop.class) {
            return loop;
        }
        if (type == VirtualClock.class) {
            if (virtualClock == null) {
                throw new IllegalStateException("a VirtualClock parameter needs virtual time; this test"
                        + " runs with @AioTest(realTime = true): ask for a Clock instead");
            }
            return virtualClock;
        }
        return loop.clock();
    }

    // ------------------------------------------------------------------ running

    /**
     * Runs {@code body} as the main task of the loop on a loop thread of its own, waits for it with
     * the real-time limit, and checks what the test left behind. Called once.
     *
     * @param name the test's display name, for the loop thread and the main coroutine
     * @throws Throwable the body's own failure (with the problems attached as suppressed), else an
     *         {@link AssertionError} listing the problems
     */
    void execute(Body body, String name) throws Throwable {
        ran = true;
        Throwable[] outcome = new Throwable[1];
        Thread runner = Thread.ofPlatform().name("aio4j-test-loop: " + name).daemon().unstarted(() -> {
            try {
                runOnLoop(body, name);
            } catch (Throwable e) {
                outcome[0] = e;
            }
        });
        runner.start();
        long limit = (long) Math.ceil(settings.timeout() * 1000);
        runner.join(limit);
        if (runner.isAlive()) {
            // Ask the loop to describe its tasks and cancel the test; a stuck loop cannot answer.
            try {
                loop.callSoonThreadsafe(() -> {
                    timeoutReport = "the test exceeded its real-time limit of " + settings.timeout() + " s"
                            + " (@AioTest(timeout = ...) or -Daio4j.test.timeout)\n" + describeTasks();
                    Task<?> m = main;
                    if (m != null) {
                        m.cancel("aio4j-test: real-time limit");
                    }
                });
            } catch (IllegalStateException closed) {
                // the loop is closing on its own
            }
            runner.join(GRACE_MILLIS);
            if (runner.isAlive()) {
                AssertionError stuck = new AssertionError("the test exceeded its real-time limit of "
                        + settings.timeout() + " s and its loop thread does not respond (it is running"
                        + " code that neither awaits nor returns); the loop thread is at:");
                stuck.setStackTrace(runner.getStackTrace());
                throw stuck;
            }
        }
        if (outcome[0] != null) {
            throw outcome[0];
        }
    }

    private void runOnLoop(Body body, String name) throws Throwable {
        testLoop.register();
        Throwable bodyFailure = null;
        List<String> problems = new ArrayList<>();
        List<Throwable> causes = new ArrayList<>();
        try {
            Task<Void> task = loop.createTask(Aio.async("test " + name, () -> {
                runBody(body);
                return null;
            }), "test-main");
            main = task;
            try {
                loop.runUntilComplete(task);
            } catch (Throwable e) {
                bodyFailure = e;
            }
            if (timeoutReport != null) {
                problems.add(timeoutReport);
                if (bodyFailure instanceof CancelledError) {
                    bodyFailure = null; // the cancellation was ours
                }
            }
            collectLeaks(problems);
            cancelTheRest(problems);
            // As Aio.run does: close generators the test left suspended (their errors are reported),
            // in a task of the default factory: a factory the test installed is the test's business.
            loop.setTaskFactory(null);
            loop.runUntilComplete(loop.shutdownAsyncgens());
        } finally {
            testLoop.unregister();
            try {
                loop.shutdownDefaultExecutor(Duration.ofSeconds(5));
            } finally {
                loop.close();
            }
        }
        for (ExceptionContext c : reported) {
            problems.add("the loop reported: " + c.message()
                    + (c.exception() != null ? " (" + c.exception() + ")" : ""));
            if (c.exception() != null) {
                causes.add(c.exception());
            }
        }
        for (WeakReference<Coro<?>> ref : coros) {
            Coro<?> c = ref.get();
            if (c != null && c.isCreated()) {
                problems.add("coroutine '" + c.name() + "' was never awaited (await it, wrap it in a task,"
                        + " or close() it)");
            }
        }
        AssertionError steps = testLoop.stepProblem();
        if (steps != null && bodyFailure != steps) {
            problems.add("step assertions: " + steps.getMessage());
        }
        finish(bodyFailure, problems, causes);
    }

    private void runBody(Body body) throws Exception {
        TimerHandle limit = null;
        if (virtualClock != null) {
            long nanos = (long) Math.min(Long.MAX_VALUE >> 2, Math.ceil(settings.virtualTimeout() * 1e9));
            testLoop.limitNanos = virtualClock.nanoTime() + nanos;
            Task<?> me = Aio.currentTask();
            limit = loop.callLater(settings.virtualTimeout(), () -> {
                timeoutReport = "the test exceeded its virtual-time limit of " + settings.virtualTimeout()
                        + " s (@AioTest(virtualTimeout = ...) or -Daio4j.test.virtualTimeout)\n" + describeTasks();
                me.cancel("aio4j-test: virtual-time limit");
            });
        }
        try {
            body.run();
        } catch (Exception | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        // Let what is ready run (time does not move), so a task finishing "now" is not a leak.
        testLoop.waitAllTasksBlocked();
        if (limit != null) {
            limit.cancel();
        }
    }

    private void collectLeaks(List<String> problems) {
        Set<Task<?>> background = testLoop.backgroundTasks();
        for (Task<?> t : loop.allTasks()) {
            if (!background.contains(t)) {
                problems.add("task still pending when the test ended: " + describe(t));
            }
        }
    }

    /**
     * Cancels what the test left running and waits for it, for at most a minute of virtual time (a
     * second of real time): a task that ignores its cancellation is reported, and the test's own
     * failure stays the failure, instead of the cleanup hanging until the real-time limit.
     */
    private void cancelTheRest(List<String> problems) {
        Set<Task<?>> rest = loop.allTasks();
        if (rest.isEmpty()) {
            return;
        }
        double limit = virtualClock != null ? CLEANUP_VIRTUAL_SECONDS : CLEANUP_REAL_SECONDS;
        loop.runUntilComplete(Aio.async("aio4j-test cleanup", () -> {
            for (Task<?> t : rest) {
                t.cancel("aio4j-test: the test ended");
            }
            WaitResult<Object> r = Aio.waitDone(rest, limit, ReturnWhen.ALL_COMPLETED);
            for (Future<Object> f : r.done()) {
                if (!f.cancelled()) {
                    f.exception(); // retrieved: the leak was reported already
                }
            }
            for (Future<Object> f : r.pending()) {
                problems.add("task ignored its cancellation when the test ended (still pending " + limit + " s"
                        + " later): " + describe((Task<?>) f));
            }
        }));
    }

    private String describeTasks() {
        StringBuilder sb = new StringBuilder("tasks:");
        for (Task<?> t : loop.allTasks()) {
            sb.append("\n  ").append(describe(t));
        }
        return sb.toString();
    }

    private static String describe(Task<?> t) {
        StringBuilder sb = new StringBuilder("'").append(t.getName()).append("'");
        StackTraceElement[] stack = LoopHooks.get().stackOf(t);
        boolean first = true;
        int shown = 0;
        for (StackTraceElement e : stack) {
            if (isPlumbing(e)) {
                continue;
            }
            sb.append(first ? " parked at\n      at " : "\n      at ").append(e);
            first = false;
            if (++shown == 6) {
                break;
            }
        }
        if (first) {
            sb.append(" (not started yet)");
        }
        return sb.toString();
    }

    private static boolean isPlumbing(StackTraceElement e) {
        String c = e.getClassName();
        int nested = c.indexOf('$');
        return c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")
                || KIT_PLUMBING.contains(nested < 0 ? c : c.substring(0, nested)) || c.startsWith("org.junit.")
                || isCoreClass(c);
    }

    /**
     * Whether {@code className} is aio4j's own (loaded from the same place as the core), not a
     * user's class that happens to live in package org.aio4j (the core's own tests do).
     */
    private static boolean isCoreClass(String className) {
        if (!className.startsWith("org.aio4j.") || className.indexOf('.', "org.aio4j.".length()) >= 0) {
            return false;
        }
        try {
            Class<?> cls = Class.forName(className, false, Aio.class.getClassLoader());
            var mine = cls.getProtectionDomain().getCodeSource();
            var core = Aio.class.getProtectionDomain().getCodeSource();
            return mine != null && core != null && mine.getLocation().equals(core.getLocation());
        } catch (ClassNotFoundException | SecurityException | LinkageError ex) {
            return true;
        }
    }

    private void finish(Throwable bodyFailure, List<String> problems, List<Throwable> causes) throws Throwable {
        String seedNote = settings.shuffle()
                ? "shuffle seed " + settings.seed() + " (replay with -Daio4j.test.seed=" + settings.seed() + ")"
                : null;
        if (bodyFailure != null) {
            for (String p : problems) {
                bodyFailure.addSuppressed(new AssertionError(p));
            }
            if (seedNote != null) {
                bodyFailure.addSuppressed(new AssertionError(seedNote));
            }
            throw bodyFailure;
        }
        if (!problems.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (String p : problems) {
                sb.append(sb.length() == 0 ? "" : "\n").append(p);
            }
            if (seedNote != null) {
                sb.append('\n').append(seedNote);
            }
            AssertionError e = new AssertionError(sb.toString());
            for (Throwable c : causes) {
                e.addSuppressed(c);
            }
            throw e;
        }
    }

    /**
     * Closes the loop of a session whose test never ran: Jupiter's store calls this when a
     * {@code @BeforeEach} that took a parameter failed. Does nothing after {@link #execute}.
     */
    @Override
    public void close() {
        if (!ran && !loop.isClosed()) {
            loop.close();
        }
    }
}
