package org.aio4j.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Measures the memory that a batch of parked tasks keeps alive: take a {@link #baseline()}, park the
 * tasks, then ask for {@link #perTask(int)}.
 *
 * <p>Meant for a fresh JVM that does nothing else (BenchMain runs each figure-5 measurement in its
 * own child process): both readings are process-wide.
 */
final class MemoryProbe {
    /*
     * Live heap: the used heap right after System.gc(), which on G1 (and every other collector of
     * the JDK, unless -XX:+DisableExplicitGC) is a full, stop-the-world collection, so what remains
     * is what is reachable. It is read through the MemoryMXBean, which sums all heap pools.
     *
     * RSS: VmRSS of /proc/self/status. It also counts what the JVM keeps beyond the live set (heap
     * regions committed to hold the garbage of the spawn, GC data structures, code), so it is the
     * number to compare with CPython, whose memory is all "RSS". Callers allocate their
     * task-holding array before the baseline, so that only the tasks themselves are counted.
     */

    private final long heapBytes;
    private final long rssBytes;

    private MemoryProbe(long heapBytes, long rssBytes) {
        this.heapBytes = heapBytes;
        this.rssBytes = rssBytes;
    }

    /** Collects garbage and records the live heap and the RSS before the tasks are created. */
    static MemoryProbe baseline() {
        return new MemoryProbe(liveHeapBytes(), rssBytes());
    }

    /** Collects garbage and returns the growth since the baseline, divided by {@code tasks}. */
    TaskMemory perTask(int tasks) {
        long heap = liveHeapBytes();
        long rss = rssBytes();
        return new TaskMemory((heap - heapBytes) / (double) tasks, (rss - rssBytes) / (double) tasks);
    }

    /** Used heap after full collections (two: the first may leave finalizable or soft garbage). */
    static long liveHeapBytes() {
        System.gc();
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** This process's resident set size, from the {@code VmRSS} line of /proc/self/status. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    // "VmRSS:    123456 kB"
                    String[] fields = line.trim().split("\\s+");
                    return Long.parseLong(fields[1]) * 1024;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/self/status (Linux only)", e);
        }
        throw new IllegalStateException("no VmRSS line in /proc/self/status");
    }
}
