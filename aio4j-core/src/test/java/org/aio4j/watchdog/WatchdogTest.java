package org.aio4j.watchdog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.StrandMode;
import org.aio4j.Task;
import org.aio4j.Watchdog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The always-on {@link Watchdog}: a stuck step is reported while it runs, with the live stack of the
 * slow code, and its recovery after; lag and a growing ready queue are reported; short steps and a
 * disabled watchdog report nothing. Real time (the watchdog measures real time); both strand modes.
 * In a package of its own: the watchdog names the first frame outside org.aio4j.
 */
@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class WatchdogTest {
    private final Logger logger = Logger.getLogger("org.aio4j.watchdog");
    private final List<LogRecord> reports = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            reports.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private boolean parents;
    private double threshold;

    @BeforeEach
    void capture() {
        threshold = Watchdog.threshold();
        parents = logger.getUseParentHandlers();
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(capture);
        Watchdog.setEnabled(true);
        Watchdog.setThreshold(0.05);
    }

    @AfterEach
    void restore() {
        Watchdog.setThreshold(threshold);
        Watchdog.setEnabled(true);
        logger.removeHandler(capture);
        logger.setUseParentHandlers(parents);
    }

    private List<String> messages() {
        return reports.stream().map(LogRecord::getMessage).toList();
    }

    /** Spins until the watchdog has reported (or 5 s passed); true if it reported while this ran. */
    private boolean spinUntilReported() {
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) {
            if (!reports.isEmpty()) {
                return true;
            }
            Thread.onSpinWait();
        }
        return false;
    }

    private static void spin(long nanos) {
        long end = System.nanoTime() + nanos;
        while (System.nanoTime() < end) {
            Thread.onSpinWait();
        }
    }

    private static boolean hasFrame(LogRecord r, String method) {
        return r.getThrown() != null && Arrays.stream(r.getThrown().getStackTrace())
                .anyMatch(e -> e.getClassName().equals(WatchdogTest.class.getName()) && e.getMethodName().equals(method));
    }

    private void awaitReports(int n) {
        long end = System.nanoTime() + 5_000_000_000L;
        while (reports.size() < n && System.nanoTime() < end) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    @Test
    void aBusyTaskIsReportedWhileItStillRunsWithTheLiveStackOfTheBusyCode() {
        boolean reportedWhileRunning = Aio.run(Aio.async(() -> {
            Task<Boolean> busy = Aio.createTask(Aio.async(this::spinUntilReported), "cruncher");
            return Aio.await(busy);
        }));
        assertThat(reportedWhileRunning).isTrue();
        LogRecord first = reports.get(0);
        assertThat(first.getMessage()).contains("has been running a step of").contains("cruncher")
                .contains("still runs").contains("now at " + WatchdogTest.class.getName() + ".spinUntilReported")
                .contains("Aio.toThread");
        assertThat(hasFrame(first, "spinUntilReported")).as("the live stack is the busy code's").isTrue();
        awaitReports(2);
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("runs again").contains("held it for about"));
    }

    @Test
    void aCallbackBlockedInThreadSleepIsReportedWithTheLoopThreadsStack() {
        Aio.run(Aio.async(() -> {
            Future<Void> done = Aio.runningLoop().createFuture();
            Aio.runningLoop().callSoon(() -> {
                sleepInACallback();
                done.setResult(null);
            });
            Aio.await(done);
        }));
        assertThat(reports).isNotEmpty();
        LogRecord first = reports.get(0);
        assertThat(first.getMessage()).contains("has been running the callback").contains("still runs");
        assertThat(hasFrame(first, "sleepInACallback")).isTrue();
        assertThat(Arrays.stream(first.getThrown().getStackTrace()))
                .anyMatch(e -> e.getClassName().equals(Thread.class.getName()) && e.getMethodName().startsWith("sleep"));
    }

    private void sleepInACallback() {
        try {
            Thread.sleep(400);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void threadSleepInATaskHoldsTheLoopAndIsReportedOnlyInPortableMode() throws Exception {
        Aio.run(Aio.async(() -> {
            Aio.await(Aio.createTask(Aio.async(() -> Thread.sleep(400)), "sleeper"));
        }));
        if (Aio.strandMode() == StrandMode.PORTABLE) {
            assertThat(messages()).anySatisfy(m -> assertThat(m).contains("sleeper").contains("still runs"));
        } else {
            Thread.sleep(100); // a late report would show up meanwhile
            assertThat(messages()).as("the task parks: the loop is free").noneSatisfy(m -> assertThat(m).contains("sleeper"));
        }
    }

    @Test
    void stepsShorterThanTheThresholdAreNotReported() throws Exception {
        Watchdog.setThreshold(0.5);
        Aio.run(Aio.async(() -> {
            for (int i = 0; i < 10; i++) {
                spin(20_000_000);
                Aio.sleep(0);
            }
        }));
        Thread.sleep(150);
        assertThat(messages()).isEmpty();
    }

    @Test
    void aDisabledWatchdogReportsNothing() throws Exception {
        Watchdog.setEnabled(false);
        assertThat(Watchdog.isEnabled()).isFalse();
        Aio.run(Aio.async(() -> spin(300_000_000)));
        Thread.sleep(100);
        assertThat(messages()).isEmpty();
    }

    @Test
    void timersFiringLateBehindManyShortStepsAreReportedAsLag() {
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            loop.callLater(0.01, () -> { });
            for (int i = 0; i < 150; i++) {
                loop.callSoon(() -> spin(3_000_000)); // 0.45 s of 3 ms steps, all ready before the timer
            }
            Aio.sleep(0.3); // wakes late, behind the burst
            Aio.sleep(0.1); // the watchdog samples the loop meanwhile
        }));
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("fire").contains("seconds late")
                .contains("more ready work than it can run"));
    }

    @Test
    void aReadyQueueThatGrowsBatchAfterBatchIsReported() throws Exception {
        AtomicBoolean producing = new AtomicBoolean(true);
        Aio.run(Aio.async(() -> {
            EventLoop loop = Aio.runningLoop();
            Thread producer = Thread.ofPlatform().start(() -> {
                long start = System.nanoTime();
                long sent = 0;
                while (System.nanoTime() - start < 1_700_000_000L) {
                    long due = (System.nanoTime() - start) / 250_000; // 4 per ms; each takes 1 ms to run
                    for (; sent < due; sent++) {
                        loop.callSoonThreadsafe(() -> {
                            if (producing.get()) {
                                spin(1_000_000);
                            }
                        });
                    }
                    LockSupport.parkNanos(200_000);
                }
                producing.set(false);
            });
            Aio.toThread(() -> {
                producer.join();
                return null;
            });
        }));
        assertThat(messages()).anySatisfy(m -> assertThat(m).contains("ready queue").contains("grown batch after batch")
                .contains("items"));
    }

    @Test
    void aThresholdBelowOneMillisecondIsRefusedWithWhatToDoInstead() {
        assertThatThrownBy(() -> Watchdog.setThreshold(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 0.001 seconds").hasMessageContaining("setEnabled(false)");
        assertThatThrownBy(() -> Watchdog.setThreshold(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
    }
}
