package org.aio4j;

/** The loop's exception handling: the installed handler, and the default one that logs. */
final class LoopReports {
    private LoopReports() {
    }

    private static final System.Logger LOG = System.getLogger("org.aio4j");

    /** Calls {@code handler}, or the default if it is null or fails. */
    static void call(EventLoop loop, ExceptionHandler handler, ExceptionContext context) {
        ExceptionHandler h = handler;
        if (h == null) {
            logDefault(context);
            return;
        }
        try {
            h.handle(loop, context);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "Unhandled error in exception handler " + h
                    + " while handling: " + context.message(), e);
            logDefault(context);
        }
    }

    /** An ERROR on the {@code org.aio4j} logger, with the exception. */
    static void logDefault(ExceptionContext context) {
        StringBuilder sb = new StringBuilder(context.message());
        if (context.future() != null) {
            sb.append("\n  future: ").append(context.future());
        } else if (context.taskName() != null) {
            sb.append("\n  task: ").append(context.taskName());
        }
        if (context.handle() != null) {
            sb.append("\n  handle: ").append(context.handle());
        }
        if (context.exception() != null) {
            LOG.log(System.Logger.Level.ERROR, sb.toString(), context.exception());
        } else {
            LOG.log(System.Logger.Level.ERROR, sb.toString());
        }
    }

    /** From any thread (garbage collection reports): through the loop's handler while the loop is open. */
    static void fromAnyThread(EventLoop loop, ExceptionContext context) {
        if (loop.isClosed()) {
            logDefault(context);
        } else if (loop.isLoopThread()) {
            loop.callExceptionHandler(context);
        } else {
            try {
                loop.callSoonThreadsafe(() -> loop.callExceptionHandler(context));
            } catch (IllegalStateException closed) {
                logDefault(context);
            }
        }
    }

    /** The loop closes: failures nobody retrieved, then tasks still pending. */
    static void atClose(EventLoop loop, java.util.Set<UnretrievedReport> unretrieved, TaskRegistry tasks) {
        for (UnretrievedReport r : new java.util.ArrayList<>(unretrieved)) {
            r.reportAtClose();
        }
        tasks.forEach(t -> loop.callExceptionHandler(new ExceptionContext("Task was destroyed but it is pending!"
                + " (the loop closed while it was still running; cancel and await tasks before closing, as"
                + " Aio.run does)", null, t, null, t.getName())));
    }
}
