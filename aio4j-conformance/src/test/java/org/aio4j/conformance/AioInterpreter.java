package org.aio4j.conformance;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.await;
import static org.aio4j.Aio.currentTask;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.aio4j.Aio;
import org.aio4j.Clock;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionGroup;
import org.aio4j.Future;
import org.aio4j.ReturnWhen;
import org.aio4j.Runner;
import org.aio4j.Task;
import org.aio4j.TaskGroup;
import org.aio4j.Timeout;
import org.aio4j.WaitResult;
import org.aio4j.sync.Barrier;
import org.aio4j.sync.Condition;
import org.aio4j.sync.Event;
import org.aio4j.sync.Lock;
import org.aio4j.sync.Queue;
import org.aio4j.sync.Semaphore;

/**
 * Runs one scenario on aio4j, on a virtual clock, and records its {@link Outcome}.
 *
 * <p>The mirror of {@code asyncio_interpreter.py}: each op does what the Python op does, with the
 * aio4j call that corresponds to the asyncio call, and logs the same event text. A change to one
 * interpreter needs the same change to the other. The scenario format is described in the module's
 * README.md. The async generator ops are in {@link GeneratorOps}, the primitive and queue ops in
 * {@link SyncOps}.
 */
final class AioInterpreter {
    /*
     * Control flow: a "return" step does not throw (it would look like a failure to taskGroup and
     * timeout); block() returns a Return marker instead, which every enclosing construct hands
     * outwards after it exits normally, exactly as Python's `return` inside `async with` does.
     * "reraise" rethrows the exception the innermost catch body is handling, passed down as
     * `handling`.
     */

    /** The result of a block that ran a {@code return} step. */
    private record Return(Object value) {
    }

    /** The scenario cannot run (unknown op, name used twice...): a bug in the scenario. */
    static final class BrokenScenario extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BrokenScenario(String message) {
            super(message);
        }
    }

    private final Map<String, Object> scenario;
    private final Map<String, Object> coros;
    private final Map<String, Object> objs = new LinkedHashMap<>();
    private final Map<Object, String> names = new IdentityHashMap<>();
    private final List<Map.Entry<String, Future<?>>> tasks = new ArrayList<>();
    private final List<Map.Entry<String, Future<?>>> futures = new ArrayList<>();
    private final List<Outcome.Event> trace = new ArrayList<>();
    /** The shared variables of "set_var" / "add_var", read by Condition predicates. */
    private final Map<String, Object> vars = new LinkedHashMap<>();
    private EventLoop loop;

    /** The scenario's shared variables (for {@link SyncOps}). */
    Map<String, Object> vars() {
        return vars;
    }
    private final GeneratorOps generators = new GeneratorOps(this);
    private final SyncOps sync = new SyncOps(this);

    @SuppressWarnings("unchecked")
    AioInterpreter(Map<String, Object> scenario) {
        this.scenario = scenario;
        this.coros = (Map<String, Object>) scenario.getOrDefault("coros", Map.of());
    }

    /** Runs the scenario to the end (main task, then the shutdown of what is left). */
    @SuppressWarnings("unchecked")
    Outcome run() {
        try (Runner runner = Runner.create(Clock.virtual())) {
            loop = runner.getLoop();
            loop.setExceptionHandler((l, context) -> { }); // unretrieved errors are not part of the trace
            List<Object> mainSteps = (List<Object>) scenario.get("main");
            String result;
            try {
                Object value = runner.run(async(() -> {
                    currentTask().setName("main");
                    objs.put("main", currentTask()); // named by steps, not among the traced tasks
                    names.put(currentTask(), "main");
                    return taskMain(mainSteps);
                }));
                result = "= " + Formats.value(value);
            } catch (BrokenScenario e) {
                return Outcome.failed("broken scenario: " + e.getMessage());
            } catch (Throwable e) {
                if (findBroken(e) != null) {
                    return Outcome.failed("broken scenario: " + findBroken(e).getMessage());
                }
                result = "! " + Formats.exception(e);
            }
            Map<String, String> states = new LinkedHashMap<>();
            for (Map.Entry<String, Future<?>> e : tasks) {
                states.put(e.getKey(), stateOf(e.getValue(), false));
            }
            for (Map.Entry<String, Future<?>> e : futures) {
                states.put(e.getKey(), stateOf(e.getValue(), false));
            }
            try {
                runner.run(async(() -> {
                    currentTask().setName("shutdown");
                    shutdown();
                }));
                // Then the async generators left suspended, as Runner.close does after cancelling the
                // tasks (each closed in a task "aclose G"), here so that their events are traced.
                runner.run(loop.shutdownAsyncgens());
            } catch (RuntimeException e) {
                if (findBroken(e) == null) {
                    throw e;
                }
                return Outcome.failed("broken scenario: " + findBroken(e).getMessage());
            }
            return new Outcome(List.copyOf(trace), result, states, null);
        }
    }

    private static BrokenScenario findBroken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BrokenScenario b) {
                return b;
            }
            if (t instanceof ExceptionGroup g) {
                for (Throwable x : g.exceptions()) {
                    BrokenScenario b = findBroken(x);
                    if (b != null) {
                        return b;
                    }
                }
            }
        }
        return null;
    }

    /**
     * Cancels the tasks still pending, in creation order, and waits for them. A task may catch its
     * cancellation and wait again: what is still pending after {@link #SHUTDOWN_ROUND} seconds is
     * cancelled again, until nothing is (at most {@link #SHUTDOWN_ROUNDS} times), as the Python side.
     */
    private void shutdown() {
        for (int round = 0; round < SHUTDOWN_ROUNDS; round++) {
            List<Future<?>> pending = new ArrayList<>();
            for (Map.Entry<String, Future<?>> e : tasks) {
                if (!e.getValue().done()) {
                    pending.add(e.getValue());
                }
            }
            if (pending.isEmpty()) {
                return;
            }
            for (Future<?> t : pending) {
                t.cancel();
            }
            Aio.<Object>waitDone(pending, SHUTDOWN_ROUND, ReturnWhen.ALL_COMPLETED);
        }
        List<String> left = new ArrayList<>();
        for (Map.Entry<String, Future<?>> e : tasks) {
            if (!e.getValue().done()) {
                left.add(e.getKey());
            }
        }
        throw new BrokenScenario("tasks still pending after " + SHUTDOWN_ROUNDS + " rounds of cancellation at"
                + " shutdown: " + String.join(", ", left));
    }

    /** Virtual seconds between the shutdown's rounds of cancellation (see asyncio_interpreter.py). */
    private static final double SHUTDOWN_ROUND = 1000;
    private static final int SHUTDOWN_ROUNDS = 100;

    // ================================================================ helpers

    void log(String what) {
        trace.add(new Outcome.Event(Formats.time(loop.time()), taskLabel(currentTask()), what));
    }

    /**
     * A task's name in the trace. shutdownAsyncgens closes each generator in a task of its own,
     * named Task-N as asyncio's are, running a coroutine named "aclose G": that is its label, on both
     * sides (the Python side finds the generator its closer's coroutine refers to).
     */
    private String taskLabel(Task<?> t) {
        if (t == null) {
            return "-";
        }
        if (!names.containsKey(t) && t.getCoro() != null && t.getCoro().name().startsWith("aclose ")) {
            return t.getCoro().name();
        }
        return t.getName();
    }

    @SuppressWarnings("unchecked")
    private List<Object> bodyOf(Map<String, Object> spec) {
        if (spec.containsKey("body")) {
            return (List<Object>) spec.get("body");
        }
        if (spec.containsKey("coro")) {
            Object body = coros.get((String) spec.get("coro"));
            if (body == null) {
                throw new BrokenScenario("unknown coro '" + spec.get("coro") + "'");
            }
            return (List<Object>) body;
        }
        throw new BrokenScenario("a step needs a 'body' or a 'coro': " + spec);
    }

    Object obj(String name) {
        Object o = objs.get(name);
        if (o == null) {
            throw new BrokenScenario("unknown object '" + name + "'");
        }
        return o;
    }

    @SuppressWarnings("unchecked")
    private Future<Object> future(String name) {
        Object o = obj(name);
        if (!(o instanceof Future<?>)) {
            throw new BrokenScenario("'" + name + "' is not a task or a future");
        }
        return (Future<Object>) o;
    }

    void register(String name, Object o, String kind) {
        if (objs.containsKey(name)) {
            throw new BrokenScenario("name '" + name + "' used twice");
        }
        objs.put(name, o);
        names.put(o, name);
        if (kind.equals("task")) {
            tasks.add(Map.entry(name, (Future<?>) o));
        } else if (kind.equals("future")) {
            futures.add(Map.entry(name, (Future<?>) o));
        }
    }

    private Task<?> taskOf(Map<String, Object> step) {
        if (!step.containsKey("t")) {
            return currentTask();
        }
        if (!(obj((String) step.get("t")) instanceof Task<?> t)) {
            throw new BrokenScenario("'" + step.get("t") + "' is not a task");
        }
        return t;
    }

    private static String label(Map<String, Object> step, String op) {
        return step.containsKey("t") ? op + " " + step.get("t") : op;
    }

    private Task<Object> spawn(Map<String, Object> spec, TaskGroup tg) {
        String name = (String) spec.get("name");
        List<Object> body = bodyOf(spec);
        var coro = async(name, () -> taskMain(body));
        Task<Object> task = tg != null ? tg.createTask(coro, name) : Aio.createTask(coro, name);
        register(name, task, "task");
        return task;
    }

    /** An item of gather/wait/...: the name of a task or future, or a task to spawn. */
    @SuppressWarnings("unchecked")
    private Future<Object> awaitable(Object item) {
        if (item instanceof String name) {
            return future(name);
        }
        return spawn((Map<String, Object>) item, null);
    }

    private List<Future<Object>> awaitables(Object items) {
        List<Future<Object>> out = new ArrayList<>();
        for (Object item : (List<?>) items) {
            out.add(awaitable(item));
        }
        return out;
    }

    private Object taskMain(List<Object> steps) throws Exception {
        log("start");
        Object r;
        try {
            r = block(steps, null);
        } catch (Throwable e) {
            log("end ! " + Formats.exception(e));
            throw e;
        }
        if (r == GeneratorOps.BREAK) {
            throw new BrokenScenario("break outside an async_for");
        }
        Object value = r instanceof Return ret ? ret.value() : null;
        log("end = " + Formats.value(value));
        return value;
    }

    interface AwaitAction {
        Object get() throws Exception;
    }

    Object logged(String what, AwaitAction action) throws Exception {
        Object r;
        try {
            r = action.get();
        } catch (Throwable e) {
            log(what + " ! " + Formats.exception(e));
            throw e;
        }
        log(what + " = " + Formats.value(r));
        return r;
    }

    private static Double number(Object o) {
        return o == null ? null : ((Number) o).doubleValue();
    }

    private static double seconds(Object o) {
        return o == null ? Double.POSITIVE_INFINITY : ((Number) o).doubleValue();
    }

    // ================================================================ steps

    /** Runs steps; returns a {@link Return} if a "return" step ran, else null. */
    @SuppressWarnings("unchecked")
    Object block(List<Object> steps, Throwable handling) throws Exception {
        for (Object s : steps) {
            Object r = step((Map<String, Object>) s, handling);
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private Object step(Map<String, Object> step, Throwable handling) throws Exception {
        String op = String.valueOf(step.get("op"));
        switch (op) {
            case "log" -> log("log " + step.get("msg"));
            case "sleep" -> Aio.sleep(((Number) step.get("s")).doubleValue());
            case "yield" -> Aio.sleep(0);
            case "spawn" -> spawn(step, step.containsKey("tg") ? taskGroup((String) step.get("tg")) : null);
            case "call" -> {
                return block(bodyOf(step), handling);
            }
            case "await" -> {
                Future<Object> f = future((String) step.get("t"));
                logged("await " + step.get("t"), () -> await(f));
            }
            case "return" -> {
                return new Return(step.get("value"));
            }
            case "raise" -> throw Formats.<RuntimeException>sneaky(
                    Formats.error((String) step.get("error"), (String) step.get("msg")));
            case "reraise" -> {
                if (handling == null) {
                    throw new BrokenScenario("reraise outside a catch body");
                }
                throw Formats.<RuntimeException>sneaky(handling);
            }
            case "cancel" -> {
                Future<Object> target = future((String) step.get("t"));
                boolean r = step.containsKey("msg") ? target.cancel((String) step.get("msg")) : target.cancel();
                log("cancel " + step.get("t") + " = " + Formats.value(r));
            }
            case "cancelling" -> log(label(step, "cancelling") + " = " + taskOf(step).cancelling());
            case "uncancel" -> log(label(step, "uncancel") + " = " + taskOf(step).uncancel());
            case "state" -> log("state " + step.get("t") + " = " + stateOf(future((String) step.get("t")), true));
            case "future" -> register((String) step.get("name"), loop.createFuture(), "future");
            case "set_result" -> future((String) step.get("t")).setResult(step.get("value"));
            case "set_exception" -> future((String) step.get("t"))
                    .setException(Formats.error((String) step.get("error"), (String) step.get("msg")));
            case "try" -> {
                return opTry(step, handling);
            }
            case "gather" -> opGather(step);
            case "wait_for" -> {
                if (step.containsKey("on")) {
                    Condition c = on(step, Condition.class);
                    BooleanSupplier p = predicate((Map<String, Object>) step.get("pred"));
                    logged("wait_for " + step.get("on"), () -> c.waitFor(p));
                    return null;
                }
                Future<Object> f = awaitable(step.get("item"));
                double timeout = seconds(step.get("timeout"));
                logged("wait_for", () -> Aio.waitFor(f, timeout));
            }
            case "shield" -> {
                Future<Object> f = awaitable(step.get("item"));
                logged("shield", () -> await(Aio.shield(f)));
            }
            case "wait" -> {
                if (step.containsKey("on")) {
                    waitOn(step);
                } else {
                    opWait(step);
                }
            }
            case "as_completed" -> {
                List<Future<Object>> fs = awaitables(step.get("items"));
                var it = Aio.<Object>asCompleted(fs, seconds(step.get("timeout"))).iterator();
                while (it.hasNext()) {
                    logged("as_completed", () -> await(it.next()));
                }
            }
            case "timeout" -> {
                return opTimeout(step, handling);
            }
            case "reschedule" -> {
                Timeout cm = timeout((String) step.get("cm"));
                Double when;
                if (step.containsKey("delay")) {
                    when = step.get("delay") == null ? null : loop.time() + number(step.get("delay"));
                } else {
                    when = number(step.get("at"));
                }
                cm.reschedule(when);
            }
            case "expired" -> log("expired " + step.get("cm") + " = "
                    + Formats.value(timeout((String) step.get("cm")).expired()));
            case "when" -> {
                Double w = timeout((String) step.get("cm")).when();
                log("when " + step.get("cm") + " = " + (w == null ? "null" : Formats.time(w)));
            }
            case "taskgroup" -> {
                String name = (String) step.get("name");
                List<Object> body = (List<Object>) step.getOrDefault("body", List.of());
                return Aio.taskGroup(tg -> {
                    register(name, tg, "taskgroup");
                    return block(body, handling);
                });
            }
            case "tg_cancel" -> taskGroup((String) step.get("tg")).cancel();
            case "with" -> {
                // try/finally, not try-with-resources: as in Python's `async with`, an error of the
                // release (a lock somebody else released meanwhile) replaces the body's error instead
                // of being added to it as suppressed.
                AutoCloseable held = sync.acquireOf(on(step, Object.class), step);
                try {
                    return block((List<Object>) step.getOrDefault("body", List.of()), handling);
                } finally {
                    held.close();
                }
            }
            default -> {
                if (sync.step(op, step)) {
                    return null;
                }
                Object r = generators.step(op, step, handling);
                if (r == GeneratorOps.NOT_MINE) {
                    throw new BrokenScenario("unknown op '" + op + "' in " + step);
                }
                return r;
            }
        }
        return null;
    }

    // ================================================================ primitives and queues

    /*
     * Method ops name their object in "on" and log "<op> <on>" (plus the argument of put), then
     * " = value" when the call returns one, or " ! Error" when it throws (and the error propagates).
     * asyncio's QueueEmpty / QueueFull are aio4j's null / false returns of tryGet / tryPut: the
     * interpreter turns them into the error the Python side raises, by the same name.
     */

    interface VoidAction {
        void run() throws Exception;
    }

    /** Runs action and logs {@code what} or {@code what ! Error}: the void twin of {@link #logged}. */
    void loggedVoid(String what, VoidAction action) throws Exception {
        try {
            action.run();
        } catch (Throwable e) {
            log(what + " ! " + Formats.exception(e));
            throw e;
        }
        log(what);
    }

    <T> T on(Map<String, Object> step, Class<T> type) {
        Object o = obj((String) step.get("on"));
        if (!type.isInstance(o)) {
            throw new BrokenScenario("'" + step.get("on") + "' cannot do '" + step.get("op") + "'");
        }
        return type.cast(o);
    }

    private void waitOn(Map<String, Object> step) throws Exception {
        Object o = on(step, Object.class);
        String what = "wait " + step.get("on");
        if (o instanceof Event e) {
            logged(what, e::await);
        } else if (o instanceof Condition c) {
            logged(what, c::await);
        } else if (o instanceof Barrier b) {
            logged(what, b::await);
        } else {
            throw new BrokenScenario("'" + step.get("on") + "' cannot do 'wait'");
        }
    }

    /** {@code {"var": n, "ge": v}} or {@code {"var": n, "eq": v}}; every evaluation is logged. */
    private BooleanSupplier predicate(Map<String, Object> pred) {
        String var = (String) pred.get("var");
        if (pred.containsKey("ge")) {
            long ge = ((Number) pred.get("ge")).longValue();
            return () -> {
                boolean r = ((Number) vars.getOrDefault(var, 0L)).longValue() >= ge;
                log("predicate " + var + " >= " + ge + " = " + Formats.value(r));
                return r;
            };
        }
        if (pred.containsKey("eq")) {
            Object eq = pred.get("eq");
            return () -> {
                boolean r = Objects.equals(vars.getOrDefault(var, 0L), eq);
                log("predicate " + var + " == " + Formats.value(eq) + " = " + Formats.value(r));
                return r;
            };
        }
        throw new BrokenScenario("a predicate needs 'ge' or 'eq': " + pred);
    }

    private TaskGroup taskGroup(String name) {
        if (!(obj(name) instanceof TaskGroup tg)) {
            throw new BrokenScenario("'" + name + "' is not a task group");
        }
        return tg;
    }

    private Timeout timeout(String name) {
        if (!(obj(name) instanceof Timeout t)) {
            throw new BrokenScenario("'" + name + "' is not a timeout");
        }
        return t;
    }

    @SuppressWarnings("unchecked")
    private Object opTry(Map<String, Object> step, Throwable handling) throws Exception {
        Object result = null;
        try {
            result = block((List<Object>) step.getOrDefault("body", List.of()), handling);
        } catch (Throwable e) {
            if (e instanceof BrokenScenario) {
                throw e;
            }
            Map<String, Object> matched = null;
            for (Object c : (List<Object>) step.getOrDefault("catch", List.of())) {
                Map<String, Object> katch = (Map<String, Object>) c;
                if (Formats.matches(e, katch.get("type"))) {
                    matched = katch;
                    break;
                }
            }
            if (matched == null) {
                throw e;
            }
            log("caught " + Formats.exception(e));
            result = block((List<Object>) matched.getOrDefault("body", List.of()), e);
        } finally {
            if (step.containsKey("finally")) {
                Object f = block((List<Object>) step.get("finally"), handling);
                if (f != null) {
                    return f; // a return in finally replaces the outcome, as in Python
                }
            }
        }
        return result;
    }

    private void opGather(Map<String, Object> step) throws Exception {
        List<Future<Object>> fs = awaitables(step.get("items"));
        boolean returnExceptions = Boolean.TRUE.equals(step.get("return_exceptions"));
        Future<?> g = Aio.gather(returnExceptions, fs);
        if (step.containsKey("as")) {
            register((String) step.get("as"), g, "future");
        }
        if (!Boolean.TRUE.equals(step.get("nowait"))) {
            logged("gather", () -> await(g));
        }
    }

    private void opWait(Map<String, Object> step) {
        List<Future<Object>> fs = awaitables(step.get("items"));
        ReturnWhen when = ReturnWhen.valueOf((String) step.getOrDefault("return_when", "ALL_COMPLETED"));
        WaitResult<Object> r = Aio.waitDone(fs, seconds(step.get("timeout")), when);
        log("wait done=[" + sortedNames(r.done()) + "] pending=[" + sortedNames(r.pending()) + "]");
    }

    private String sortedNames(java.util.Collection<? extends Future<?>> fs) {
        return String.join(", ", fs.stream().map(f -> names.getOrDefault(f, "?")).sorted().toList());
    }

    @SuppressWarnings("unchecked")
    private Object opTimeout(Map<String, Object> step, Throwable handling) throws Exception {
        String name = (String) step.get("name");
        List<Object> body = (List<Object>) step.getOrDefault("body", List.of());
        if (step.containsKey("at")) {
            return Aio.timeoutAt(seconds(step.get("at")), (Timeout t) -> {
                register(name, t, "timeout");
                return block(body, handling);
            });
        }
        return Aio.timeout(seconds(step.get("delay")), (Timeout t) -> {
            register(name, t, "timeout");
            return block(body, handling);
        });
    }

    // ================================================================ outcome

    private static String stateOf(Future<?> f, boolean brief) {
        if (!f.done()) {
            return "pending";
        }
        if (f.cancelled()) {
            return "cancelled"; // without the message, as the Python side (see state_of there)
        }
        Throwable e = f.exception();
        if (e != null) {
            return brief ? "failed" : "failed " + Formats.exception(e);
        }
        return brief ? "done" : "done = " + Formats.value(f.result());
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "AioInterpreter[%s]", scenario.get("name"));
    }
}
