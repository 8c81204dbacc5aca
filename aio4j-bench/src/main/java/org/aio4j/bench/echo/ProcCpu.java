package org.aio4j.bench.echo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU time a process has used so far, read from Linux's {@code /proc/<pid>/stat} (fields 14
 * and 15, utime and stime: all threads of the process, in clock ticks).
 *
 * <p>Resolution is one clock tick ({@code getconf CLK_TCK}, 100 on Linux nearly always, i.e.
 * 10 ms): over a window of seconds the error is well under a percent of a busy server.
 */
final class ProcCpu {
    /** Clock ticks per second, from {@code getconf CLK_TCK}; 100 if that cannot run. */
    static final double TICKS_PER_SECOND = clockTicks();

    private final Path stat;

    /** User and system CPU seconds of a process at one moment. */
    record Times(double userSeconds, double systemSeconds) {
        double totalSeconds() {
            return userSeconds + systemSeconds;
        }
    }

    ProcCpu(long pid) {
        this.stat = Path.of("/proc", Long.toString(pid), "stat");
    }

    /**
     * Reads the process's times now.
     *
     * @throws UncheckedIOException if the process has gone or /proc cannot be read
     */
    Times read() {
        String s;
        try {
            s = Files.readString(stat, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stat + " (has the process exited?)", e);
        }
        // "pid (comm) state ppid ...": comm may contain spaces and parentheses, so split after the last ')'
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state); utime is field 14, stime field 15
        return new Times(Long.parseLong(f[11]) / TICKS_PER_SECOND, Long.parseLong(f[12]) / TICKS_PER_SECOND);
    }

    /**
     * The whole machine's CPU time so far, from {@code /proc/stat}'s {@code cpu} line: busy (user,
     * nice, system, irq, softirq; not idle or iowait) and steal (time the hypervisor gave to other
     * guests while this one wanted to run), in seconds summed over the cores; zeros without /proc.
     */
    static Times machine() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"), StandardCharsets.US_ASCII)) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.substring(4).trim().split("\\s+");
                    long busy = Long.parseLong(f[0]) + Long.parseLong(f[1]) + Long.parseLong(f[2])
                            + Long.parseLong(f[5]) + Long.parseLong(f[6]);
                    long steal = f.length > 7 ? Long.parseLong(f[7]) : 0;
                    return new Times(busy / TICKS_PER_SECOND, steal / TICKS_PER_SECOND); // (busy, steal)
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no machine figures
        }
        return new Times(0, 0);
    }

    private static double clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
            if (p.waitFor() == 0) {
                return Double.parseDouble(out);
            }
        } catch (IOException | NumberFormatException e) {
            // fall through to Linux's usual value
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
