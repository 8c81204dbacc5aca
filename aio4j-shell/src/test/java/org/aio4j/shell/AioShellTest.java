package org.aio4j.shell;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.StrandMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The async shell driven by its input, in this JVM (so in this run's strand mode). Each test is one
 * session; what a snippet does is seen through the values the shell prints and through
 * {@link ShellProbe}.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class AioShellTest {

    @BeforeEach
    void clearProbe() {
        ShellProbe.reset();
    }

    @Test
    void topLevelAwaitsAndSleepsReturnTheirResults() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            String expected = System.getProperty("aio4j.test.expectedStrands");
            assertThat(s.output()).contains("strand mode " + (expected != null ? expected : Aio.strandMode()));
            assertThat(s.eval("sleep(0.1, 42)")).contains("==> 42");
            assertThat(s.eval("await(createTask(async(() -> sleep(0.1, 42))))")).contains("==> 42");
            assertThat(s.eval("await(gather(async(() -> sleep(0.05, 1)), async(() -> sleep(0.02, 2))))"))
                    .contains("==> [1, 2]");
            assertThat(s.eval("Aio.currentTask().getName()")).contains("==> \"statement-");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void aTaskCreatedByOneStatementRunsWhileTheNextOneAwaits() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("var go = Event.create()");
            s.eval("var seen = new ArrayList<String>()");
            s.eval("var bg = createTask(async(() -> { seen.add(\"started\"); go.await(); seen.add(\"went on\");"
                    + " return \"bg done\"; }))");
            // the task started while the shell waited at the prompt
            assertThat(s.eval("seen")).contains("==> [started]");
            // and goes on while this statement is suspended in sleep
            assertThat(s.eval("go.set(); sleep(0.05); seen")).contains("==> [started, went on]");
            assertThat(s.eval("await(bg)")).contains("==> \"bg done\"");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void backgroundTasksKeepRunningAtThePromptAndDuringTopLevelSleep() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("var ticks = new java.util.concurrent.atomic.AtomicInteger()");
            s.eval("var ticker = createTask(async(() -> { while (true) { sleep(0.01); ticks.incrementAndGet(); } }))");
            // during a top-level sleep: ~50 ticks in 0.5 s; at least 10, for a slow machine
            assertThat(value(s.eval("var before = ticks.get(); sleep(0.5); ticks.get() - before")))
                    .isGreaterThanOrEqualTo(10);
            // at the prompt: the shell waits for input, the loop does not
            int atPrompt = value(s.eval("ticks.get()"));
            Thread.sleep(500);
            assertThat(value(s.eval("ticks.get()"))).isGreaterThanOrEqualTo(atPrompt + 10);
            assertThat(s.eval("ticker.done()")).contains("==> false");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void anExceptionInAStatementIsPrintedAndTheSessionGoesOn() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            assertThat(s.eval("Integer.parseInt(\"x\")"))
                    .contains("Exception java.lang.NumberFormatException: For input string: \"x\"");
            assertThat(s.eval("if (true) { sleep(0.01); throw new IllegalStateException(\"after an await\"); }"))
                    .contains("Exception java.lang.IllegalStateException: after an await");
            assertThat(s.eval("1 + 1")).contains("==> 2");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void ctrlCCancelsTheRunningStatementsTaskNotTheSession() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("var log = new ArrayList<String>()");
            s.eval("var bg = createTask(async(() -> { sleep(60); return 1; }))");
            int from = s.send("try { org.aio4j.shell.ShellProbe.signal(\"running\"); sleep(60); }"
                    + " catch (CancelledError e) { log.add(e.getMessage()); throw e; }");
            assertThat(ShellProbe.awaitSignal(30)).isEqualTo("running");
            s.interrupt();
            assertThat(s.awaitPrompt(from)).contains(AioExecutionControl.CANCELLED_NOTICE);
            assertThat(s.eval("log")).contains("==> [" + AioExecutionControl.CANCEL_MESSAGE + "]");
            assertThat(s.eval("bg.done()")).contains("==> false");
            assertThat(s.eval("1 + 1")).contains("==> 2");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void ctrlCInterruptsABlockingCallInAStatementWhenTasksAreLoopScheduled() throws Exception {
        assumeTrue(Aio.strandMode() == StrandMode.LOOP_SCHEDULED,
                "PORTABLE mode: a blocking JDK call holds the loop and is not interrupted by cancel");
        try (ShellSession s = ShellSession.start()) {
            int from = s.send("if (true) { org.aio4j.shell.ShellProbe.signal(\"running\"); Thread.sleep(60_000); }");
            assertThat(ShellProbe.awaitSignal(30)).isEqualTo("running");
            s.interrupt();
            assertThat(s.awaitPrompt(from)).contains(AioExecutionControl.CANCELLED_NOTICE);
            assertThat(s.eval("1 + 1")).contains("==> 2");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void ctrlCBetweenStatementsChangesNothing() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("var bg = createTask(async(() -> { sleep(60); return 1; }))");
            s.interrupt(); // at the prompt: a character of the next line, not a stop
            assertThat(s.eval("bg.done()")).doesNotContain("Cancelled");
            assertThat(s.eval("bg.cancelled()")).contains("==> false");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void exitCancelsPendingTasksAndClosesTheLoop() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("org.aio4j.shell.ShellProbe.keep(runningLoop())");
            s.eval("var bg = createTask(async(() -> { try { sleep(60); } finally {"
                    + " org.aio4j.shell.ShellProbe.signal(\"bg ended: \" + currentTask().cancelling()); } }))");
            EventLoop loop = (EventLoop) ShellProbe.awaitKept(5);
            assertThat(s.exit()).isZero();
            assertThat(ShellProbe.awaitSignal(5)).isEqualTo("bg ended: 1");
            assertThat(loop.isClosed()).isTrue();
            assertThat(s.output()).contains("|  aio4j: closing the event loop: cancelling 1 pending task");
        }
    }

    @Test
    void endOfInputClosesTheLoopLikeExit() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("org.aio4j.shell.ShellProbe.keep(runningLoop())");
            EventLoop loop = (EventLoop) ShellProbe.awaitKept(5);
            assertThat(s.endInput()).isZero();
            assertThat(loop.isClosed()).isTrue();
        }
    }

    @Test
    void resetClosesTheLoopAndStartsANewOne() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("org.aio4j.shell.ShellProbe.keep(runningLoop())");
            EventLoop first = (EventLoop) ShellProbe.awaitKept(5);
            s.eval("/reset");
            assertThat(first.isClosed()).isTrue();
            s.eval("org.aio4j.shell.ShellProbe.keep(runningLoop())");
            EventLoop second = (EventLoop) ShellProbe.awaitKept(5);
            assertThat(second).isNotSameAs(first);
            assertThat(second.isClosed()).isFalse();
            assertThat(s.eval("sleep(0.01, \"after reset\")")).contains("==> \"after reset\"");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void errorsNobodyHandlesArePrintedToTheConsole() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            s.eval("runningLoop().callExceptionHandler(ExceptionContext.of(\"a report\", new RuntimeException(\"why\")))");
            assertThat(s.output()).contains("|  aio4j: a report").contains("java.lang.RuntimeException: why");
            // a failed background task nobody awaited is reported at the latest when the loop closes
            s.eval("if (true) { createTask(async(() -> { throw new IllegalStateException(\"bg boom\"); })); }");
            assertThat(s.exit()).isZero();
            assertThat(s.output()).contains("|  aio4j: Task exception was never retrieved")
                    .contains("java.lang.IllegalStateException: bg boom");
        }
    }

    @Test
    void theShellsImportsAreLoadedAndItsNamesMeanAio4js() throws Exception {
        try (ShellSession s = ShellSession.start()) {
            assertThat(s.eval("Queue<String> q = Queue.create(); q.getClass().getName()"))
                    .contains("==> \"org.aio4j.sync.Queue\"");
            assertThat(s.eval("Duration.ofMillis(5).toMillis() + List.of(1).size()")).contains("==> 6");
            assertThat(s.eval("Lock.create().locked()")).contains("==> false");
            assertThat(s.eval("Streams.class.getName()")).contains("==> \"org.aio4j.net.Streams\"");
            assertThat(s.exit()).isZero();
        }
    }

    @Test
    void refusesAnotherExecutionEngine() throws Exception {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int status = AioShell.run(java.io.InputStream.nullInputStream(), new java.io.PrintStream(err, true),
                new java.io.PrintStream(err, true), "--execution", "local");
        assertThat(status).isEqualTo(2);
        assertThat(err.toString()).contains("--execution is not allowed");
    }

    @Test
    void mainRunsAShellOnTheStandardStreamsOfItsOwnJvm(@TempDir Path tmp) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED"); // the flag ./aio4j passes; the same mode as this run
        }
        cmd.addAll(List.of("-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"), // not the user's jshell settings
                "-cp", codeSources(Aio.class, org.aio4j.net.Streams.class, AioShell.class),
                AioShell.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectError(tmp.resolve("err.txt").toFile()).start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(("sleep(0.1, 42)\n"
                    + "var bg = createTask(async(() -> sleep(60, 0)))\n").getBytes(StandardCharsets.UTF_8));
        } // end of input: the session ends
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the shell ended; output:%n%s", out).isTrue();
        String err = Files.readString(tmp.resolve("err.txt"));
        assertThat(p.exitValue()).as("exit status; output:%n%s%nerrors:%n%s", out, err).isZero();
        assertThat(out).contains("strand mode " + Aio.strandMode()).contains("$1 ==> 42");
        assertThat(err).contains("|  aio4j: closing the event loop: cancelling 1 pending task");
    }

    private static String codeSources(Class<?>... classes) throws Exception {
        List<String> paths = new ArrayList<>();
        for (Class<?> c : classes) {
            paths.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        return String.join(java.io.File.pathSeparator, paths);
    }

    private static int value(String evalOutput) {
        int at = evalOutput.lastIndexOf("==> ");
        assertThat(at).as("a value in: %s", evalOutput).isNotNegative();
        return Integer.parseInt(evalOutput.substring(at + 4).trim());
    }
}
