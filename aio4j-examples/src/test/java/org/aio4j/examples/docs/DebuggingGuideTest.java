package org.aio4j.examples.docs;

import static org.aio4j.Aio.async;
import static org.aio4j.Aio.createTask;
import static org.aio4j.Aio.sleep;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.aio4j.Timeline;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Event;
import org.aio4j.sync.Lock;
import org.aio4j.test.AioTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The examples of docs/debugging.md: if they break, the guide is wrong. */
@SuppressWarnings("try") // try (Acquired held = ...) never reads held: it is there to be closed
class DebuggingGuideTest {

    @AioTest
    void twoTasksEachHoldingTheLockTheOtherWantsAreADeadlock() {
        Lock first = Lock.create();
        Lock second = Lock.create();
        Task<Void> a = createTask(async(() -> {
            try (Acquired one = first.acquire()) {
                sleep(0.1);
                try (Acquired two = second.acquire()) {
                    sleep(0);
                }
            }
        }), "a");
        Task<Void> b = createTask(async(() -> {
            try (Acquired two = second.acquire()) {
                sleep(0.1);
                try (Acquired one = first.acquire()) {
                    sleep(0);
                }
            }
        }), "b");
        sleep(1);
        List<List<Task<?>>> deadlocks = Aio.findDeadlocks();
        assertThat(deadlocks).hasSize(1);
        assertThat(deadlocks.get(0)).containsExactly(a, b);
        assertThat(Aio.formatCallGraph(a))
                .startsWith("* Task(name='a', state=pending) waiting for acquire() of Lock[locked, waiters:1]"
                        + " held by Task 'b'")
                .contains("* Task(name='b', state=pending) waiting for acquire() of Lock[locked, waiters:1]"
                        + " held by Task 'a'\n")
                .contains("held by Task 'b'  <- a cycle");
        a.cancel();
        b.cancel();
        Aio.await(Aio.gather(true, a, b));
    }

    @Test
    void theTimelineSaysWhatWokeEachStep(@TempDir Path dir) throws Exception {
        Timeline timeline = Timeline.start();
        try {
            Aio.run(async(() -> {
                Event ready = Event.create();
                Task<Void> waiter = createTask(async(() -> {
                    ready.await();
                }), "waiter");
                createTask(async(() -> {
                    sleep(0.01);
                    ready.set();
                }), "setter");
                Aio.await(waiter);
            }));
        } finally {
            timeline.stop();
        }
        timeline.writeHtml(dir.resolve("timeline.html"));
        timeline.writeChromeTrace(dir.resolve("timeline.json"));
        assertThat(Files.readString(dir.resolve("timeline.json"))).contains("\"woken by\":\"Task 'setter'\"");
        assertThat(Files.readString(dir.resolve("timeline.html"))).contains("woken by");
    }
}
