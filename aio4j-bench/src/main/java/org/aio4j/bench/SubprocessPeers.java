package org.aio4j.bench;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.aio4j.Aio;
import org.aio4j.net.Redirect;
import org.aio4j.net.Subprocess;
import org.aio4j.net.Subprocesses;

/**
 * Figure 11's scenarios for the JVM variants, run in a child JVM: aio4j's {@link Subprocesses} and
 * plain {@link ProcessBuilder} on one virtual thread. Each returns microseconds per process.
 */
final class SubprocessPeers {
    /*
     * The scenarios, the same for every variant (asyncio_bench.py has the CPython ones):
     *  - spawn: start `true` (stdin and stdout the null device, stderr inherited) and wait for its
     *    exit, one process after the other;
     *  - cat: start `cat` with stdin and stdout piped, write "hello\n", read the line back (checked),
     *    close stdin, wait for the exit; one after the other.
     * One measurement is `count` processes in a row inside one Aio.run (aio4j) or one virtual
     * thread (vthreads): sequential, so the figure is the latency of one spawn, not a throughput.
     * The threads-fallback column is aio4j again in a JVM started with
     * -Daio4j.subprocess.threadPipes=true (its pipes pumped by default-executor threads).
     */

    private static final byte[] HELLO = "hello\n".getBytes(US_ASCII);

    private SubprocessPeers() {}

    /** Both scenarios for {@code variant} ("aio4j" or "vthreads"): key to microseconds per process. */
    static Map<String, Double> measure(String variant, Plan plan) {
        int count = plan.count(Workload.SUBPROCESS_COUNT);
        boolean aio4j = switch (variant) {
            case "aio4j" -> true;
            case "vthreads" -> false;
            default -> throw new IllegalArgumentException("subprocess has no " + variant + " variant");
        };
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("subprocess-spawn", Samples.medianOf(plan,
                () -> timed(() -> { if (aio4j) aio4jSpawn(count); else threadSpawn(count); }) / 1e3 / count));
        out.put("subprocess-cat", Samples.medianOf(plan,
                () -> timed(() -> { if (aio4j) aio4jCat(count); else threadCat(count); }) / 1e3 / count));
        return out;
    }

    private static void aio4jSpawn(int count) {
        Aio.run(Aio.async(() -> {
            for (int i = 0; i < count; i++) {
                Subprocess p = Subprocesses.createSubprocessExec(List.of("true"), Redirect.DEVNULL, Redirect.DEVNULL,
                        Redirect.INHERIT);
                check(p.waitFor() == 0, "true exited with " + p.returncode());
            }
        }));
    }

    private static void aio4jCat(int count) {
        Aio.run(Aio.async(() -> {
            for (int i = 0; i < count; i++) {
                Subprocess p = Subprocesses.createSubprocessExec(List.of("cat"), Redirect.PIPE, Redirect.PIPE,
                        Redirect.INHERIT);
                p.stdin().write(HELLO);
                p.stdin().drain();
                byte[] line = p.stdout().readline();
                check(Arrays.equals(line, HELLO), "cat echoed " + new String(line, US_ASCII));
                p.stdin().close();
                check(p.waitFor() == 0, "cat exited with " + p.returncode());
            }
        }));
    }

    private static void threadSpawn(int count) {
        onVirtualThread(() -> {
            for (int i = 0; i < count; i++) {
                Process p = new ProcessBuilder("true")
                        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT)
                        .start();
                check(p.waitFor() == 0, "true exited with " + p.exitValue());
            }
        });
    }

    private static void threadCat(int count) {
        onVirtualThread(() -> {
            for (int i = 0; i < count; i++) {
                Process p = new ProcessBuilder("cat").redirectError(ProcessBuilder.Redirect.INHERIT).start();
                OutputStream in = p.getOutputStream();
                in.write(HELLO);
                in.flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), US_ASCII));
                String line = out.readLine();
                check("hello".equals(line), "cat echoed " + line);
                in.close();
                check(p.waitFor() == 0, "cat exited with " + p.exitValue());
                out.close();
            }
        });
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void onVirtualThread(Body body) {
        Throwable[] failure = new Throwable[1];
        Thread t = Thread.ofVirtual().start(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure[0] = e;
            }
        });
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        if (failure[0] != null) {
            throw new IllegalStateException("the virtual-thread peer failed: " + failure[0], failure[0]);
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("subprocess check failed: " + what);
        }
    }

    private static double timed(Runnable scenario) {
        long start = System.nanoTime();
        scenario.run();
        return Samples.since(start);
    }
}
