package org.aio4j.watchdog;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.aio4j.Watchdog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** aio4j's Flight Recorder events, read back from a real recording. */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class JfrEventsTest {

    @Test
    void aRecordingSeesTaskLifecyclesCancellationsWithTheCallersStackAndStuckSteps(@TempDir Path dir) throws Exception {
        double threshold = Watchdog.threshold();
        Path file = dir.resolve("aio4j.jfr");
        try (Recording r = new Recording()) {
            r.enable("org.aio4j.TaskCreated");
            r.enable("org.aio4j.TaskDone");
            r.enable("org.aio4j.CancelRequested").withStackTrace();
            r.enable("org.aio4j.StuckStep").withThreshold(Duration.ZERO);
            r.start();
            Watchdog.setThreshold(0.05);
            try {
                Aio.run(Aio.async(() -> {
                    Task<Void> sleeper = Aio.createTask(Aio.async(() -> Aio.sleep(60)), "jfr-sleeper");
                    Aio.sleep(0.01);
                    cancelIt(sleeper);
                    Aio.await(Aio.gather(true, sleeper));
                    Aio.await(Aio.createTask(Aio.async(() -> busyFor(300_000_000L)), "jfr-busy"));
                    Aio.sleep(0.05);
                }));
            } finally {
                Watchdog.setThreshold(threshold);
            }
            r.stop();
            r.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.aio4j.TaskCreated");
            assertThat(e.getString("name")).isEqualTo("jfr-sleeper");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.aio4j.TaskDone");
            assertThat(e.getString("name")).isEqualTo("jfr-sleeper");
            assertThat(e.getString("outcome")).isEqualTo("cancelled");
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.aio4j.CancelRequested");
            assertThat(e.getString("message")).isNull();
            assertThat(e.getStackTrace().getFrames()).anySatisfy(f -> assertThat(f.getMethod().getName()).isEqualTo("cancelIt"));
        });
        assertThat(events).anySatisfy(e -> {
            assertThat(e.getEventType().getName()).isEqualTo("org.aio4j.StuckStep");
            assertThat(e.getString("step")).contains("jfr-busy");
            assertThat(e.getString("at")).contains("busyFor");
            // from when the watchdog noticed to when it saw the recovery: its thread samples every
            // quarter threshold, later on a loaded machine, so only "some time" is certain
            assertThat(e.getDuration()).isPositive();
        });
    }

    private static void cancelIt(Task<?> t) {
        t.cancel();
    }

    private static void busyFor(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }
}
