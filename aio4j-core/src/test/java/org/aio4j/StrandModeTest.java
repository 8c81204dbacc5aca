package org.aio4j;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The build runs every test twice, once per strand mode (Surefire executions default-test and
 * portable-test); this proves that each execution really runs in the mode it claims.
 */
@Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StrandModeTest {

    @Test
    void strandModeIsTheOneThisTestExecutionExpects() {
        String expected = System.getProperty("aio4j.test.expectedStrands");
        assertThat(expected)
                .as("system property aio4j.test.expectedStrands (set by the Surefire executions of"
                        + " the parent pom.xml: LOOP_SCHEDULED or PORTABLE)")
                .isNotNull();
        assertThat(Aio.strandMode()).isEqualTo(StrandMode.valueOf(expected));
    }

    @Test
    void tasksRunOnVirtualThreadsInEveryMode() {
        Thread loopThread = Thread.currentThread();
        Thread taskThread = VirtualRun.run(() -> Thread.currentThread());
        assertThat(taskThread.isVirtual()).isTrue();
        assertThat(taskThread).isNotSameAs(loopThread);
    }
}
