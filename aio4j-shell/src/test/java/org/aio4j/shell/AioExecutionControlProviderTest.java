package org.aio4j.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import org.aio4j.EventLoop;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The {@code aio4j} execution engine through the JShell API, without the tool. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AioExecutionControlProviderTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void clearProbe() {
        ShellProbe.reset();
    }

    private JShell jshell() throws Exception {
        String testClasses = ShellSession.testClasses();
        JShell js = JShell.builder()
                .executionEngine(AioExecutionControlProvider.NAME)
                .err(new PrintStream(err, true, StandardCharsets.UTF_8))
                .compilerOptions("--class-path", System.getProperty("java.class.path") + java.io.File.pathSeparator
                        + testClasses)
                .remoteVMOptions("--class-path", testClasses)
                .build();
        eval(js, "import static org.aio4j.Aio.*;");
        eval(js, "import org.aio4j.*;");
        return js;
    }

    private static SnippetEvent eval(JShell js, String source) {
        List<SnippetEvent> events = js.eval(source);
        assertThat(events).as("events of %s", source).isNotEmpty();
        SnippetEvent last = events.get(events.size() - 1);
        assertThat(js.diagnostics(last.snippet()).toList()).as("diagnostics of %s", source).isEmpty();
        return last;
    }

    @Test
    void snippetsRunAsTasksOfARunningLoop() throws Exception {
        try (JShell js = jshell()) {
            assertThat(eval(js, "sleep(0.05, 42)").value()).isEqualTo("42");
            assertThat(eval(js, "currentTask() != null && runningLoop().isRunning()").value()).isEqualTo("true");
        }
    }

    @Test
    void aFailedSnippetIsAnEvalExceptionOfTheOriginalClass() throws Exception {
        try (JShell js = jshell()) {
            SnippetEvent e = eval(js, "if (true) { sleep(0.01); throw new IllegalStateException(\"no\"); }");
            assertThat(e.exception()).isInstanceOf(EvalException.class).hasMessage("no");
            assertThat(((EvalException) e.exception()).getExceptionClassName())
                    .isEqualTo("java.lang.IllegalStateException");
        }
    }

    @Test
    void stopCancelsTheRunningSnippetsTask() throws Exception {
        try (JShell js = jshell()) {
            CompletableFuture<SnippetEvent> running = CompletableFuture.supplyAsync(() -> eval(js,
                    "try { org.aio4j.shell.ShellProbe.signal(\"running\"); sleep(60); }"
                    + " catch (CancelledError e) { org.aio4j.shell.ShellProbe.signal(e.getMessage()); throw e; }"));
            assertThat(ShellProbe.awaitSignal(30)).isEqualTo("running");
            js.stop();
            SnippetEvent e = running.get(30, TimeUnit.SECONDS);
            assertThat(e.exception()).isNull(); // a stopped snippet: JShell reports no exception
            assertThat(ShellProbe.awaitSignal(5)).isEqualTo(AioExecutionControl.CANCEL_MESSAGE);
            assertThat(err.toString(StandardCharsets.UTF_8)).contains(AioExecutionControl.CANCELLED_NOTICE);
            assertThat(eval(js, "sleep(0.01, \"still here\")").value()).isEqualTo("\"still here\"");
        }
    }

    @Test
    void stopBetweenSnippetsDoesNothing() throws Exception {
        try (JShell js = jshell()) {
            js.stop();
            assertThat(eval(js, "sleep(0.01, 1)").value()).isEqualTo("1");
            assertThat(err.toString(StandardCharsets.UTF_8)).doesNotContain("Cancelled");
        }
    }

    @Test
    void closingTheJShellClosesItsLoop() throws Exception {
        JShell js = jshell();
        eval(js, "org.aio4j.shell.ShellProbe.keep(runningLoop())");
        EventLoop loop = (EventLoop) ShellProbe.awaitKept(5);
        js.close();
        assertThat(loop.isClosed()).isTrue();
    }

    @Test
    void variablesAreReadOnTheLoopThread() throws Exception {
        try (JShell js = jshell()) {
            eval(js, "String where() { return Thread.currentThread().getName() + \"/\" + (currentTask() != null); }");
            eval(js, "class Probe { public String toString() { return String.valueOf(EventLoop.current().isPresent()); } }");
            eval(js, "var probe = new Probe();");
            String value = js.varValue(js.variables().filter(v -> v.name().equals("probe")).findFirst().orElseThrow());
            assertThat(value).isEqualTo("true");
        }
    }
}
