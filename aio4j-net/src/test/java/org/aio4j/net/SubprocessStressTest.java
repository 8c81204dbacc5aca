package org.aio4j.net;

import static org.aio4j.net.StreamTesting.PATIENCE;
import static org.aio4j.net.StreamTesting.run;
import static org.aio4j.net.StreamTesting.s;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.aio4j.test.OpenDescriptors;

/**
 * Many children at once on one loop, each with all three pipes: every output arrives whole, every
 * child is reaped, no descriptor is left. Scaled by {@code -Daio4j.stress.scale}.
 */
@Tag("stress")
@Timeout(value = 300, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SubprocessStressTest {
    static final int SCALE = Integer.getInteger("aio4j.stress.scale", 1);

    @BeforeAll
    static void warmUp() {
        SubprocessTest.warmUp();
    }

    @ParameterizedTest
    @EnumSource(ProcessSpawner.PipeMode.class)
    void manyConcurrentChildrenWithAllPipes(ProcessSpawner.PipeMode mode) {
        SubprocessTest.use(mode);
        int children = 40 * SCALE;
        int before = OpenDescriptors.now();
        try {
            run(() -> {
                List<Task<Void>> tasks = new ArrayList<>();
                for (int i = 0; i < children; i++) {
                    int n = i;
                    tasks.add(Aio.createTask(Aio.async(() -> {
                        Subprocess p = Subprocesses.createSubprocessShell("cat; echo err" + n + " >&2",
                                Redirect.PIPE, Redirect.PIPE, Redirect.PIPE);
                        byte[] input = new byte[100_000 + n];
                        input[n] = 1;
                        ProcessOutput out = Aio.timeout(PATIENCE * 6, () -> p.communicate(input));
                        assertThat(out.stdout()).isEqualTo(input);
                        assertThat(s(out.stderr())).isEqualTo("err" + n + "\n");
                        assertThat(out.returncode()).isZero();
                    })));
                }
                for (Task<Void> t : tasks) {
                    Aio.await(t);
                }
            });
        } finally {
            SubprocessTest.use(ProcessSpawner.PipeMode.SELECTOR);
        }
        OpenDescriptors.assertNoLeak(before);
    }
}
