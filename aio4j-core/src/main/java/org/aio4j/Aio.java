package org.aio4j;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.aio4j.lowlevel.Deadline;

/**
 * The entry points of aio4j: Python's {@code asyncio} module functions in Java case.
 *
 * <pre>{@code
 * import static org.aio4j.Aio.*;
 *
 * String result = Aio.run(async(() -> {
 *     Task<String> a = createTask(async(() -> { sleep(1.0); return "a"; }));
 *     Task<String> b = createTask(async(() -> { sleep(1.0); return "b"; }));
 *     return await(a) + await(b);          // ~1 s, not 2: the tasks overlap
 * }));
 * }</pre>
 *
 * <p>A coroutine is ordinary Java code that runs on its event loop's thread until it calls
 * {@link #await} on something that is not done; then it suspends and the loop runs other work.
 * {@code await} is a static call usable at any depth of the coroutine's call stack. It can only be
 * called inside a coroutine (a body run by {@link #run}, by a {@link Task}, or awaited by one);
 * elsewhere it throws {@link IllegalStateException}, as Python refuses {@code await} outside
 * {@code async def}.
 *
 * <p>Durations are {@code double} seconds (like Python) or {@link Duration}. Exceptions are
 * unchecked in signatures; checked exceptions thrown by coroutine bodies propagate through
 * {@code await} unchanged.
 *
 * <h2>CompletionStages</h2>
 * Every function that takes an {@link Awaitable} also takes a {@link CompletionStage} (a
 * {@link CompletableFuture} of any Java library): {@link #await}, {@link #waitFor}, {@link #shield},
 * {@link #gather}, {@link #waitDone} and {@link #asCompleted}. A stage is wrapped as {@link
 * #wrapFuture(CompletionStage)} does: a future of the running loop that completes when the stage
 * does (from any thread), and whose cancellation (by {@code waitFor}'s expiry, a cancelled gather, a
 * cancelled awaiting task) cancels the stage. The overloads, chosen at compile time, follow one rule:
 * <ul>
 *   <li>single argument and varargs forms have an {@code Awaitable} and a {@code CompletionStage}
 *       version; a varargs call takes all awaitables or all stages (a mix does not compile: pass
 *       {@code List.of(...)} instead). {@code gather()} and {@code gather(boolean)} have their own
 *       overloads, so calls without awaitables are not ambiguous;</li>
 *   <li>a {@code Collection} whose element type is an {@code Awaitable} (for {@code waitDone}, a
 *       {@link Future}) takes the typed form, whose result type the compiler infers;</li>
 *   <li>any other {@link Iterable} (of stages, or of a mix) takes the general form, which checks each
 *       element at run time ({@link IllegalArgumentException} naming the element, before anything is
 *       started) and whose result type is the one the call site asks for: the compiler cannot check
 *       it against the elements.</li>
 * </ul>
 * {@code waitDone} and {@code asCompleted} hand back the futures they were given; for a stage that is
 * its wrapper future, so wrap a stage yourself first if you need to recognise it. An object that is
 * both an {@code Awaitable} and a {@code CompletionStage} is used as the awaitable (passed alone, it
 * makes the call ambiguous: cast it to the one you mean).
 */
public final class Aio {
    private Aio() {
    }

    // ================================================================ running

    /**
     * Runs {@code main} on a new event loop on this thread and returns its result (Python's
     * {@code asyncio.run}): the coroutine runs as the main task; when it ends, the tasks still pending
     * are cancelled and awaited, the default executor is shut down and the loop closed. A
     * {@link VirtualMachineError} other than {@link StackOverflowError} that ends any task (or escapes
     * a callback) ends the run at once: the tasks still pending are cancelled and awaited as usual,
     * and the error is rethrown (see {@link EventLoop#runForever}). Ctrl-C cancels the main task and
     * ends the run with {@link KeyboardInterrupt}, as {@link Runner#run} says.
     *
     * @throws KeyboardInterrupt     after Ctrl-C (SIGINT)
     * @throws IllegalStateException if called from a running event loop (inside a coroutine, await
     *                               instead)
     */
    public static <T> T run(Coro<T> main) {
        try (Runner runner = Runner.create()) {
            return runner.run(main);
        }
    }

    /** Like {@link #run(Coro)}, with the loop's debug mode set to {@code debug}. */
    public static <T> T run(Coro<T> main, boolean debug) {
        try (Runner runner = Runner.create()) {
            runner.getLoop().setDebug(debug);
            return runner.run(main);
        }
    }

    /** How tasks suspend on this JVM; see {@link StrandMode}. */
    public static StrandMode strandMode() {
        return Strands.MODE;
    }

    // ================================================================ coroutines

    /** Makes a coroutine object from {@code body}; it does not run until awaited or wrapped in a task. */
    public static <T> Coro<T> async(AsyncSupplier<T> body) {
        return newCoro(requireBody(body), null);
    }

    /** Makes a named coroutine object (the name appears in reports and task descriptions). */
    public static <T> Coro<T> async(String name, AsyncSupplier<T> body) {
        return newCoro(requireBody(body), name);
    }

    /** Makes a coroutine object from a body that returns nothing; it yields {@code null}. */
    public static Coro<Void> async(AsyncRunnable body) {
        return newCoro(requireBody(body), null);
    }

    /** Makes a named coroutine object from a body that returns nothing. */
    public static Coro<Void> async(String name, AsyncRunnable body) {
        return newCoro(requireBody(body), name);
    }

    private static <B> B requireBody(B body) {
        if (body == null) {
            throw new NullPointerException("async(null): pass the coroutine's body as a lambda");
        }
        return body;
    }

    private static <T> Coro<T> newCoro(Object body, String name) {
        return Coro.create(body, name);
    }

    /**
     * Waits for {@code awaitable} and returns its result: a {@link Coro} runs inline in the current
     * task; a {@link Future} or {@link Task} suspends the current task until it is done.
     *
     * @throws IllegalStateException outside a coroutine
     * @throws CancelledError if the current task is cancelled while waiting, or the awaited future was
     *                        cancelled
     */
    public static <T> T await(Awaitable<T> awaitable) {
        Strand s = Strand.currentOrThrow("await");
        if (awaitable instanceof Future<T> f) {
            return s.task.awaitFuture(f);
        }
        if (awaitable instanceof Coro<T> c) {
            return c.run();
        }
        if (awaitable == null) {
            throw new NullPointerException("await(null): pass a coroutine, a future or a task");
        }
        return awaitable.await();
    }

    /**
     * Waits for a {@link CompletionStage} (a {@link CompletableFuture} from any Java library) and
     * returns its value. Its failure is rethrown unwrapped (the cause of a
     * {@link java.util.concurrent.CompletionException}). Cancelling the awaiting task cancels the stage.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> T await(CompletionStage<T> stage) {
        Strand s = Strand.currentOrThrow("await");
        return s.task.awaitFuture(CompletableFutures.wrap(s.loop(), stage));
    }

    /**
     * A future of the running loop that completes when {@code stage} does (Python's
     * {@code asyncio.wrap_future}). Cancelling the future cancels the stage.
     *
     * <p>The future settles at a later loop iteration than the stage, never inside the call that
     * completes the stage, even when that call is made on the loop's thread: code that completes a
     * stage does not run the waiting task's code before it returns, and a {@code cancel()} made
     * meanwhile still cancels the future (the stage itself is already complete). A stage that is
     * already complete when it is wrapped gives a future that is done at once (so awaiting a completed
     * {@code CompletableFuture} does not suspend; asyncio settles it at the next iteration).
     */
    public static <T> Future<T> wrapFuture(CompletionStage<T> stage) {
        return CompletableFutures.wrap(runningLoop(), stage);
    }

    // ================================================================ tasks

    /** Wraps {@code coro} in a task of the running loop and schedules it (Python's {@code create_task}). */
    public static <T> Task<T> createTask(Coro<T> coro) {
        return runningLoop().createTask(coro);
    }

    /** Like {@link #createTask(Coro)}, naming the task. */
    public static <T> Task<T> createTask(Coro<T> coro, String name) {
        return runningLoop().createTask(coro, name);
    }

    /** The task running this code, or {@code null} in a plain callback of the running loop. */
    public static Task<?> currentTask() {
        Strand s = Strand.current();
        if (s != null) {
            return s.task;
        }
        runningLoop();
        return null;
    }

    /** The tasks of the running loop that are not done. */
    public static Set<Task<?>> allTasks() {
        return runningLoop().allTasks();
    }

    /**
     * The await graph of {@code future} (asyncio 3.14's {@code capture_call_graph}): its task's call
     * stack and, recursively, the tasks awaiting it, through {@code gather}, {@code shield},
     * {@code waitFor}, {@code waitDone} and task groups; see {@link FutureCallGraph}. On the loop
     * thread of {@code future}'s loop, in a task or a callback.
     *
     * @throws IllegalStateException outside the running loop of {@code future}
     */
    public static FutureCallGraph captureCallGraph(Future<?> future) {
        if (future == null) {
            throw new NullPointerException("captureCallGraph(null): pass a task or a future");
        }
        if (runningLoop() != future.getLoop()) {
            throw new IllegalStateException(future + " belongs to another event loop; capture its graph on that loop");
        }
        return FutureCallGraph.capture(future);
    }

    /** {@link #captureCallGraph(Future)} of the current task. */
    public static FutureCallGraph captureCallGraph() {
        Task<?> t = currentTask();
        if (t == null) {
            throw new IllegalStateException("captureCallGraph() in a callback, which is no task: pass the future");
        }
        return FutureCallGraph.capture(t);
    }

    /** {@link FutureCallGraph#format()} of {@link #captureCallGraph(Future)} (asyncio's {@code format_call_graph}). */
    public static String formatCallGraph(Future<?> future) {
        return captureCallGraph(future).format();
    }

    /** Prints {@link #formatCallGraph(Future)} on standard output (asyncio's {@code print_call_graph}). */
    public static void printCallGraph(Future<?> future) {
        System.out.print(formatCallGraph(future));
    }

    /**
     * The deadlocks of the running loop: each cycle of pending tasks that await one another (task A
     * awaits task B, directly or through a gather, shield, wait or task group, and B awaits A), once,
     * oldest task first. Empty when none.
     */
    public static List<List<Task<?>>> findDeadlocks() {
        return FutureCallGraph.deadlocks(runningLoop());
    }

    /**
     * The loop running on this thread (Python's {@code get_running_loop}).
     *
     * @throws IllegalStateException if no loop runs here
     */
    public static EventLoop runningLoop() {
        EventLoop loop = EventLoop.currentOrNull();
        if (loop == null || !loop.isRunning()) {
            throw new IllegalStateException("no running event loop: call this from a coroutine or a callback"
                    + " of a running loop; start one with Aio.run(coro)");
        }
        return loop;
    }

    // ================================================================ sleeping

    /**
     * Suspends the current task for {@code seconds}. {@code sleep(0)} (or a negative value) yields
     * once: everything ready runs, then this task continues.
     *
     * @throws IllegalStateException outside a coroutine
     * @throws IllegalArgumentException if {@code seconds} is NaN
     */
    public static void sleep(double seconds) {
        sleep(seconds, null);
    }

    /** Like {@link #sleep(double)}, returning {@code result} afterwards. */
    public static <T> T sleep(double seconds, T result) {
        Strand s = Strand.currentOrThrow("sleep");
        sleepNanos(s, Durations.secondsToNanos(seconds, "sleep"));
        return result;
    }

    /** Suspends the current task for {@code duration}; see {@link #sleep(double)}. */
    public static void sleep(Duration duration) {
        sleep(duration, null);
    }

    /** Like {@link #sleep(Duration)}, returning {@code result} afterwards. */
    public static <T> T sleep(Duration duration, T result) {
        Strand s = Strand.currentOrThrow("sleep");
        sleepNanos(s, Durations.durationToNanos(duration));
        return result;
    }

    private static void sleepNanos(Strand s, long nanos) {
        if (nanos == 0) {
            s.task.yieldNow();
            return;
        }
        ParkFuture<Object> ticket = s.task.newWaker();
        ticket.waitTarget = ParkFuture.SLEEPING;
        s.task.parkUntil(ticket, Deadline.after(s.loop().timeNanos(), nanos));
    }

    // ================================================================ combinators

    /**
     * Runs {@code awaitables} concurrently (coroutines become tasks) and returns a future of their
     * results in argument order (Python's {@code asyncio.gather}). The first failure or cancellation of
     * a child completes the future with it; the other children keep running. Cancelling the returned
     * future cancels every child.
     *
     * @throws IllegalStateException outside a running loop
     */
    @SafeVarargs
    public static <T> Future<List<T>> gather(Awaitable<? extends T>... awaitables) {
        return GatheringFuture.of(runningLoop(), false, Arrays.asList(awaitables));
    }

    /**
     * {@code gather()} with no arguments: an already-done empty list. (Its own overload: a call without
     * arguments would otherwise be ambiguous between the two varargs forms.)
     */
    public static <T> Future<List<T>> gather() {
        return GatheringFuture.of(runningLoop(), false, List.of());
    }

    /** {@link #gather(Awaitable[])} of {@link CompletionStage}s (see the class documentation). */
    @SafeVarargs
    public static <T> Future<List<T>> gather(CompletionStage<? extends T>... stages) {
        return GatheringFuture.of(runningLoop(), false, Arrays.asList(stages));
    }

    /** {@link #gather(Awaitable[])} over a collection of awaitables. */
    public static <T> Future<List<T>> gather(Collection<? extends Awaitable<? extends T>> awaitables) {
        return GatheringFuture.of(runningLoop(), false, awaitables);
    }

    /**
     * {@link #gather(Awaitable[])} over any mix of awaitables and {@link CompletionStage}s, each element
     * checked at run time. The compiler cannot check {@code T} against the elements here: it is the
     * type the call site asks for (see "CompletionStages" in the class documentation).
     *
     * @throws IllegalArgumentException if an element is neither an {@link Awaitable} nor a stage, before
     *                                  anything is started
     */
    public static <T> Future<List<T>> gather(Iterable<?> items) {
        EventLoop loop = runningLoop();
        return GatheringFuture.of(loop, false, GatheringFuture.collect("gather", items));
    }

    /**
     * Like {@link #gather(Awaitable[])}; with {@code returnExceptions} failures and cancellations are
     * results (the exception, or a {@link CancelledError}) instead of ending the gather.
     */
    public static Future<List<Object>> gather(boolean returnExceptions, Awaitable<?>... awaitables) {
        return GatheringFuture.of(runningLoop(), returnExceptions, Arrays.asList(awaitables));
    }

    /** {@link #gather(boolean, Awaitable[])} with no awaitables: an already-done empty list. */
    public static Future<List<Object>> gather(boolean returnExceptions) {
        return GatheringFuture.of(runningLoop(), returnExceptions, List.of());
    }

    /** {@link #gather(boolean, Awaitable[])} of {@link CompletionStage}s. */
    public static Future<List<Object>> gather(boolean returnExceptions, CompletionStage<?>... stages) {
        return GatheringFuture.of(runningLoop(), returnExceptions, Arrays.asList(stages));
    }

    /** {@link #gather(boolean, Awaitable[])} over any mix of awaitables and stages (a collection, for one). */
    public static Future<List<Object>> gather(boolean returnExceptions, Iterable<?> items) {
        EventLoop loop = runningLoop();
        return GatheringFuture.of(loop, returnExceptions, GatheringFuture.collect("gather", items));
    }

    // ================================================================ timeouts

    /**
     * Runs {@code body} with a deadline {@code seconds} from now (Python's {@code async with
     * asyncio.timeout(s)}): when it passes, the body is cancelled at its current await, and the scope
     * raises {@link TimeoutError} instead of the {@link CancelledError}, but only for its own expiry
     * (see {@link Timeout}). {@code Double.POSITIVE_INFINITY} means no deadline. Returns the body's
     * value.
     *
     * @throws IllegalStateException outside a coroutine
     * @throws IllegalArgumentException if {@code seconds} is NaN
     */
    public static <T> T timeout(double seconds, AsyncSupplier<T> body) {
        requireBody(body);
        return timeout(seconds, t -> body.get());
    }

    /** {@link #timeout(double, AsyncSupplier)} for a body that returns nothing. */
    public static void timeout(double seconds, AsyncRunnable body) {
        requireBody(body);
        timeout(seconds, t -> {
            body.run();
            return null;
        });
    }

    /** {@link #timeout(double, AsyncSupplier)} handing the body its {@link Timeout} (to move the deadline). */
    public static <T> T timeout(double seconds, TimeoutBody<T> body) {
        Strand s = Strand.currentOrThrow("timeout");
        requireBody(body);
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException("timeout(NaN): pass seconds, or Double.POSITIVE_INFINITY for none");
        }
        long budget = seconds == Double.POSITIVE_INFINITY ? Timeout.NO_BUDGET : Durations.secondsToNanos(seconds, "timeout");
        return Timeout.run(s, s.loop().deadlineAfter(seconds), budget, body);
    }

    /** {@link #timeout(double, AsyncSupplier)} with a {@link Duration}; {@code null} means no deadline. */
    public static <T> T timeout(Duration duration, AsyncSupplier<T> body) {
        requireBody(body);
        return timeout(duration == null ? Double.POSITIVE_INFINITY : Durations.durationToNanos(duration) / 1e9,
                t -> body.get());
    }

    /**
     * Like {@link #timeout(double, AsyncSupplier)} with an absolute deadline in loop time ({@link
     * EventLoop#time()} seconds; Python's {@code asyncio.timeout_at}). A deadline already past cancels
     * the body at its first suspension.
     */
    public static <T> T timeoutAt(double when, AsyncSupplier<T> body) {
        requireBody(body);
        return timeoutAt(when, t -> body.get());
    }

    /** {@link #timeoutAt(double, AsyncSupplier)} handing the body its {@link Timeout}. */
    public static <T> T timeoutAt(double when, TimeoutBody<T> body) {
        Strand s = Strand.currentOrThrow("timeoutAt");
        requireBody(body);
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("timeoutAt(NaN): pass a loop time in seconds, or Double.POSITIVE_INFINITY");
        }
        return Timeout.run(s, Deadline.atTime(when), Timeout.NO_BUDGET, body);
    }

    /**
     * Waits for {@code awaitable} at most {@code seconds} (Python's {@code asyncio.wait_for}): on
     * expiry the awaitable (a coroutine becomes a task) is cancelled, waited for until it has finished
     * its cleanup, and {@link TimeoutError} is raised. {@code Double.POSITIVE_INFINITY} waits forever.
     * If the work completes in the same loop iteration as the deadline, or returns a value despite the
     * cancellation, that outcome is returned (as in asyncio 3.11).
     *
     * <p>Unlike asyncio 3.11, a cancellation of the waiting task is never swallowed: 3.11 returns the
     * work's result instead of raising {@link CancelledError} when the work finished in the same
     * iteration as the cancellation; aio4j raises it.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> T waitFor(Awaitable<T> awaitable, double seconds) {
        Strand s = Strand.currentOrThrow("waitFor");
        if (awaitable == null) {
            throw new NullPointerException("waitFor(null, ...): pass a coroutine, a future or a task");
        }
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException("waitFor(..., NaN): pass seconds, or Double.POSITIVE_INFINITY");
        }
        @SuppressWarnings("unchecked")
        Future<T> fut = (Future<T>) GatheringFuture.ensureFuture(s.loop(), awaitable);
        if (seconds == Double.POSITIVE_INFINITY) {
            return s.task.awaitFuture(fut);
        }
        if (seconds <= 0) {
            if (fut.done()) {
                return fut.result();
            }
            Waiting.cancelAndWait(s, fut);
            return outcomeOrTimeout(fut, seconds);
        }
        return Waiting.waitFor(s, fut, s.loop().deadlineAfter(seconds), () -> outcomeOrTimeout(fut, seconds));
    }

    private static <T> T outcomeOrTimeout(Future<T> fut, double seconds) {
        try {
            return fut.result(); // the work completed despite the cancellation: its outcome
        } catch (CancelledError e) {
            throw new TimeoutError("waitFor: the work did not complete within " + seconds + " s", e);
        }
    }

    /** {@link #waitFor(Awaitable, double)} with a {@link Duration}; {@code null} waits forever. */
    public static <T> T waitFor(Awaitable<T> awaitable, Duration timeout) {
        return waitFor(awaitable, timeout == null ? Double.POSITIVE_INFINITY : Durations.durationToNanos(timeout) / 1e9);
    }

    /**
     * {@link #waitFor(Awaitable, double)} of a {@link CompletionStage}, wrapped as {@link
     * #wrapFuture(CompletionStage)} does: on expiry the stage is cancelled and {@link TimeoutError}
     * raised.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> T waitFor(CompletionStage<T> stage, double seconds) {
        Strand s = Strand.currentOrThrow("waitFor");
        if (stage == null) {
            throw new NullPointerException("waitFor(null, ...): pass a CompletionStage, a coroutine, a future or a"
                    + " task");
        }
        if (Double.isNaN(seconds)) {
            // Checked before wrapping: a rejected call must not leave a wrapper waiting for the stage.
            throw new IllegalArgumentException("waitFor(..., NaN): pass seconds, or Double.POSITIVE_INFINITY");
        }
        return waitFor(CompletableFutures.wrap(s.loop(), stage), seconds);
    }

    /** {@link #waitFor(CompletionStage, double)} with a {@link Duration}; {@code null} waits forever. */
    public static <T> T waitFor(CompletionStage<T> stage, Duration timeout) {
        return waitFor(stage, timeout == null ? Double.POSITIVE_INFINITY : Durations.durationToNanos(timeout) / 1e9);
    }

    /**
     * Protects {@code awaitable} from cancellation (Python's {@code asyncio.shield}): returns a future
     * to await; cancelling the awaiting task cancels only that outer future, and the inner work (a
     * coroutine becomes a task) keeps running.
     *
     * @throws IllegalStateException outside a running loop
     */
    public static <T> Future<T> shield(Awaitable<T> awaitable) {
        if (awaitable == null) {
            throw new NullPointerException("shield(null): pass a coroutine, a future or a task");
        }
        return Waiting.shield(runningLoop(), awaitable);
    }

    /**
     * {@link #shield(Awaitable)} of a {@link CompletionStage}, wrapped as {@link
     * #wrapFuture(CompletionStage)} does: cancelling the awaiting task cancels only the returned
     * future, never the stage.
     *
     * @throws IllegalStateException outside a running loop
     */
    public static <T> Future<T> shield(CompletionStage<T> stage) {
        if (stage == null) {
            throw new NullPointerException("shield(null): pass a CompletionStage, a coroutine, a future or a task");
        }
        EventLoop loop = runningLoop();
        return Waiting.shield(loop, CompletableFutures.wrap(loop, stage));
    }

    // ================================================================ structured concurrency

    /**
     * Runs {@code body} with a new {@link TaskGroup} and waits for every task created in it; returns
     * the body's value (Python's {@code async with asyncio.TaskGroup() as tg}). See {@link TaskGroup}
     * for failure and cancellation.
     *
     * @throws ExceptionGroup with every failure, if a task or the body failed
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> T taskGroup(TaskGroupBody<T> body) {
        Strand s = Strand.currentOrThrow("taskGroup");
        requireBody(body);
        return TaskGroup.run(s, body);
    }

    /**
     * {@link #taskGroup(TaskGroupBody)} for a body that returns nothing. An expression lambda
     * ({@code tg -> tg.createTask(c)}) lands here; a block with {@code return x;} lands on the value form.
     */
    public static void taskGroup(TaskGroupAction body) {
        Strand s = Strand.currentOrThrow("taskGroup");
        requireBody(body);
        TaskGroup.run(s, body);
    }

    /**
     * Waits until {@code futures} are done as {@code returnWhen} says, or {@code timeout} seconds
     * passed ({@code Double.POSITIVE_INFINITY}: no limit); returns the done and the pending ones
     * (Python's {@code asyncio.wait}). Never raises on timeout and never cancels anything.
     *
     * <p>Not named {@code wait}: every class inherits {@code Object.wait}, which hides a statically
     * imported {@code wait} inside any class body, so {@code wait(fs)} would not compile there.
     *
     * @throws IllegalArgumentException if {@code futures} is empty
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> WaitResult<T> waitDone(Collection<? extends Future<? extends T>> futures, double timeout,
                                             ReturnWhen returnWhen) {
        return waitDoneOf(futures, timeout, returnWhen);
    }

    /** {@link #waitDone(Collection, double, ReturnWhen)} until all are done. */
    public static <T> WaitResult<T> waitDone(Collection<? extends Future<? extends T>> futures) {
        return waitDoneOf(futures, Double.POSITIVE_INFINITY, ReturnWhen.ALL_COMPLETED);
    }

    /** {@link #waitDone(Collection, double, ReturnWhen)} without a time limit. */
    public static <T> WaitResult<T> waitDone(Collection<? extends Future<? extends T>> futures,
                                             ReturnWhen returnWhen) {
        return waitDoneOf(futures, Double.POSITIVE_INFINITY, returnWhen);
    }

    /**
     * {@link #waitDone(Collection, double, ReturnWhen)} over any mix of tasks, futures and {@link
     * CompletionStage}s, each element checked at run time. The result holds, for a stage, the future
     * that wraps it ({@link #wrapFuture(CompletionStage)}'s), not the stage itself: to recognise it in
     * {@code done()} or {@code pending()}, wrap the stage yourself and pass that future. The compiler
     * cannot check {@code T} against the elements here: it is the type the call site asks for.
     *
     * @throws IllegalArgumentException if {@code items} is empty, or an element is a coroutine (make it a
     *                                  task first, as asyncio 3.12 requires) or neither a future nor a stage
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> WaitResult<T> waitDone(Iterable<?> items, double timeout, ReturnWhen returnWhen) {
        return waitDoneOf(items, timeout, returnWhen);
    }

    /** {@link #waitDone(Iterable, double, ReturnWhen)} until all are done. */
    public static <T> WaitResult<T> waitDone(Iterable<?> items) {
        return waitDoneOf(items, Double.POSITIVE_INFINITY, ReturnWhen.ALL_COMPLETED);
    }

    /** {@link #waitDone(Iterable, double, ReturnWhen)} without a time limit. */
    public static <T> WaitResult<T> waitDone(Iterable<?> items, ReturnWhen returnWhen) {
        return waitDoneOf(items, Double.POSITIVE_INFINITY, returnWhen);
    }

    private static <T> WaitResult<T> waitDoneOf(Iterable<?> items, double timeout, ReturnWhen returnWhen) {
        Strand s = Strand.currentOrThrow("waitDone");
        if (Double.isNaN(timeout)) {
            throw new IllegalArgumentException("waitDone(..., NaN, ...): pass seconds, or Double.POSITIVE_INFINITY");
        }
        return Waiting.waitDone(s, GatheringFuture.collect("waitDone", items), s.loop().deadlineAfter(timeout), returnWhen);
    }

    /**
     * The awaitables in the order they complete, for a plain {@code for} loop inside a coroutine
     * (Python 3.13's {@code asyncio.as_completed} used with {@code async for}): each step waits for the
     * next one to be done and yields the original task or future (coroutines are wrapped in tasks).
     * After {@code timeout} seconds ({@code Double.POSITIVE_INFINITY}: none) the next step throws
     * {@link TimeoutError}. Iterable once.
     *
     * <pre>{@code
     * for (Future<String> done : Aio.asCompleted(tasks, 10)) {
     *     System.out.println(done.result());
     * }
     * }</pre>
     *
     * @throws IllegalStateException outside a running loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Awaitable<? extends T>> awaitables,
                                                      double timeout) {
        return asCompletedOf(awaitables, timeout);
    }

    /** {@link #asCompleted(Collection, double)} without a time limit. */
    public static <T> Iterable<Future<T>> asCompleted(Collection<? extends Awaitable<? extends T>> awaitables) {
        return asCompletedOf(awaitables, Double.POSITIVE_INFINITY);
    }

    /**
     * {@link #asCompleted(Collection, double)} over any mix of awaitables and {@link CompletionStage}s,
     * each element checked at run time. For a stage it yields the future that wraps it ({@link
     * #wrapFuture(CompletionStage)}'s), not the stage: to recognise it, wrap the stage yourself and pass
     * that future. The compiler cannot check {@code T} against the elements here: it is the type the
     * call site asks for ({@code for (Future<?> f : asCompleted(stages))}, or {@code Aio.<String>asCompleted}).
     *
     * @throws IllegalArgumentException if an element is neither an {@link Awaitable} nor a stage
     * @throws IllegalStateException outside a running loop
     */
    public static <T> Iterable<Future<T>> asCompleted(Iterable<?> items, double timeout) {
        return asCompletedOf(items, timeout);
    }

    /** {@link #asCompleted(Iterable, double)} without a time limit. */
    public static <T> Iterable<Future<T>> asCompleted(Iterable<?> items) {
        return asCompletedOf(items, Double.POSITIVE_INFINITY);
    }

    private static <T> Iterable<Future<T>> asCompletedOf(Iterable<?> items, double timeout) {
        EventLoop loop = runningLoop();
        if (Double.isNaN(timeout)) {
            throw new IllegalArgumentException("asCompleted(..., NaN): pass seconds, or Double.POSITIVE_INFINITY");
        }
        return new Waiting.AsCompleted<>(loop, GatheringFuture.collect("asCompleted", items), loop.deadlineAfter(timeout));
    }

    // ================================================================ async generators

    /**
     * An async generator of {@code body} (Python's {@code async def} with {@code yield}); see
     * {@link AsyncGenerator}. Nothing runs until it is first consumed.
     */
    public static <T> AsyncGenerator<T> asyncGenerator(AsyncGeneratorBody<T> body) {
        return new AsyncGenerator<>(body, null);
    }

    /** Like {@link #asyncGenerator(AsyncGeneratorBody)}, named {@code name} (in errors and reports). */
    public static <T> AsyncGenerator<T> asyncGenerator(String name, AsyncGeneratorBody<T> body) {
        return new AsyncGenerator<>(body, Objects.requireNonNull(name, "asyncGenerator(null, body): pass a name"));
    }

    // ================================================================ threads

    /**
     * Runs blocking {@code fn} on another thread and waits for its result without blocking the loop
     * (Python's {@code asyncio.to_thread}): {@code runInExecutor(null, fn)} on the running loop, so on
     * its default executor (a virtual thread per call, at most 256 at once; see
     * {@link EventLoop#setDefaultExecutor}), with the caller's context variables. {@code fn}'s
     * exception is rethrown unchanged.
     *
     * <p>Unlike asyncio, cancelling the waiting task (a timeout, a task group) <em>interrupts</em>
     * {@code fn}'s thread, and the {@link CancelledError} is raised only once {@code fn} has returned
     * or thrown; so {@code timeout(1, () -> toThread(() -> channel.read(buf)))} really stops an
     * interruptible call ({@code Thread.sleep}, {@code BlockingQueue.take}, a {@code FileChannel} or pipe
     * read, which closes the channel). Code that ignores interrupts ({@code FileInputStream.read},
     * a busy loop) cannot be stopped: the cancellation waits for it to return. See
     * {@link EventLoop#runInExecutor} for the outcome of cancelled work, and {@code docs/threads.md}.
     *
     * @throws IllegalStateException outside a coroutine, or if the default executor was shut down
     */
    public static <T> T toThread(Callable<T> fn) {
        Strand s = Strand.currentOrThrow("toThread");
        return s.task.awaitFuture(s.loop().runInExecutor(null, fn));
    }

    /**
     * Hands {@code coro} to {@code loop} from any thread: the loop runs it as a task, and the returned
     * {@link CompletableFuture} completes with the task's result or exception, or is cancelled if the
     * task is (Python's {@code asyncio.run_coroutine_threadsafe}). {@code cancel(...)} on it
     * (the argument does not matter) cancels the task, thread-safely, at the loop's next iteration;
     * the CompletableFuture is cancelled at once even if the task then refuses the cancellation.
     * Its non-async dependents run on the loop thread: keep them short, or use the {@code *Async} forms.
     *
     * <p>Made for threads other than the loop's. On the loop's own thread it works, but never block on
     * the result there ({@code join()}, {@code get()}): the loop could not run the task, a deadlock;
     * in a coroutine, await it ({@link #await(CompletionStage)}) or use {@link #createTask}. If the loop
     * closes before the task has finished (or started), the future fails with
     * {@link IllegalStateException}; {@link #run} and {@link Runner} cancel their tasks before closing,
     * so there the future is cancelled.
     *
     * @throws IllegalStateException if {@code loop} is closed, or {@code coro} was already awaited
     */
    public static <T> CompletableFuture<T> runCoroutineThreadsafe(Coro<T> coro, EventLoop loop) {
        return CompletableFutures.runCoroutineThreadsafe(coro, loop);
    }
}
