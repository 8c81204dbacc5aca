package org.aio4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The await graph of a future (asyncio 3.14's {@code FutureCallGraph}): the future, the call stack
 * of its task (empty for a plain future or a task that is done), and the graphs of the tasks that
 * await it, each with its own stack and awaiters, up to the tasks nobody awaits. Made by
 * {@link Aio#captureCallGraph}; {@link #format()} draws it.
 *
 * <p>A task awaits a future when it is parked in {@code await} on it, waits for it in
 * {@code waitFor}, {@code waitDone} or a timed wait, waits for it to end after cancelling it, or
 * runs the body of a {@link TaskGroup} it belongs to (a group's parent awaits its tasks from their
 * creation, as in asyncio 3.14). Awaiting a {@code gather} awaits each gathered future, and awaiting
 * a {@code shield}'s future awaits the shielded work, so the graph goes through both. A task parked
 * on a primitive of {@code org.aio4j.sync} (or any {@link org.aio4j.lowlevel.WaitTarget}) says what
 * it waits for in {@code waitingFor}; waiting for a {@code Lock} awaits the task that holds it (the
 * one that acquired it and has not released it), an edge like any other. A queue's getter, a
 * semaphore's or an event's waiter waits for whichever task puts, releases or sets next: no edge.
 *
 * <p>A task reached again on the way from the root (it awaits, directly or not, the future it is
 * awaited by) ends the walk with {@code cycle} true: those tasks wait for one another and none can
 * go on, a deadlock; {@link Aio#findDeadlocks()} lists every such cycle of a loop.
 *
 * @param future    the future this node is about
 * @param callStack where its task is now, innermost frame first, without the JDK's and aio4j's own
 *                  frames (empty for a plain future or a done task)
 * @param awaitedBy the graphs of the tasks awaiting {@code future}
 * @param cycle     whether {@code future} already appears closer to the root (its awaiters are then
 *                  not repeated): a deadlock
 * @param waitingFor what {@code future}'s task is parked on when that is a lock, a queue or another
 *                   primitive ({@code "get() on Queue[maxsize=0]"}), else null
 */
public record FutureCallGraph(Future<?> future, List<StackTraceElement> callStack, List<FutureCallGraph> awaitedBy,
                              boolean cycle, String waitingFor) {
    /*
     * The graph is computed, not maintained: what a task waits for is read from the task (the
     * future it is parked on, the target of a timed or cleanup wait, the groups whose body it runs)
     * and inverted over the loop's pending tasks once per capture. Nothing is recorded on the hot
     * path beyond two fields a wait sets and clears.
     */

    public FutureCallGraph {
        callStack = List.copyOf(callStack);
        awaitedBy = List.copyOf(awaitedBy);
    }

    /** Asyncio's {@code format_call_graph}: one line per node, its stack under it, awaiters indented. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        format(this, "", sb);
        return sb.toString();
    }

    private static void format(FutureCallGraph g, String indent, StringBuilder sb) {
        sb.append(indent).append("* ").append(describe(g.future));
        if (g.waitingFor != null) {
            sb.append(" waiting for ").append(g.waitingFor);
        }
        if (g.cycle) {
            sb.append("  <- a cycle: this task is already above, so these tasks await one another (a deadlock)");
        }
        sb.append('\n');
        if (!g.callStack.isEmpty()) {
            sb.append(indent).append("  + Call stack:\n");
            for (StackTraceElement e : g.callStack) {
                sb.append(indent).append("  |   at ").append(e).append('\n');
            }
        }
        if (!g.awaitedBy.isEmpty()) {
            sb.append(indent).append("  + Awaited by:\n");
            for (FutureCallGraph a : g.awaitedBy) {
                format(a, indent + "     ", sb);
            }
        }
    }

    static String describe(Future<?> f) {
        if (f instanceof Task<?> t) {
            return "Task(name='" + t.getName() + "', state=" + state(t) + ")";
        }
        return "Future(" + state(f) + ")";
    }

    private static String state(Future<?> f) {
        return f.done() ? (f.cancelled() ? "cancelled" : f.exception() != null ? "failed" : "done") : "pending";
    }

    // ================================================================ capture

    /** The graph of {@code future}; loop thread only (see {@link Aio#captureCallGraph}). */
    static FutureCallGraph capture(Future<?> future) {
        Map<Future<?>, List<Task<?>>> awaiters = awaiters(future.getLoop());
        return node(future, awaiters, new HashSet<>());
    }

    private static FutureCallGraph node(Future<?> f, Map<Future<?>, List<Task<?>>> awaiters, Set<Future<?>> path) {
        List<StackTraceElement> stack = f instanceof Task<?> t && !t.done() ? userFrames(t.strand.stack()) : List.of();
        String waiting = f instanceof Task<?> t && !t.done() ? waitingFor(t) : null;
        if (!path.add(f)) {
            return new FutureCallGraph(f, stack, List.of(), true, waiting);
        }
        List<FutureCallGraph> by = new ArrayList<>();
        for (Task<?> t : awaiters.getOrDefault(f, List.of())) {
            by.add(node(t, awaiters, path));
        }
        path.remove(f);
        return new FutureCallGraph(f, stack, by, false, waiting);
    }

    /** For each future, the pending tasks of {@code loop} that await it. */
    private static Map<Future<?>, List<Task<?>>> awaiters(EventLoop loop) {
        Map<Future<?>, List<Task<?>>> out = new IdentityHashMap<>();
        for (Task<?> t : loop.allTasks()) {
            for (Future<?> f : awaitedBy(t)) {
                out.computeIfAbsent(f, k -> new ArrayList<>()).add(t);
            }
        }
        return out;
    }

    /** What {@code t} waits for now: the futures it awaits, through gathers and shields. */
    static Set<Future<?>> awaitedBy(Task<?> t) {
        Set<Future<?>> out = new LinkedHashSet<>();
        Future<?> on = t.waitingOn();
        if (on instanceof ParkFuture<?> p) {
            if (p.waitTarget != null) {
                for (Task<?> u : p.waitTarget.blockingTasks()) {
                    if (u.getLoop() == t.getLoop()) {
                        out.add(u);
                    }
                }
            }
        } else if (on != null) {
            expand(on, out);
        }
        if (t.awaitTarget() != null) {
            expand(t.awaitTarget(), out);
        }
        if (t.openGroups() != null) {
            for (TaskGroup g : t.openGroups()) {
                out.addAll(g.pendingTasks());
            }
        }
        out.remove(t);
        return out;
    }

    /** What {@code t} is parked on when that is a primitive that says ({@link org.aio4j.lowlevel.WaitTarget}), else null. */
    static String waitingFor(Task<?> t) {
        if (t.waitingOn() instanceof ParkFuture<?> p && p.waitTarget != null && !p.done()) {
            try {
                return p.waitTarget.describeWait();
            } catch (RuntimeException e) {
                return "a primitive whose describeWait() threw " + e;
            }
        }
        return null;
    }

    private static void expand(Future<?> f, Set<Future<?>> out) {
        if (f instanceof GatheringFuture<?> g) {
            for (Future<?> child : g.children()) {
                expand(child, out);
            }
        } else if (f instanceof Waiting.Shielded<?> s) {
            expand(s.inner, out);
        } else {
            out.add(f);
        }
    }

    /** The frames of {@code stack} outside the JDK and aio4j's kernel. */
    static List<StackTraceElement> userFrames(StackTraceElement[] stack) {
        List<StackTraceElement> out = new ArrayList<>();
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            int dot = c.lastIndexOf('.');
            String pkg = dot < 0 ? "" : c.substring(0, dot);
            if (pkg.equals("org.aio4j") || pkg.equals("org.aio4j.lowlevel") || pkg.equals("org.aio4j.sync")
                    || c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
                continue;
            }
            out.add(e);
        }
        return out;
    }

    // ================================================================ deadlocks

    /**
     * Every cycle of tasks of {@code loop} that await one another (see {@link Aio#findDeadlocks()}),
     * each once, starting at its oldest task.
     */
    static List<List<Task<?>>> deadlocks(EventLoop loop) {
        Map<Task<?>, List<Task<?>>> edges = new LinkedHashMap<>();
        for (Task<?> t : loop.allTasks()) {
            List<Task<?>> to = new ArrayList<>();
            for (Future<?> f : awaitedBy(t)) {
                if (f instanceof Task<?> u && !u.done()) {
                    to.add(u);
                }
            }
            edges.put(t, to);
        }
        List<List<Task<?>>> cycles = new ArrayList<>();
        Set<List<Task<?>>> seen = new HashSet<>();
        for (Task<?> start : edges.keySet()) {
            walk(start, start, new ArrayList<>(List.of(start)), edges, cycles, seen);
        }
        return cycles;
    }

    private static void walk(Task<?> start, Task<?> at, List<Task<?>> path, Map<Task<?>, List<Task<?>>> edges,
                             List<List<Task<?>>> cycles, Set<List<Task<?>>> seen) {
        for (Task<?> next : edges.getOrDefault(at, List.of())) {
            if (next == start) {
                List<Task<?>> cycle = canonical(path);
                if (seen.add(cycle)) {
                    cycles.add(cycle);
                }
            } else if (!path.contains(next) && path.size() < 64) {
                path.add(next);
                walk(start, next, path, edges, cycles, seen);
                path.remove(path.size() - 1);
            }
        }
    }

    /** The cycle rotated to start at its oldest task (the first in the loop's creation order). */
    private static List<Task<?>> canonical(List<Task<?>> cycle) {
        int min = 0;
        for (int i = 1; i < cycle.size(); i++) {
            if (cycle.get(i).seq() < cycle.get(min).seq()) {
                min = i;
            }
        }
        List<Task<?>> out = new ArrayList<>(cycle.size());
        for (int i = 0; i < cycle.size(); i++) {
            out.add(cycle.get((min + i) % cycle.size()));
        }
        return List.copyOf(out);
    }
}
