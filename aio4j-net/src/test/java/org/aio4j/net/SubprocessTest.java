package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.b;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.aio4j.test.OpenDescriptors;

/**
 * {@link Subprocesses} and {@link Subprocess} with real child processes ({@code true}, {@code cat},
 * {@code sh -c}, {@code head -c}, {@code sleep}): pipes both ways, large outputs, exit statuses,
 * signals, broken pipes, cancellation, descriptors, and both ways of driving the pipes.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessTest {
    static final int MIB = 1024 * 1024;

    /**
     * One round trip in each mode before any descriptor is counted: the threaded fallback's pumps do
     * blocking pipe I/O on virtual threads, which makes the JDK open its poller's epoll descriptors
     * (once per process, kept for its life).
     */
    @BeforeAll
    static void warmUp() {
        for (ProcessSpawner.PipeMode mode : ProcessSpawner.PipeMode.values()) {
            use(mode);
            run(() -> {
                Subprocess p = exec(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
                Aio.timeout(PATIENCE, () -> p.communicate(b("warm\n")));
            });
        }
        use(ProcessSpawner.PipeMode.SELECTOR);
    }

    @AfterEach
    void backToTheDefaultMode() {
        ProcessSpawner.forceThreads = false;
    }

    static void use(ProcessSpawner.PipeMode mode) {
        ProcessSpawner.forceThreads = mode == ProcessSpawner.PipeMode.THREADS;
    }

    static Subprocess exec(List<String> cmd, Redirect in, Redirect out, Redirect err) throws java.io.IOException {
        return Subprocesses.createSubprocessExec(cmd, in, out, err);
    }

    static Subprocess sh(String cmd, Redirect in, Redirect out, Redirect err) throws java.io.IOException {
        return Subprocesses.createSubprocessShell(cmd, in, out, err);
    }

    static boolean gone(long pid) {
        // reaped: no /proc entry (a zombie keeps one, in state Z)
        return !Files.exists(Path.of("/proc/" + pid));
    }

    // ================================================================ how the pipes are driven

    @Test
    void onLinuxThePipesAreOnTheLoopsSelector() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
        run(() -> {
            Subprocess p = exec(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            assertThat(p.pipeMode()).isEqualTo(ProcessSpawner.PipeMode.SELECTOR);
            assertThat(p.stdin().getExtraInfo("pipe")).isInstanceOf(java.nio.channels.Pipe.SinkChannel.class);
            p.stdin().close();
            assertThat(Aio.timeout(PATIENCE, p::waitFor)).isZero();
        });
    }

    @Test
    void onLinuxNoThreadIsUsedForThePipes() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
        java.util.concurrent.atomic.AtomicInteger submitted = new java.util.concurrent.atomic.AtomicInteger();
        run(() -> {
            Aio.runningLoop().setDefaultExecutor(work -> {
                submitted.incrementAndGet();
                Thread.ofVirtual().start(work);
            });
            Subprocess p = sh("head -c 1000000 /dev/zero; cat", Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);
            ProcessOutput out = Aio.timeout(PATIENCE, () -> p.communicate(new byte[1_000_000]));
            assertThat(out.stdout()).hasSize(2_000_000);
        });
        assertThat(submitted).as("work handed to the default executor").hasValue(0);
    }

    @Test
    void loopsOnSeveralThreadsSpawnAtOnceAndEveryPipeIsTheirOwn() throws Exception {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self/fd")), "Linux only");
        int threads = 4;
        int each = 10;
        List<Thread> started = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Throwable> failures = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int t = 0; t < threads; t++) {
            String tag = "loop" + t;
            started.add(Thread.ofPlatform().start(() -> {
                try {
                    run(() -> {
                        for (int i = 0; i < each; i++) {
                            Subprocess p = exec(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
                            String line = tag + " " + i + "\n";
                            ProcessOutput out = Aio.timeout(PATIENCE, () -> p.communicate(b(line)));
                            assertThat(s(out.stdout())).isEqualTo(line);
                            assertThat(p.pipeMode()).isEqualTo(ProcessSpawner.PipeMode.SELECTOR);
                        }
                    });
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        for (Thread t : started) {
            t.join();
        }
        assertThat(failures).isEmpty();
        assertThat(ProcessSpawner.mode()).as("no fallback was needed").isEqualTo(ProcessSpawner.PipeMode.SELECTOR);
    }

    @Test
    void theThreadedFallbackCanBeForced() {
        use(ProcessSpawner.PipeMode.THREADS);
        run(() -> {
            Subprocess p = exec(List.of("true"), Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);
            assertThat(p.pipeMode()).isEqualTo(ProcessSpawner.PipeMode.THREADS);
            assertThat(Aio.timeout(PATIENCE, p::waitFor)).isZero();
        });
    }

    // ================================================================ basics, in both modes

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void catEchoesALineBackAndExitsAfterStdinCloses(ProcessSpawner.PipeMode mode) {
        use(mode);
        int before = OpenDescriptors.now();
        run(() -> {
            Subprocess p = exec(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            assertThat(p.returncode()).isNull();
            assertThat(p.pid()).isPositive();
            p.stdin().write(b("hello\n"));
            p.stdin().drain();
            assertThat(s(Aio.timeout(PATIENCE, p.stdout()::readline))).isEqualTo("hello\n");
            p.stdin().close();
            Aio.timeout(PATIENCE, p.stdin()::waitClosed);
            assertThat(Aio.timeout(PATIENCE, () -> p.stdout().read(-1))).isEmpty();
            assertThat(Aio.timeout(PATIENCE, p::waitFor)).isZero();
            assertThat(p.returncode()).isZero();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void communicateDoesNotDeadlockOnOutputsFarLargerThanThePipeBuffer(ProcessSpawner.PipeMode mode) {
        use(mode);
        int before = OpenDescriptors.now();
        run(() -> {
            Subprocess p = sh("head -c 10485760 /dev/zero; head -c 3145728 /dev/zero >&2", Redirect.DEVNULL,
                    Redirect.PIPE, Redirect.PIPE);
            ProcessOutput out = Aio.timeout(PATIENCE * 3, () -> p.communicate());
            assertThat(out.stdout()).hasSize(10 * MIB);
            assertThat(out.stderr()).hasSize(3 * MIB);
            assertThat(out.returncode()).isZero();
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void communicateFeedsLargeInputWhileReadingLargeOutput(ProcessSpawner.PipeMode mode) {
        use(mode);
        byte[] input = new byte[8 * MIB];
        for (int i = 0; i < input.length; i++) {
            input[i] = (byte) (i * 31 + (i >>> 13));
        }
        run(() -> {
            Subprocess p = exec(List.of("cat"), Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            ProcessOutput out = Aio.timeout(PATIENCE * 3, () -> p.communicate(input));
            assertThat(Arrays.equals(out.stdout(), input)).as("cat's output equals its input").isTrue();
            assertThat(out.stderr()).isNull();
            assertThat(out.returncode()).isZero();
        });
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void aChildKilledMidWriteSurfacesAsABrokenPipeOnDrain(ProcessSpawner.PipeMode mode) {
        use(mode);
        int before = OpenDescriptors.now();
        run(() -> {
            Subprocess p = exec(List.of("sleep", "30"), Redirect.PIPE, Redirect.DEVNULL, Redirect.INHERIT);
            Task<Void> writer = Aio.createTask(Aio.async(() -> {
                byte[] chunk = new byte[256 * 1024];
                while (true) {
                    p.stdin().write(chunk);
                    p.stdin().drain(); // sleep never reads: this waits once the pipe is full
                }
            }));
            Aio.sleep(0.2);
            assertThat(writer.done()).isFalse();
            p.kill();
            assertThatThrownBy(() -> Aio.timeout(PATIENCE, () -> Aio.await(writer)))
                    .isInstanceOf(ConnectionResetError.class)
                    .hasRootCauseInstanceOf(java.io.IOException.class)
                    .satisfies(e -> assertThat(e.getCause()).isNotNull()
                            .hasMessageContaining("stdin pipe of process " + p.pid())
                            .hasMessageContaining("closed its end of the pipe or exited"));
            assertThat(Aio.timeout(PATIENCE, p::waitFor)).isEqualTo(128 + 9);
        });
        OpenDescriptors.assertNoLeak(before);
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void communicateIgnoresAChildThatExitsWithoutReadingItsInput(ProcessSpawner.PipeMode mode) {
        use(mode);
        run(() -> {
            Subprocess p = sh("echo bye; exit 3", Redirect.PIPE, Redirect.PIPE, Redirect.INHERIT);
            ProcessOutput out = Aio.timeout(PATIENCE, () -> p.communicate(new byte[4 * MIB]));
            assertThat(s(out.stdout())).isEqualTo("bye\n");
            assertThat(out.returncode()).isEqualTo(3);
        });
    }

    // ================================================================ wait() semantics

    @Test
    void waitForWithAFullUnreadPipeWaitsLikeAsyncioUntilSomebodyReads() {
        run(() -> {
            Subprocess p = exec(List.of("head", "-c", "10485760", "/dev/zero"), Redirect.DEVNULL, Redirect.PIPE,
                    Redirect.INHERIT);
            // asyncio's documented deadlock: the child blocks on its full stdout, so it never exits
            assertThatThrownBy(() -> Aio.timeout(1.0, p::waitFor)).isInstanceOf(TimeoutError.class);
            assertThat(p.returncode()).isNull();
            assertThat(Aio.timeout(PATIENCE, () -> p.stdout().read(-1))).hasSize(10 * MIB);
            assertThat(Aio.timeout(PATIENCE, p::waitFor)).isZero();
        });
    }

    @Test
    void waitForWaitsForTheExitNotForAGrandchildHoldingStdout() {
        run(() -> {
            Subprocess p = sh("sleep 3 & echo started", Redirect.DEVNULL, Redirect.PIPE, Redirect.INHERIT);
            assertThat(Aio.timeout(2.5, p::waitFor)).isZero();
            assertThat(s(Aio.timeout(PATIENCE, p.stdout()::readline))).isEqualTo("started\n");
            assertThat(p.stdout().atEof()).isFalse(); // sleep still holds the pipe
            assertThat(Aio.timeout(PATIENCE, () -> p.stdout().read(-1))).isEmpty();
        });
    }

    @Test
    void cancellingATaskWaitingForTheExitLeavesNoZombie() {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc")), "needs /proc");
        run(() -> {
            Subprocess p = exec(List.of("sleep", "1"), Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT);
            Task<Integer> waiter = Aio.createTask(Aio.async(p::waitFor));
            Aio.sleep(0.05);
            waiter.cancel();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
            assertThat(p.toHandle().isAlive()).as("the child runs on").isTrue();
            double end = Aio.runningLoop().time() + PATIENCE;
            while ((p.returncode() == null || !gone(p.pid())) && Aio.runningLoop().time() < end) {
                Aio.sleep(0.05);
            }
            assertThat(p.returncode()).isZero();
            assertThat(gone(p.pid())).as("process %d reaped (no /proc entry, so no zombie)", p.pid()).isTrue();
        });
    }

    @Test
    void exitStatusesAndSignals() {
        run(() -> {
            assertThat(Aio.timeout(PATIENCE, exec(List.of("true"), Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT)::waitFor)).isZero();
            assertThat(Aio.timeout(PATIENCE, sh("exit 7", Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT)::waitFor)).isEqualTo(7);
            Subprocess t = exec(List.of("sleep", "30"), Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT);
            t.terminate();
            assertThat(Aio.timeout(PATIENCE, t::waitFor)).isEqualTo(128 + 15);
            t.kill(); // after the exit: nothing
            t.sendSignal(9);
            Subprocess k = exec(List.of("sleep", "30"), Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT);
            k.kill();
            assertThat(Aio.timeout(PATIENCE, k::waitFor)).isEqualTo(128 + 9);
            Subprocess i = exec(List.of("sleep", "30"), Redirect.DEVNULL, Redirect.DEVNULL, Redirect.INHERIT);
            i.sendSignal(10); // USR1 (not INT, which a shell's background job inherits ignored) goes through kill
            assertThat(Aio.timeout(PATIENCE, i::waitFor)).isEqualTo(128 + 10);
            assertThatThrownBy(() -> i.sendSignal(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1..64");
        });
    }

    // ================================================================ redirects and options

    @Test
    void stderrToStdoutDevnullAndInherit() {
        run(() -> {
            Subprocess m = sh("echo out; echo err >&2", Redirect.DEVNULL, Redirect.PIPE, Redirect.STDOUT);
            assertThat(m.stderr()).isNull();
            ProcessOutput o = Aio.timeout(PATIENCE, () -> m.communicate());
            assertThat(s(o.stdout())).isEqualTo("out\nerr\n");
            assertThat(o.stderr()).isNull();

            Subprocess d = exec(List.of("cat"), Redirect.DEVNULL, Redirect.PIPE, Redirect.DEVNULL);
            assertThat(d.stdin()).isNull();
            assertThat(Aio.timeout(PATIENCE, () -> d.communicate()).stdout()).isEmpty();

            Subprocess e = sh("echo only-err >&2", Redirect.INHERIT, Redirect.DEVNULL, Redirect.PIPE);
            assertThat(e.stdout()).isNull();
            assertThat(s(Aio.timeout(PATIENCE, () -> e.communicate()).stderr())).isEqualTo("only-err\n");
            assertThatThrownBy(() -> e.communicate(b("x"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stdin to be Redirect.PIPE");
        });
    }

    @Test
    void cwdEnvAndLimitOptions(@TempDir Path dir) {
        run(() -> {
            SubprocessOptions opts = SubprocessOptions.DEFAULT.withCwd(dir)
                    .withEnv(Map.of("GREETING", "hello there, world", "PATH", System.getenv("PATH")))
                    .withLimit(10);
            Subprocess p = Subprocesses.createSubprocessShell("echo \"$GREETING\"; pwd", Redirect.DEVNULL, Redirect.PIPE,
                    Redirect.INHERIT, opts);
            assertThat(p.stdout().limit()).isEqualTo(10);
            assertThatThrownBy(() -> Aio.timeout(PATIENCE, p.stdout()::readline)).isInstanceOf(LimitOverrunError.class);
            ProcessOutput out = Aio.timeout(PATIENCE, () -> p.communicate());
            assertThat(s(out.stdout())).endsWith(dir.toRealPath() + "\n");
        });
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingStarts() {
        run(() -> {
            assertThatThrownBy(() -> exec(List.of(), Redirect.PIPE, Redirect.PIPE, Redirect.PIPE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
            assertThatThrownBy(() -> exec(List.of("true"), Redirect.STDOUT, Redirect.PIPE, Redirect.PIPE))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only for stderr");
        });
        assertThatThrownBy(() -> Subprocesses.createSubprocessExec("true"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("inside a coroutine");
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void aMissingProgramIsNamedAndNothingLeaks(ProcessSpawner.PipeMode mode) {
        use(mode);
        int before = OpenDescriptors.now();
        run(() -> assertThatThrownBy(() -> exec(List.of("no-such-program-aio4j"), Redirect.PIPE, Redirect.PIPE, Redirect.PIPE))
                .isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("\"no-such-program-aio4j\""));
        OpenDescriptors.assertNoLeak(before);
    }

    // ================================================================ the loop closing first

    @Test
    void aChildStillRunningWhenTheLoopClosesRunsOnAndItsPipesCloseWhenItExits() throws Exception {
        int before = OpenDescriptors.now();
        long[] pid = new long[1];
        run(() -> {
            Subprocess p = exec(List.of("sh", "-c", "sleep 1; echo late"), Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);
            pid[0] = p.pid();
        });
        ProcessHandle h = ProcessHandle.of(pid[0]).orElseThrow();
        assertThat(h.isAlive()).as("not killed when the loop closed").isTrue();
        h.onExit().get((long) PATIENCE, TimeUnit.SECONDS);
        OpenDescriptors.assertNoLeak(before);
    }
}
