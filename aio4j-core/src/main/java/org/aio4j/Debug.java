package org.aio4j;

/**
 * Debug mode's process-wide default and its reports (slow steps, tasks parked inside blocking calls).
 * The switch itself is per loop ({@link EventLoop#setDebug}).
 */
final class Debug {
    private Debug() {
    }

    private static final System.Logger LOG = System.getLogger("org.aio4j");

    /** -Daio4j.debug=true or AIO4J_DEBUG (not "0"): read once, the environment does not change. */
    private static final boolean DEFAULT = readDefault();

    static boolean defaultEnabled() {
        return DEFAULT;
    }

    private static boolean readDefault() {
        if (Boolean.getBoolean("aio4j.debug")) {
            return true;
        }
        String env = System.getenv("AIO4J_DEBUG");
        return env != null && !env.isEmpty() && !env.equals("0");
    }

    /** Whether debug mode is on for the loop running here, or by default. */
    static boolean enabledHere() {
        if (DEFAULT) {
            return true;
        }
        EventLoop loop = EventLoop.currentOrNull();
        return loop != null && loop.isDebug();
    }

    /** A callback or task step ran longer than the loop's slow-callback duration. */
    static void reportSlow(Object item, long tookNanos) {
        String what;
        Throwable where = null;
        if (item instanceof Strand.Step step) {
            Strand s = step.strand();
            what = "step of " + s.task;
            StackTraceElement[] stack = s.stack();
            StackTraceElement at = Describe.userFrame(stack);
            if (at != null) {
                what += " (now at " + at + ")";
            }
            if (stack.length > 0) {
                where = new Throwable("where the task is now");
                where.setStackTrace(stack);
            }
        } else if (item instanceof Handle h) {
            what = h.toString();
        } else {
            what = Describe.callback(item);
        }
        String msg = String.format("Executing %s took %.3f seconds", what, tookNanos / 1e9);
        if (where != null) {
            LOG.log(System.Logger.Level.WARNING, msg, where);
        } else {
            LOG.log(System.Logger.Level.WARNING, msg);
        }
    }

    /** A task's code parked inside a blocking JDK call instead of at an await. */
    static void reportBlockingCall(Strand s) {
        Throwable where = new Throwable("parked here");
        where.setStackTrace(s.stack());
        LOG.log(System.Logger.Level.WARNING, "Task '" + s.task.getName() + "' parked inside a blocking call"
                + " instead of at an await. It no longer holds the loop (other tasks run meanwhile), but"
                + " the code around it does not suspend where it reads as if it does; use an async"
                + " equivalent or Aio.toThread(...)", where);
    }
}
