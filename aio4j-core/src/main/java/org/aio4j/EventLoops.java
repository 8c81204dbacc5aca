package org.aio4j;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.management.ObjectName;

/**
 * The {@link EventLoopsMXBean} of this JVM: snapshots of the loops the {@link Watchdog} watches,
 * each taken on its loop's thread.
 */
final class EventLoops implements EventLoopsMXBean {
    /*
     * Registered by the watchdog thread when it starts (so that loading JMX never costs a loop
     * thread anything), only when the watchdog is active: -Daio4j.watchdog=false leaves it out too.
     */
    private static final System.Logger LOG = System.getLogger("org.aio4j.watchdog");

    static void register() {
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new EventLoops(), new ObjectName(OBJECT_NAME));
        } catch (Exception | LinkageError e) { // no java.management, or registered by another class loader
            LOG.log(System.Logger.Level.DEBUG, "aio4j: the EventLoops MBean is not registered", e);
        }
    }

    @Override
    public String[] getLoops() {
        List<String> out = new ArrayList<>();
        for (LoopWatch w : Watchdog.watched()) {
            EventLoop loop = w.loop();
            if (loop == null) {
                continue;
            }
            LoopStatistics st = loop.statistics();
            out.add(String.format(Locale.ROOT, "loop on thread '%s': %d iterations, %d steps, %d tasks, %d ready,"
                            + " %d timers, %d I/O registrations, %.3f s in select, timers %.3f s late%s", threadName(w),
                    st.iterations(), st.steps(), st.tasks(), st.readyLength(), st.timers(), st.ioRegistrations(),
                    st.selectSeconds(), st.lagSeconds(), stuckNote(w)));
        }
        return out.toArray(String[]::new);
    }

    @Override
    public String ps() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-16s %-24s %-10s %-40s %s%n",
                "loop thread", "task", "state", "awaits", "at"));
        for (LoopWatch w : Watchdog.watched()) {
            EventLoop loop = w.loop();
            if (loop == null) {
                continue;
            }
            String rows = onLoop(loop, l -> {
                StringBuilder r = new StringBuilder();
                for (Task<?> t : l.allTasks()) {
                    List<String> awaits = new ArrayList<>();
                    String on = FutureCallGraph.waitingFor(t);
                    if (on != null) {
                        awaits.add(on);
                    }
                    FutureCallGraph.awaitedBy(t).forEach(f -> awaits.add(FutureCallGraph.describe(f)));
                    boolean waiting = !awaits.isEmpty() || (t.waitingOn() != null && !t.done());
                    if (waiting && awaits.isEmpty()) {
                        awaits.add("(sleep or other park)");
                    }
                    List<StackTraceElement> frames = FutureCallGraph.userFrames(t.strand.stack());
                    r.append(String.format(Locale.ROOT, "%-16s %-24s %-10s %-40s %s%n", threadName(w), t.getName(),
                            waiting ? "waiting" : "ready",
                            awaits.isEmpty() ? "-" : String.join(", ", awaits),
                            frames.isEmpty() ? "-" : frames.get(0)));
                }
                return r.toString();
            }, null);
            sb.append(rows != null ? rows : String.format(Locale.ROOT, "%-16s (no answer within 1 s%s)%n",
                    threadName(w), stuckNote(w)));
        }
        return sb.toString();
    }

    @Override
    public String pstree() {
        StringBuilder sb = new StringBuilder();
        for (LoopWatch w : Watchdog.watched()) {
            EventLoop loop = w.loop();
            if (loop == null) {
                continue;
            }
            String tree = onLoop(loop, l -> {
                Set<Task<?>> awaited = new HashSet<>();
                for (Task<?> t : l.allTasks()) {
                    for (Future<?> f : FutureCallGraph.awaitedBy(t)) {
                        if (f instanceof Task<?> u) {
                            awaited.add(u);
                        }
                    }
                }
                StringBuilder r = new StringBuilder();
                for (Task<?> t : l.allTasks()) {
                    if (!awaited.contains(t)) {
                        tree(t, "", new LinkedHashSet<>(), r);
                    }
                }
                for (List<Task<?>> cycle : FutureCallGraph.deadlocks(l)) {
                    r.append("deadlock: ");
                    cycle.forEach(t -> r.append('\'').append(t.getName()).append("' awaits "));
                    r.append('\'').append(cycle.get(0).getName()).append("'\n");
                }
                return r.toString();
            }, null);
            sb.append("loop on thread '").append(threadName(w)).append("'").append(stuckNote(w)).append('\n');
            sb.append(tree != null ? tree : "  (no answer within 1 s)\n");
        }
        return sb.toString();
    }

    private static void tree(Future<?> f, String indent, Set<Future<?>> path, StringBuilder out) {
        out.append(indent).append("└── ").append(FutureCallGraph.describe(f));
        if (!path.add(f)) {
            out.append(" (cycle)\n");
            return;
        }
        if (f instanceof Task<?> t) {
            List<StackTraceElement> frames = FutureCallGraph.userFrames(t.strand.stack());
            String on = t.done() ? null : FutureCallGraph.waitingFor(t);
            if (on != null) {
                out.append(" waiting for ").append(on);
            }
            if (!frames.isEmpty()) {
                out.append(" at ").append(frames.get(0));
            }
            out.append('\n');
            for (Future<?> g : FutureCallGraph.awaitedBy(t)) {
                tree(g, indent + "    ", path, out);
            }
        } else {
            out.append('\n');
        }
        path.remove(f);
    }

    /** Runs {@code what} on {@code loop}'s thread and returns its answer, or {@code otherwise} after 1 s. */
    private static String onLoop(EventLoop loop, Function<EventLoop, String> what, String otherwise) {
        CompletableFuture<String> answer = new CompletableFuture<>();
        try {
            loop.callSoonThreadsafe(() -> {
                try {
                    answer.complete(what.apply(loop));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
            return answer.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return otherwise;
        } catch (Exception e) { // closed meanwhile, timed out, failed
            return otherwise;
        }
    }

    private static String stuckNote(LoopWatch w) {
        String s = Watchdog.stuckDescription(w);
        return s == null ? "" : "; " + s;
    }

    private static String threadName(LoopWatch w) {
        Thread t = w.thread();
        return t == null ? "?" : t.getName();
    }
}
