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
 * its callbacks (timers, I/O readiness, {@code callSoon}); cancellation requests as marks. Exported
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
 * <p>One timeline records at a time; it keeps the last {@code capacity} events of each loop (a
 * ring). Recording costs each loop step two clock reads and a few stores; when no timeline
 * records, one field read per step. Methods are safe from any thread; export after {@link #stop()}
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
    private final Map<LoopWatch, Buffer> buffers = new ConcurrentHashMap<>();
    private final List<Buffer> order = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stopped;

    private Timeline(int capacity) {
        this.capacity = capacity;
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

    /** One loop's ring of events. */
    private static final class Buffer {
        final String loop;
        final long[] start;
        final long[] end;
        final byte[] kind;
        final Object[] subject; // the task (STEP, CANCEL) or the callback's description (CALLBACK)
        final Object[] after;   // STEP: what the task awaits after it (a Future), or null if done/ready
        long count;

        Buffer(String loop, int capacity) {
            this.loop = loop;
            start = new long[capacity];
            end = new long[capacity];
            kind = new byte[capacity];
            subject = new Object[capacity];
            after = new Object[capacity];
        }

        void add(byte k, long s, long e, Object what, Object then) {
            int i = (int) (count % start.length);
            start[i] = s;
            end[i] = e;
            kind[i] = k;
            subject[i] = what;
            after[i] = then;
            count++;
        }
    }

    private Buffer buffer(LoopWatch w) {
        Buffer b = buffers.get(w);
        if (b == null) {
            Thread t = Thread.currentThread();
            b = new Buffer(t.getName() + " #" + (order.size() + 1), capacity);
            buffers.put(w, b);
            order.add(b);
        }
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
            Object then = task.done() ? null : task.waitingOn();
            if (then == null && !task.done() && task.awaitTarget != null) {
                then = task.awaitTarget;
            }
            b.add(STEP, startNanos, endNanos, task, then);
        } else {
            b.add(CALLBACK, startNanos, endNanos, item instanceof Handle h ? h.toString() : Describe.callback(item), null);
        }
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
                t.buffer(w).add(CANCEL, now, now, task, null);
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
            first = meta(sb, first, pid, 0, "process_name", "loop " + b.loop);
            first = meta(sb, first, pid, 0, "thread_name", "callbacks");
            Map<Task<?>, long[]> lastEnd = new LinkedHashMap<>(); // task -> {end of its last step}
            Map<Task<?>, Object> lastAwait = new LinkedHashMap<>();
            long n = Math.min(b.count, b.start.length);
            long from = b.count - n;
            for (long k = from; k < b.count; k++) {
                int i = (int) (k % b.start.length);
                double ts = (b.start[i] - origin) / 1e3;
                double dur = Math.max(0, (b.end[i] - b.start[i]) / 1e3);
                switch (b.kind[i]) {
                    case STEP -> {
                        Task<?> t = (Task<?>) b.subject[i];
                        if (!lastEnd.containsKey(t)) {
                            first = meta(sb, first, pid, t.seq(), "thread_name", t.getName());
                        } else if (lastAwait.get(t) != null) {
                            double ws = (lastEnd.get(t)[0] - origin) / 1e3;
                            first = slice(sb, first, pid, t.seq(), "await " + label(lastAwait.get(t)), "wait", ws, ts - ws);
                        }
                        first = slice(sb, first, pid, t.seq(), "step", "step", ts, dur);
                        lastEnd.put(t, new long[] {b.end[i]});
                        lastAwait.put(t, b.after[i]);
                    }
                    case CALLBACK -> first = slice(sb, first, pid, 0, String.valueOf(b.subject[i]), "callback", ts, dur);
                    default -> {
                        Task<?> t = (Task<?>) b.subject[i];
                        sb.append(first ? "" : ",").append(String.format(Locale.ROOT,
                                "{\"name\":\"cancel requested\",\"cat\":\"cancel\",\"ph\":\"i\",\"s\":\"t\","
                                        + "\"ts\":%.3f,\"pid\":%d,\"tid\":%d}", ts, pid, t.seq()));
                        first = false;
                    }
                }
            }
        }
        return sb.append("]}").toString();
    }

    private static String label(Object awaited) {
        if (awaited instanceof ParkFuture<?>) {
            return "(sleep, lock, queue or other park)";
        }
        if (awaited instanceof Task<?> t) {
            return "Task '" + t.getName() + "'";
        }
        if (awaited instanceof GatheringFuture<?> g) {
            return "gather of " + g.children().size();
        }
        return "Future";
    }

    private static boolean meta(StringBuilder sb, boolean first, int pid, long tid, String what, String name) {
        sb.append(first ? "" : ",").append("{\"name\":\"").append(what).append("\",\"ph\":\"M\",\"pid\":").append(pid)
                .append(",\"tid\":").append(tid).append(",\"args\":{\"name\":").append(quote(name)).append("}}");
        return false;
    }

    private static boolean slice(StringBuilder sb, boolean first, int pid, long tid, String name, String cat, double ts,
                                 double dur) {
        sb.append(first ? "" : ",").append("{\"name\":").append(quote(name)).append(",\"cat\":\"").append(cat)
                .append("\",\"ph\":\"X\",\"ts\":").append(String.format(Locale.ROOT, "%.3f", ts)).append(",\"dur\":")
                .append(String.format(Locale.ROOT, "%.3f", dur)).append(",\"pid\":").append(pid).append(",\"tid\":")
                .append(tid).append('}');
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
