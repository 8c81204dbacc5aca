package org.aio4j.examples.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.KeyboardInterrupt;
import org.aio4j.StrandMode;
import org.aio4j.Task;
import org.aio4j.sync.Event;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The examples of docs/signals.md: real signals sent to this process ({@code kill -s NAME <pid>}),
 * and Ctrl-C (SIGINT) sent to a child JVM running the guide's {@code main}.
 */
@Tag("slow")
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SignalsGuideTest {

    static void kill(String signal, long pid) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("kill", "-s", signal, Long.toString(pid)).inheritIO().start();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isZero();
    }

    /** What the guide's server did, in order. */
    static final List<String> log = new CopyOnWriteArrayList<>();

    /** The guide's server loop: runs until SIGTERM, reloading on SIGUSR1. */
    static void serveUntilTerminated(Runnable ready) {
        EventLoop loop = Aio.runningLoop();
        Event stop = Event.create();
        loop.addSignalHandler("TERM", stop::set);                   // kill <pid>: stop cleanly
        loop.addSignalHandler("USR1", () -> log.add("reloaded"));   // kill -USR1 <pid>: reload
        ready.run();                                                // the handlers are in
        try {
            stop.await();                                           // ... serve until then
            log.add("stopped");
        } finally {
            loop.removeSignalHandler("TERM");                       // the JVM's own handler is back
            loop.removeSignalHandler("USR1");
        }
    }

    @Test
    void aServerReloadsOnUsr1AndStopsCleanlyOnTerm() {
        long me = ProcessHandle.current().pid();
        log.clear();
        Aio.run(Aio.async(() -> {
            Future<Void> ready = Aio.runningLoop().createFuture();
            Task<Void> server = Aio.createTask(Aio.async(() -> {
                try {
                    serveUntilTerminated(() -> ready.setResult(null));
                } catch (IllegalStateException ignoredAtStartup) {
                    ready.setException(ignoredAtStartup);
                }
            }));
            try {
                Aio.waitFor(ready, 10.0);
            } catch (IllegalStateException ignoredAtStartup) {
                Assumptions.abort("skipped: " + ignoredAtStartup.getMessage());
            }
            Aio.toThread(() -> {
                kill("USR1", me);
                return null;
            });
            Aio.timeout(10.0, () -> {
                while (!log.contains("reloaded")) {
                    Aio.sleep(0.01);
                }
            });
            Aio.toThread(() -> {
                kill("TERM", me);
                return null;
            });
            Aio.timeout(10.0, () -> Aio.await(server));
        }));
        assertThat(log).containsExactly("reloaded", "stopped");
    }

    @Test
    void reservedSignalsAreRefusedWithTheReason() {
        Aio.run(Aio.async(() -> assertThatThrownBy(() -> Aio.runningLoop().addSignalHandler("QUIT", () -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("thread dump")));
    }

    /** The guide's main: Ctrl-C cancels the work, the finally block runs, the program exits with 130. */
    public static final class Interruptible {
        static void work() {
            System.out.println("working");
            Aio.sleep(60);
        }

        public static void main(String[] args) {
            try {
                Aio.run(Aio.async(() -> {
                    try {
                        work();
                    } finally {
                        System.out.println("cleaned up");                  // runs: the task is cancelled
                    }
                }));
            } catch (KeyboardInterrupt e) {
                System.out.println("interrupted");
                System.exit(KeyboardInterrupt.EXIT_STATUS);                 // 130, what shells expect
            }
        }
    }

    @Test
    void ctrlCCancelsTheMainTaskRunsItsFinallyAndExitsWith130() throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Interruptible.class.getName()));
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start(); // stderr: the PORTABLE mode notice
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("working");
        kill("INT", child.pid());
        if (!child.waitFor(20, TimeUnit.SECONDS)) {
            child.destroyForcibly();
            // SIGINT ignored at the child's start (this build runs as a background job, say): the JVM keeps it ignored
            Assumptions.abort("skipped: the child JVM did not react to SIGINT; it was probably started with SIGINT ignored");
        }
        List<String> rest = out.lines().toList();
        assertThat(rest).containsExactly("cleaned up", "interrupted");
        assertThat(child.exitValue()).isEqualTo(KeyboardInterrupt.EXIT_STATUS);
    }
}
