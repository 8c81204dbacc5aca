package org.aio4j;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The scheduling timeline: what every event loop of the process ran, step by step, while a timeline
 * records; one lane per task with its steps and, between them, what it awaited; a lane per loop for
 * its callbacks (timers, I/O readiness, {@code callSoon}); cancellation requests as marks; and for
 * each step, what woke it: the task step or the callback (a timer, I/O readiness, a future's done
 * callback) that made it runnable, as the step's and the wait's {@code "woken by"} argument and as a
 * flow arrow from the waker (Perfetto draws it). Exported
 * as Chrome trace JSON ({@link #writeChromeTrace}: open it in Perfetto or {@code chrome://tracing})
 * or as a self-contained HTML page ({@link #writeHtml}).
 *
 * <pre>{@code
 * Timeline timeline = Timeline.start();
 * Aio.run(main());
 * timeline.stop();
 * timeline.writeHtml(Path.of("timeline.html"));
 * }</pre>
 *
 * <p>One timeline records at a time; it keeps the last {@code capacity} events of each loop thread
 * (a ring, rounded up to a power of two, that starts small and grows to that size; the loops that
 * run one after another on a thread share it, one lane group). Recording costs each loop step two
 * clock reads and a few stores, and each wake-up a few stores; when no timeline records, one field
 * read per step and one per wake-up. Methods are safe from any thread; export after {@link #stop()}
 * for a consistent picture.
 */
public final class Timeline {
    /*
     * Each loop writes only its own Buffer (single writer, the loop thread); export reads them after
     * stop. A loop learns of the timeline through its LoopWatch's volatile field, set when the loop
     * starts running or when a timeline starts while it runs. Labels are resolved at export: the
     * ring holds the awaited future itself, and the export names it (its state may have moved on;
     * its name has not).
     */
    static final int DEFAULT_CAPACITY = 1 << 20;
    private static final Set<LoopWatch> RUNNING = ConcurrentHashMap.newKeySet();
    private static volatile Timeline current;

    private final int capacity;
    private final long origin = System.nanoTime();
    /** A ring per loop thread: the loops that run one after another on a thread share it. */
    private final Map<Thread, Buffer> buffers = new ConcurrentHashMap<>();
    private final List<Buffer> order = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;

    private Timeline(int capacity) {
        this.capacity = Integer.highestOneBit(capacity - 1) << 1; // a power of two: the ring's index is a mask
    }

    /** Starts recording every loop of the process, keeping the last million events of each. */
    public static Timeline start() {
        return start(DEFAULT_CAPACITY);
    }

    /**
     * Starts recording every loop of the process, keeping the last {@code capacity} events of each.
     *
     * @throws IllegalArgumentException if {@code capacity < 16}
     * @throws IllegalStateException    if another timeline records (stop it first)
     */
    public static synchronized Timeline start(int capacity) {
        if (capacity < 16) {
            throw new IllegalArgumentException("a timeline needs room for at least 16 events, got " + capacity);
        }
        if (current != null) {
            throw new IllegalStateException("a timeline is already recording; stop() it before starting another");
        }
        Timeline t = new Timeline(capacity);
        current = t;
        for (LoopWatch w : RUNNING) {
            w.timeline = t;
        }
        return t;
    }

    /** Stops recording; idempotent. */
    public void stop() {
        synchronized (Timeline.class) {
            if (current == this) {
                current = null;
                for (LoopWatch w : RUNNING) {
                    if (w.timeline == this) {
                        w.timeline = null;
                    }
                }
            }
        }
        stopped = true;
    }

    // ================================================================ recording (loop threads)

    static void loopStarts(LoopWatch w) {
        RUNNING.add(w);
        w.timeline = current;
    }

    static void loopStops(LoopWatch w) {
        RUNNING.remove(w);
        w.timeline = null;
    }

    /** Kinds of events. */
    private static final byte STEP = 0;
    private static final byte CALLBACK = 1;
    private static final byte CANCEL = 2;
    /**
     * A task was made runnable by the item running now. No time: that item's own event, recorded
     * when it ends, comes next in the ring, and the export takes it as the waker.
     */
    private static final byte WAKE = 3;

    /** What a task awaits after a step, as stored in the ring (no reference: see below). */
    private static final byte AWAIT_NOTHING = 0;
    private static final byte AWAIT_PARK = 1;
    private static final byte AWAIT_TASK = 2;
    private static final byte AWAIT_GATHER = 3;
    private static final byte AWAIT_FUTURE = 4;

    /**
     * One loop's ring of events. Steps are stored as numbers only (times, the task's number, what it
     * awaits as a code and a number): a reference to a young task stored into a large, old array on
     * every step costs the garbage collector's write barrier its slow path, which was most of the
     * recording's cost. Task names are kept once per task, callbacks' descriptions only for callbacks.
     */
    private static final class Buffer {
        /** A loop's arrays start this small and double up to the capacity: short loops stay cheap. */
        private static final int INITIAL = 1024;
        final String loop;
        final int capacity;
        long[] start;
        long[] end;
        byte[] kind;
        long[] id;        // STEP, CANCEL, WAKE: the task's number
        byte[] awaits;    // STEP: AWAIT_*
        long[] awaitArg;  // STEP: the awaited task's number, or the gather's size
        Object[] callback; // CALLBACK: the callback (described at export)
        final Map<Long, String> names = new java.util.HashMap<>();
        long count;

        Buffer(String loop, int capacity) {
            this.loop = loop;
            this.capacity = capacity;
            allocate(Math.min(INITIAL, capacity));
        }

        private void allocate(int n) {
            start = java.util.Arrays.copyOf(start == null ? new long[0] : start, n);
            end = java.util.Arrays.copyOf(end == null ? new long[0] : end, n);
            kind = java.util.Arrays.copyOf(kind == null ? new byte[0] : kind, n);
            id = java.util.Arrays.copyOf(id == null ? new long[0] : id, n);
            awaits = java.util.Arrays.copyOf(awaits == null ? new byte[0] : awaits, n);
            awaitArg = java.util.Arrays.copyOf(awaitArg == null ? new long[0] : awaitArg, n);
            callback = java.util.Arrays.copyOf(callback == null ? new Object[0] : callback, n);
        }

        int next(byte k, long s, long e) {
            if (count == start.length && start.length < capacity) {
                allocate(start.length * 2); // not full yet: grow (indexes stay the same until the ring wraps)
            }
            int i = (int) count & (start.length - 1);
            start[i] = s;
            end[i] = e;
            kind[i] = k;
            count++;
            return i;
        }

        void step(Task<?> t, long s, long e, byte awaitKind, long arg) {
            int i = next(STEP, s, e);
            id[i] = t.seq();
            awaits[i] = awaitKind;
            awaitArg[i] = arg;
        }
    }

    private Buffer buffer(LoopWatch w) {
        if (w.timelineBuffer instanceof Buffer cached && w.timelineBufferOf == this) {
            return cached; // the loop thread's own: no map lookup per step
        }
        Thread t = Thread.currentThread();
        Buffer b = buffers.get(t);
        if (b == null) {
            b = new Buffer(t.getName(), capacity);
            buffers.put(t, b);
            order.add(b);
        }
        w.timelineBuffer = b;
        w.timelineBufferOf = this;
        return b;
    }

    /** A ready item ran from {@code startNanos} to {@code endNanos} on {@code w}'s loop. */
    void item(LoopWatch w, Object item, long startNanos, long endNanos) {
        if (stopped) {
            return;
        }
        Buffer b = buffer(w);
        if (item instanceof Strand.Step step) {
            Task<?> task = step.strand().task;
            if (task.timelineNamed() != this) {
                task.timelineNamed(this);
                b.names.put(task.seq(), task.getName());
            }
            byte kind = AWAIT_NOTHING;
            long arg = 0;
            if (!task.done()) {
                Object then = task.awaitTarget() != null ? task.awaitTarget() : task.waitingOn();
                if (then instanceof Task<?> other) {
                    kind = AWAIT_TASK;
                    arg = other.seq();
                    if (other.timelineNamed() != this) {
                        other.timelineNamed(this);
                        b.names.put(other.seq(), other.getName());
                    }
                } else if (then instanceof GatheringFuture<?> g) {
                    kind = AWAIT_GATHER;
                    arg = g.children().size();
                } else if (then instanceof ParkFuture<?>) {
                    kind = AWAIT_PARK;
                } else if (then != null) {
                    kind = AWAIT_FUTURE;
                }
            }
            b.step(task, startNanos, endNanos, kind, arg);
        } else {
            b.callback[b.next(CALLBACK, startNanos, endNanos)] = item;
        }
    }

    /** {@code step} was made runnable on {@code w}'s loop thread, by the item running there now. */
    void woke(LoopWatch w, Runnable step) {
        if (stopped || !(step instanceof Strand.Step s)) {
            return;
        }
        Buffer b = buffer(w);
        b.id[b.next(WAKE, 0, 0)] = s.strand().task.seq();
    }

    /** cancel() on a pending task, on its loop's thread (called only while a timeline records). */
    static void cancelRequested(Task<?> task) {
        Timeline t = current;
        if (t == null) {
            return;
        }
        for (LoopWatch w : RUNNING) {
            if (w.loop() == task.getLoop() && w.timeline == t) {
                long now = System.nanoTime();
                Buffer b = t.buffer(w);
                b.id[b.next(CANCEL, now, now)] = task.seq();
                b.names.putIfAbsent(task.seq(), task.getName());
                return;
            }
        }
    }

    /** Whether a timeline records now (one volatile read: the gate of {@link #cancelRequested}). */
    static boolean recording() {
        return current != null;
    }

    // ================================================================ export

    /** The number of events kept (at most {@code capacity} per loop). */
    public long size() {
        long n = 0;
        synchronized (order) {
            for (Buffer b : order) {
                n += Math.min(b.count, b.start.length);
            }
        }
        return n;
    }

    /**
     * Writes the timeline as Chrome trace JSON (the {@code traceEvents} format that Perfetto,
     * {@code chrome://tracing} and speedscope read): a process per loop, a thread per task.
     */
    public void writeChromeTrace(Path file) throws IOException {
        Files.writeString(file, chromeTrace(), StandardCharsets.UTF_8);
    }

    /** Writes a self-contained HTML page that draws the timeline: a lane per task, its steps and waits. */
    public void writeHtml(Path file) throws IOException {
        String page;
        try (InputStream in = Timeline.class.getResourceAsStream("timeline.html")) {
            if (in == null) {
                throw new IOException("timeline.html is missing from aio4j's jar");
            }
            page = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Files.writeString(file, page.replace("/*TRACE*/null", chromeTrace().replace("</", "<\\/")),
                StandardCharsets.UTF_8);
    }

    /** The Chrome trace JSON text. */
    public String chromeTrace() {
        StringBuilder sb = new StringBuilder("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[");
        boolean first = true;
        List<Buffer> bs;
        synchronized (order) {
            bs = List.copyOf(order);
        }
        for (int pid = 1; pid <= bs.size(); pid++) {
            Buffer b = bs.get(pid - 1);
            first = meta(sb, first, pid, 0, "process_name", "loops on thread " + b.loop);
            first = meta(sb, first, pid, 0, "thread_name", "callbacks");
            Map<Long, Long> lastEnd = new java.util.HashMap<>(); // task -> end of its last step
            Map<Long, Integer> lastAwait = new java.util.HashMap<>(); // task -> index of its last step
            List<Long> woken = new ArrayList<>(); // tasks woken by the item whose event comes next
            Map<Long, Waker> wokenBy = new java.util.HashMap<>(); // task -> what woke it for its next step
            long n = Math.min(b.count, b.start.length);
            long from = b.count - n;
            for (long k = from; k < b.count; k++) {
                int i = (int) k & (b.start.length - 1);
                double ts = (b.start[i] - origin) / 1e3;
                double dur = Math.max(0, (b.end[i] - b.start[i]) / 1e3);
                switch (b.kind[i]) {
                    case STEP -> {
                        long t = b.id[i];
                        Waker waker = wokenBy.remove(t);
                        String args = waker == null ? null : "{\"woken by\":" + quote(waker.label) + "}";
                        if (!lastEnd.containsKey(t)) {
                            first = meta(sb, first, pid, t, "thread_name", b.names.getOrDefault(t, "Task #" + t));
                        } else {
                            int prev = lastAwait.get(t);
                            if (b.awaits[prev] != AWAIT_NOTHING) {
                                double ws = (lastEnd.get(t) - origin) / 1e3;
                                first = slice(sb, first, pid, t, "await " + label(b, prev), "wait", ws, ts - ws, args);
                            }
                        }
                        first = slice(sb, first, pid, t, "step", "step", ts, dur, args);
                        if (waker != null) {
                            first = flow(sb, first, pid, waker, t, ts, k);
                        }
                        lastEnd.put(t, b.end[i]);
                        lastAwait.put(t, i);
                        woke(woken, wokenBy, new Waker("Task '" + b.names.getOrDefault(t, "#" + t) + "'", t, ts));
                    }
                    case CALLBACK -> {
                        String name = Describe.handleOrCallback(b.callback[i]);
                        first = slice(sb, first, pid, 0, name, "callback", ts, dur, null);
                        woke(woken, wokenBy, new Waker(b.callback[i] instanceof TimerHandle h
                                ? "timer (" + Describe.callback(h.callbackObject()) + ")" : name, 0, ts));
                    }
                    case WAKE -> woken.add(b.id[i]);
                    default -> {
                        sb.append(first ? "" : ",").append(String.format(Locale.ROOT,
                                "{\"name\":\"cancel requested\",\"cat\":\"cancel\",\"ph\":\"i\",\"s\":\"t\","
                                        + "\"ts\":%.3f,\"pid\":%d,\"tid\":%d}", ts, pid, b.id[i]));
                        first = false;
                    }
                }
            }
        }
        return sb.append("]}").toString();
    }

    /** What made a task runnable: a step (tid = its task) or a callback (tid 0), and when it started. */
    private record Waker(String label, long tid, double ts) {
    }

    /** The item just exported is the waker of the tasks woken while it ran. */
    private static void woke(List<Long> woken, Map<Long, Waker> wokenBy, Waker waker) {
        for (long t : woken) {
            wokenBy.put(t, waker);
        }
        woken.clear();
    }

    /** A flow arrow (Chrome trace flow events) from the waker's slice to the woken step. */
    private static boolean flow(StringBuilder sb, boolean first, int pid, Waker waker, long tid, double ts, long id) {
        sb.append(first ? "" : ",").append(String.format(Locale.ROOT,
                "{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"s\",\"id\":%d,\"ts\":%.3f,\"pid\":%d,\"tid\":%d},"
                        + "{\"name\":\"wake\",\"cat\":\"wake\",\"ph\":\"f\",\"bp\":\"e\",\"id\":%d,\"ts\":%.3f,"
                        + "\"pid\":%d,\"tid\":%d}",
                id, waker.ts, pid, waker.tid, id, ts, pid, tid));
        return false;
    }

    private static String label(Buffer b, int step) {
        return switch (b.awaits[step]) {
            case AWAIT_PARK -> "(sleep, lock, queue or other park)";
            case AWAIT_TASK -> "Task '" + b.names.getOrDefault(b.awaitArg[step], "#" + b.awaitArg[step]) + "'";
            case AWAIT_GATHER -> "gather of " + b.awaitArg[step];
            default -> "Future";
        };
    }

    private static boolean meta(StringBuilder sb, boolean first, int pid, long tid, String what, String name) {
        sb.append(first ? "" : ",").append("{\"name\":\"").append(what).append("\",\"ph\":\"M\",\"pid\":").append(pid)
                .append(",\"tid\":").append(tid).append(",\"args\":{\"name\":").append(quote(name)).append("}}");
        return false;
    }

    private static boolean slice(StringBuilder sb, boolean first, int pid, long tid, String name, String cat, double ts,
                                 double dur, String args) {
        sb.append(first ? "" : ",").append("{\"name\":").append(quote(name)).append(",\"cat\":\"").append(cat)
                .append("\",\"ph\":\"X\",\"ts\":").append(String.format(Locale.ROOT, "%.3f", ts)).append(",\"dur\":")
                .append(String.format(Locale.ROOT, "%.3f", dur)).append(",\"pid\":").append(pid).append(",\"tid\":")
                .append(tid);
        if (args != null) {
            sb.append(",\"args\":").append(args);
        }
        sb.append('}');
        return false;
    }

    private static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
