package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C in {@link Aio#run} (asyncio 3.11's Runner): a child JVM runs {@link Child} and this test
 * sends it SIGINT, so this JVM never sees the signal. The child runs in the strand mode this JVM runs in.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class RunnerSigintTest {

    /** The child program; its first argument says what the main task does when cancelled. */
    public static final class Child {
        public static void main(String[] args) {
            if (intIgnoredAtStartup()) {
                System.out.println("SKIP SIGINT was ignored when this JVM started (a background job or nohup):"
                        + " the JVM keeps it ignored");
                System.exit(3);
            }
            String mode = args[0];
            try {
                Object r = Aio.run(Aio.async(() -> {
                    System.out.println("ready");
                    try {
                        Aio.sleep(60);
                        return "slept";
                    } catch (CancelledError e) {
                        System.out.println("main task cancelled");
                        if (mode.equals("swallow")) {
                            return "swallowed";
                        }
                        if (mode.equals("slow-cleanup")) {
                            System.out.println("cleaning up");
                            try {
                                Aio.sleep(60);              // the second Ctrl-C does not wait for this
                            } finally {
                                System.out.println("cleanup cancelled by close");
                            }
                        }
                        throw e;
                    }
                }));
                System.out.println("returned " + r);
            } catch (KeyboardInterrupt e) {
                System.out.println("KeyboardInterrupt: " + e.getMessage() + " (cause "
                        + (e.getCause() == null ? "none" : e.getCause().getClass().getSimpleName()) + ")");
                System.out.println("default handler back: " + defaultHandlerBack());
                System.exit(KeyboardInterrupt.EXIT_STATUS);
            }
            System.out.println("default handler back: " + defaultHandlerBack());
        }

        /**
         * The handler INT has now (sun.misc.Signal can only read it by replacing it). The probe is a
         * Java handler, never SIG_IGN: the JVM refuses to install a handler over an ignored INT, so
         * an INT ignored for a moment would stay ignored.
         */
        private static SignalHandler currentIntHandler() {
            Signal s = new Signal("INT");
            SignalHandler prev = Signal.handle(s, sig -> { });
            if (prev != SignalHandler.SIG_IGN) {
                Signal.handle(s, prev);
            }
            return prev;
        }

        private static boolean intIgnoredAtStartup() {
            return currentIntHandler() == SignalHandler.SIG_IGN;
        }

        private static boolean defaultHandlerBack() {
            return SigintWatch.isJdkDefault(currentIntHandler());
        }
    }

    /** A running child and its output lines. */
    private static final class Run {
        final Process process;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        final List<String> all = new ArrayList<>();

        Run(String mode) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
                cmd.add("--add-opens");
                cmd.add("java.base/java.lang=ALL-UNNAMED");
            }
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Child.class.getName(), mode));
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        lines.add(line);
                    }
                } catch (IOException ignored) {
                    // the child is gone
                }
            });
        }

        /** Waits for a line starting with {@code prefix}; skips the test if the child says it cannot run. */
        String await(String prefix) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < end) {
                String l = lines.poll(100, TimeUnit.MILLISECONDS);
                if (l == null) {
                    continue;
                }
                all.add(l);
                if (l.startsWith("SKIP ")) {
                    process.destroyForcibly();
                    Assumptions.abort("skipped: the child JVM says " + l.substring(5));
                }
                if (l.startsWith(prefix)) {
                    return l;
                }
            }
            process.destroyForcibly();
            throw new AssertionError("no line starting with '" + prefix + "' from the child; it printed " + all);
        }

        void sigint() throws IOException, InterruptedException {
            Process k = new ProcessBuilder("kill", "-s", "INT", Long.toString(process.pid())).inheritIO().start();
            assertThat(k.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(k.exitValue()).isZero();
        }

        int exit() throws InterruptedException {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("child exited; it printed %s", all).isTrue();
            String l;
            while ((l = lines.poll(200, TimeUnit.MILLISECONDS)) != null) {
                all.add(l);
            }
            return process.exitValue();
        }
    }

    @Test
    void theFirstCtrlCCancelsTheMainTaskAndRunThrowsKeyboardInterrupt() throws Exception {
        Run child = new Run("plain");
        child.await("ready");
        child.sigint();
        child.await("main task cancelled");
        assertThat(child.await("KeyboardInterrupt")).contains("cancelled the main task").contains("(cause CancelledError)");
        assertThat(child.await("default handler back")).endsWith("true");
        assertThat(child.exit()).isEqualTo(130);
    }

    @Test
    void aMainTaskThatSwallowsTheCancellationReturnsNormally() throws Exception {
        Run child = new Run("swallow");
        child.await("ready");
        child.sigint();
        child.await("main task cancelled");
        child.await("returned swallowed");
        assertThat(child.await("default handler back")).endsWith("true");
        assertThat(child.exit()).isZero();
    }

    @Test
    void aSecondCtrlCStopsAtOnceWithoutWaitingForTheMainTasksCleanup() throws Exception {
        Run child = new Run("slow-cleanup");
        child.await("ready");
        child.sigint();
        child.await("cleaning up");
        long start = System.nanoTime();
        child.sigint();
        assertThat(child.await("KeyboardInterrupt")).contains("second Ctrl-C").contains("(cause none)");
        assertThat(child.exit()).isEqualTo(130);
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).isLessThan(20);
        assertThat(child.all).contains("cleanup cancelled by close");   // close() cancelled what was left
        assertThat(child.all.indexOf("cleanup cancelled by close"))
                .isLessThan(child.all.indexOf(child.all.stream().filter(l -> l.startsWith("KeyboardInterrupt")).findFirst().orElseThrow()));
    }
}
