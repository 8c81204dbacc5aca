package org.aio4j.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.aio4j.Timeline;
import org.aio4j.sync.Event;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The scheduling timeline: what it records, its Chrome trace, and its HTML page in a real browser. */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class TimelineTest {

    /** Two workers that sleep three times each, and a sleeper that is cancelled. */
    private static void program() {
        Aio.run(Aio.async(() -> {
            Task<Void> w1 = Aio.createTask(Aio.async(() -> work(3)), "worker-1");
            Task<Void> w2 = Aio.createTask(Aio.async(() -> work(3)), "worker-2");
            Task<Void> doomed = Aio.createTask(Aio.async(() -> Aio.sleep(60)), "doomed");
            Aio.sleep(0.01);
            doomed.cancel();
            Aio.await(Aio.gather(true, w1, w2, doomed));
        }));
    }

    private static void work(int rounds) {
        for (int i = 0; i < rounds; i++) {
            Aio.sleep(0.005);
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    @Test
    void theChromeTraceHasALanePerTaskWithItsStepsItsWaitsAndTheCancellation() {
        Timeline timeline = Timeline.start();
        try {
            program();
        } finally {
            timeline.stop();
        }
        String trace = timeline.chromeTrace();
        assertThat(trace).startsWith("{\"displayTimeUnit\":\"ms\",\"traceEvents\":[").endsWith("]}")
                .contains("\"thread_name\",\"ph\":\"M\"").contains("\"args\":{\"name\":\"worker-1\"}")
                .contains("\"args\":{\"name\":\"worker-2\"}").contains("\"args\":{\"name\":\"doomed\"}")
                .contains("\"name\":\"await (sleep, lock, queue or other park)\",\"cat\":\"wait\"")
                .contains("\"name\":\"await gather of 3\"")
                .contains("\"name\":\"cancel requested\"")
                .contains("\"process_name\"");
        // each worker: a first step, three steps after its sleeps, so at least 4 steps and 3 waits
        assertThat(count(trace, "\"cat\":\"step\"")).isGreaterThanOrEqualTo(2 * 4 + 2);
        assertThat(count(trace, "\"cat\":\"wait\"")).isGreaterThanOrEqualTo(2 * 3);
        assertThat(timeline.size()).isPositive();
    }

    @Test
    void eachStepSaysWhatWokeItATaskStepATimerOrADoneCallbackWithAFlowArrowFromTheWaker() {
        Timeline timeline = Timeline.start();
        try {
            Aio.run(Aio.async(() -> {
                Event ready = Event.create();
                Task<Void> waiter = Aio.createTask(Aio.async(() -> {
                    ready.await();
                }), "waiter");
                Task<Void> setter = Aio.createTask(Aio.async(() -> {
                    Aio.sleep(0.005);
                    ready.set();
                }), "setter");
                Aio.await(Aio.gather(waiter, setter));
            }));
        } finally {
            timeline.stop();
        }
        String trace = timeline.chromeTrace();
        // the waiter's first step was started by main; its second by the setter's step that set the event
        assertThat(trace).containsPattern("\"tid\":\\d+,\"args\":\\{\"woken by\":\"Task 'Task-\\d+'\"").contains("\"woken by\":\"Task 'setter'\"")
                .contains("\"woken by\":\"timer (") // the setter's step after its sleep
                .contains("\"woken by\":\"DoneCallbackHandle["); // main after the gather
        Matcher wait = Pattern.compile("\\{\"name\":\"await [^}]*\"tid\":(\\d+),\"args\":\\{\"woken by\":\"Task 'setter'\"\\}")
                .matcher(trace);
        assertThat(wait.find()).as("the waiter's wait names the setter: %s", trace).isTrue();
        assertThat(count(trace, "\"ph\":\"s\"")).isEqualTo(count(trace, "\"ph\":\"f\"")).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aStoppedTimelineRecordsNothingMoreAndANewOneCanStart() {
        Timeline first = Timeline.start();
        program();
        first.stop();
        long size = first.size();
        program();
        assertThat(first.size()).isEqualTo(size);
        Timeline second = Timeline.start();
        second.stop();
        assertThat(second.size()).isZero();
    }

    @Test
    void theRingKeepsTheLastEventsOnly() {
        Timeline small = Timeline.start(16);
        try {
            program();
        } finally {
            small.stop();
        }
        assertThat(small.size()).isLessThanOrEqualTo(16 * 2); // at most one ring per loop: this program runs one
    }

    @Test
    void misuseIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> Timeline.start(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 16 events");
        Timeline t = Timeline.start();
        try {
            assertThatThrownBy(Timeline::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("stop() it before starting another");
        } finally {
            t.stop();
        }
    }

    /** Debian's chromium, headless: the page's script ran and drew the lanes. */
    @Test
    void theHtmlPageRendersOneLanePerTaskInAHeadlessBrowser(@TempDir Path dir) throws Exception {
        String browser = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome").stream()
                .filter(p -> new File(p).canExecute()).findFirst().orElse(null);
        Assumptions.assumeTrue(browser != null, "needs chromium (apt-get install chromium) to render the page");
        Timeline timeline = Timeline.start();
        try {
            program();
        } finally {
            timeline.stop();
        }
        Path page = dir.resolve("timeline.html");
        timeline.writeHtml(page);
        Process p = new ProcessBuilder(browser, "--headless", "--no-sandbox", "--disable-gpu",
                "--user-data-dir=" + dir.resolve("profile"), "--dump-dom", page.toUri().toString())
                .redirectError(dir.resolve("chromium.err").toFile()).start();
        String dom = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(dom).as("chromium's DOM; stderr: %s", Files.readString(dir.resolve("chromium.err")))
                .contains("data-lane=\"worker-1\"").contains("data-lane=\"worker-2\"").contains("data-lane=\"doomed\"")
                .contains("class=\"slice step\"").contains("class=\"slice wait\"").contains("data-woken-by=\"timer (").contains("class=\"slice cancel\"")
                .doesNotContain("(rendering...)");
        Matcher summary = Pattern.compile("<p id=\"summary\">(\\d+) lanes, (\\d+) steps").matcher(dom);
        assertThat(summary.find()).as("the summary line: %s", dom).isTrue();
        assertThat(Integer.parseInt(summary.group(1))).isGreaterThanOrEqualTo(5); // callbacks, main, 2 workers, doomed
    }
}
