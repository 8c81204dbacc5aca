package org.aio4j.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.aio4j.Aio;
import org.aio4j.StrandMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./aio4j ps PID} and {@code pstree PID} against the real demo running in a second JVM: the
 * tool (aio4j-shell's LoopsTool, which the script runs) is started as the script starts it, while
 * the queue-workers demo runs.
 */
@Timeout(value = 90, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DemoPsTest {

    private static List<String> java(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
            cmd.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String tool(String what, long pid) throws Exception {
        Process p = new ProcessBuilder(java("org.aio4j.shell.LoopsTool", what, String.valueOf(pid)))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }

    @Test
    void psAndPstreeShowTheRunningDemosTasksAndWhatEachWaitsFor() throws Exception {
        Process demo = new ProcessBuilder(java(Main.class.getName(), "demo", "queue-workers", "task-group"))
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(demo.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.contains("producer waits to put")) {
                // the demo's first lines
            }
            assertThat(line).as("the queue-workers demo started").isNotNull();
            Thread drain = Thread.ofPlatform().daemon().start(() -> out.lines().forEach(l -> { }));
            String ps = tool("ps", demo.pid());
            String pstree = tool("pstree", demo.pid());
            assertThat(ps).as("ps of the demo").contains("loop thread").contains("worker 1").contains("worker 2")
                    .contains("worker 3").containsPattern("waiting +(put|join)\\(\\) on Queue\\[maxsize=3").containsPattern("worker 1 +waiting +sleep\\(\\)");
            assertThat(pstree).as("pstree of the demo").contains("loop on thread 'main'")
                    .contains("└── Task(name='worker 1', state=pending)").containsPattern("on Queue\\[maxsize=3");
            drain.interrupt();
        } finally {
            demo.destroyForcibly().waitFor();
        }
    }
}
