package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Without {@code --add-opens java.base/java.lang=ALL-UNNAMED}, aio4j still works (PORTABLE strands)
 * and says so once, naming the flag. Runs a child JVM without the flag, whatever this one has.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class PortableModeWarningTest {

    /** The child: two runs of coroutines, then the mode it ran in. */
    public static final class Probe {
        public static void main(String[] args) {
            int a = Aio.run(Aio.async(() -> Aio.await(Aio.createTask(Aio.async(() -> Aio.sleep(0.01, 20))))));
            int b = Aio.run(Aio.async(() -> Aio.sleep(0.01, 22)));
            System.out.println("result=" + (a + b) + " mode=" + Aio.strandMode());
        }
    }

    @Test
    void withoutTheFlagTasksStillRunAndOneWarningNamesTheFlag() throws IOException, InterruptedException {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(List.of(javaBin, "-cp", System.getProperty("java.class.path"), Probe.class.getName()))
                .redirectErrorStream(false).start();
        assertThat(p.waitFor(50, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as("exit code; stderr:%n%s", err).isZero();
        assertThat(out).contains("result=42 mode=PORTABLE");
        String flag = "--add-opens java.base/java.lang=ALL-UNNAMED";
        assertThat(err.split(java.util.regex.Pattern.quote(flag), -1)).as("stderr:%n%s", err).hasSize(2);
        assertThat(err).contains("PORTABLE strand mode");
    }
}
