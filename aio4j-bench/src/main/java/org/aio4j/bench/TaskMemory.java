package org.aio4j.bench;

import java.util.List;

/**
 * Memory cost of one parked task (figure 5), as measured by {@link MemoryProbe}.
 *
 * @param heapBytesPerTask growth of the live heap (used heap after a full GC), per task
 * @param rssBytesPerTask growth of the process's resident set (VmRSS), per task
 */
public record TaskMemory(double heapBytesPerTask, double rssBytesPerTask) {
    /** The result lines a child JVM prints for the harness (see {@link BenchMain}). */
    String resultLines() {
        List<Figure.Metric> metrics = Figure.MEMORY.metrics();
        return metrics.get(0).resultLine(heapBytesPerTask) + System.lineSeparator()
                + metrics.get(1).resultLine(rssBytesPerTask);
    }
}
