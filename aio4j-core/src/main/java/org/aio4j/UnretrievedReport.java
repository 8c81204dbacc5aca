package org.aio4j;

import java.lang.ref.Cleaner;

/**
 * Reports a failed future whose exception nobody retrieved (asyncio's {@code _log_traceback} and
 * "Task exception was never retrieved"), when the future is garbage-collected or its loop closes,
 * whichever comes first.
 *
 * Registered only when a future fails, so the common path pays nothing. The report must not refer
 * to the future (that would keep it alive), so it keeps the exception and a description.
 */
final class UnretrievedReport implements Runnable {

    private final EventLoop loop;
    private final Throwable exception;
    private final String message;
    private final String taskName;
    private volatile boolean settled;
    private Cleaner.Cleanable cleanable;

    private UnretrievedReport(EventLoop loop, Throwable exception, String message, String taskName) {
        this.loop = loop;
        this.exception = exception;
        this.message = message;
        this.taskName = taskName;
    }

    static UnretrievedReport track(Future<?> future, Throwable exception) {
        String taskName = future instanceof Task<?> t ? t.getName() : null;
        String message = taskName != null
                ? "Task exception was never retrieved (task '" + taskName + "')"
                : "Future exception was never retrieved";
        UnretrievedReport r = new UnretrievedReport(future.loop, exception, message, taskName);
        r.cleanable = GcReports.CLEANER.register(future, r);
        future.loop.unretrieved().add(r);
        return r;
    }

    /** The exception was looked at: nothing to report. */
    void retrieved() {
        settled = true;
        loop.unretrieved().remove(this);
        cleanable.clean();
    }

    /** Runs on the cleaner thread when the future was collected, or on the loop thread at close. */
    @Override
    public void run() {
        if (settled) {
            return;
        }
        settled = true;
        loop.unretrieved().remove(this);
        loop.reportFromAnyThread(new ExceptionContext(message, exception, null, null, taskName));
    }

    /** Reports now (the loop is closing) and unregisters from the cleaner. */
    void reportAtClose() {
        cleanable.clean();
    }
}
