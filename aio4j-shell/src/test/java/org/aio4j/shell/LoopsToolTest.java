package org.aio4j.shell;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.StrandMode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./aio4j ps / pstree / loops PID} ({@link LoopsTool}) against a real second JVM running
 * {@link LoopsTarget}, through the attach API and the EventLoops MBean.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoopsToolTest {
    private static Process target;

    @BeforeAll
    static void startTarget() throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path") + java.io.File.pathSeparator
                + ShellSession.testClasses(), LoopsTarget.class.getName()));
        target = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(target.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null && !line.equals("READY")) {
            // the target's start-up output, if any
        }
        assertThat(line).as("the target printed READY").isEqualTo("READY");
    }

    @AfterAll
    static void stopTarget() throws Exception {
        if (target != null) {
            target.destroyForcibly().waitFor();
        }
    }

    private static String tool(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoopsTool.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as("exit status; stderr: %s", err).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void psListsEveryTaskOfTheOtherJvmWithWhatItAwaitsAndWhereItIs() {
        String ps = tool("ps", String.valueOf(target.pid()));
        assertThat(ps).contains("loop thread").contains("coordinator").contains("fetcher-1").contains("fetcher-2");
        assertThat(ps.lines().filter(l -> l.contains("coordinator")).findFirst().orElseThrow())
                .contains("waiting").contains("Task(name='fetcher-1'").contains("Task(name='fetcher-2'");
        assertThat(ps.lines().filter(l -> l.contains("fetcher-1 ")).findFirst().orElseThrow())
                .contains("Future(pending)").contains("LoopsTarget.fetch");
    }

    @Test
    void pstreeDrawsWhoAwaitsWhomAndReportsTheDeadlock() {
        String tree = tool("pstree", String.valueOf(target.pid()));
        assertThat(tree).contains("loop on thread 'main'")
                .contains("└── Task(name='coordinator', state=pending)")
                .contains("    └── Task(name='fetcher-1', state=pending) at org.aio4j.shell.LoopsTarget.fetch")
                .contains("deadlock: 'left' awaits 'right' awaits 'left'");
    }

    @Test
    void loopsSummarisesEachRunningLoop() {
        assertThat(tool("loops", String.valueOf(target.pid())))
                .contains("loop on thread 'main'").contains("steps").contains("tasks");
    }

    @Test
    void aBadCommandLineIsAUsageErrorThatSaysHowToFindAPid() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = LoopsTool.run(new String[] {"ps", "not-a-pid"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: ./aio4j ps PID").contains("jcmd -l");
    }
}
