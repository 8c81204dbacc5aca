package org.aio4j;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * aio4j's JDK Flight Recorder events, so that JDK Mission Control and {@code jfr print} see tasks,
 * cancellations and stuck loop steps next to the JVM's own events:
 *
 * <ul>
 *   <li>{@code org.aio4j.TaskCreated} and {@code org.aio4j.TaskDone} (task id, name, and at the end
 *       its outcome), on the loop thread;</li>
 *   <li>{@code org.aio4j.CancelRequested} (task, message, with the stack of the code that
 *       cancelled);</li>
 *   <li>{@code org.aio4j.StuckStep}, a durational event from the {@link Watchdog}: it begins when the
 *       watchdog notices a step running longer than its threshold and ends when the step returns,
 *       with the loop's thread, the step and the frame it was stuck at.</li>
 * </ul>
 *
 * <p>Off unless a recording enables them ({@code -XX:StartFlightRecording}, {@code jcmd PID
 * JFR.start}); disabled, each costs an allocation the JIT removes and one flag check.
 */
final class JfrEvents {
    private JfrEvents() {
    }

    @Name("org.aio4j.TaskCreated")
    @Label("Task Created")
    @Category({"aio4j", "Tasks"})
    @Description("An aio4j task was created on an event loop")
    @StackTrace(false)
    static final class TaskCreated extends Event {
        @Label("Task Id")
        long taskId;
        @Label("Task Name")
        String name;
    }

    @Name("org.aio4j.TaskDone")
    @Label("Task Done")
    @Category({"aio4j", "Tasks"})
    @Description("An aio4j task ended: succeeded, failed or cancelled")
    @StackTrace(false)
    static final class TaskDone extends Event {
        @Label("Task Id")
        long taskId;
        @Label("Task Name")
        String name;
        @Label("Outcome")
        String outcome;
    }

    @Name("org.aio4j.CancelRequested")
    @Label("Cancel Requested")
    @Category({"aio4j", "Tasks"})
    @Description("Task.cancel() was called on a pending aio4j task; the stack is the caller's")
    static final class CancelRequested extends Event {
        @Label("Task Id")
        long taskId;
        @Label("Task Name")
        String name;
        @Label("Message")
        String message;
    }

    @Name("org.aio4j.StuckStep")
    @Label("Stuck Loop Step")
    @Category({"aio4j", "Event Loop"})
    @Description("A loop step ran longer than the watchdog's threshold; begins when the watchdog noticed it")
    @StackTrace(false)
    static final class StuckStep extends Event {
        @Label("Loop Thread")
        String loopThread;
        @Label("Step")
        String step;
        @Label("Stuck At")
        String at;
        @Label("Threshold")
        @Timespan(Timespan.NANOSECONDS)
        long thresholdNanos;
    }

    static void taskCreated(Task<?> t) {
        TaskCreated e = new TaskCreated();
        if (e.isEnabled()) {
            e.taskId = t.seq();
            e.name = t.getName();
            e.commit();
        }
    }

    static void taskDone(Task<?> t, String outcome) {
        TaskDone e = new TaskDone();
        if (e.isEnabled()) {
            e.taskId = t.seq();
            e.name = t.getName();
            e.outcome = outcome;
            e.commit();
        }
    }

    static void cancelRequested(Task<?> t, String message) {
        CancelRequested e = new CancelRequested();
        if (e.isEnabled()) {
            e.taskId = t.seq();
            e.name = t.getName();
            e.message = message;
            e.commit();
        }
    }

    /** A stuck step the watchdog just reported: the event, begun, to end at the recovery; null if disabled. */
    static StuckStep stuckBegins(String loopThread, String step, String at, long thresholdNanos) {
        StuckStep e = new StuckStep();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        e.loopThread = loopThread;
        e.step = step;
        e.at = at;
        e.thresholdNanos = thresholdNanos;
        return e;
    }

    static void stuckEnds(StuckStep e) {
        if (e != null) {
            e.end();
            e.commit();
        }
    }
}
