package org.aio4j;

/**
 * The execution context of one task: a virtual thread plus the hand-over protocol with the loop.
 * This is the one small internal interface DESIGN.md section 1 asks for: a different suspension
 * mechanism (a public custom-scheduler API in a later JDK, or {@code jdk.internal.vm.Continuation})
 * replaces the two subclasses and {@link Strands}, nothing else.
 *
 * Protocol (loop thread = the loop's platform thread or a strand of the loop carried by it):
 *  - start(): makes the first step runnable, at the tail of the ready queue (FIFO with callSoon);
 *  - wake(front): makes a suspended strand runnable again (tail, or head for eager start);
 *    called only from the loop thread; a wake that arrives while the strand is still running
 *    (it completed a future it is about to wait for) is remembered and turns the next suspend
 *    into a plain yield, so the strand still lets the ready callbacks before it run first;
 *  - suspend(): called on the strand; returns after a matching wake();
 *  - yieldOnce(): called on the strand; goes to the back of the ready queue (sleep(0)).
 *
 * The strand is also its virtual thread's uncaught-exception handler. That is how
 * {@link #current()} finds the running task from {@link Thread#currentThread()} with two field
 * reads and no per-thread map or ThreadLocal (which would cost ~150 bytes per task); nothing can
 * escape the task body, so the handler only ever reports a bug.
 */
abstract sealed class Strand implements Runnable, Thread.UncaughtExceptionHandler
        permits Strands.LoopScheduled, Strands.Portable {

    final Task<?> task;
    final EventLoop loop;
    Thread thread;
    /** Left the loop inside a blocking JDK call instead of at an await (loop thread only). */
    boolean blockedInJdk;

    Strand(Task<?> task) {
        this.task = task;
        this.loop = task.loop;
    }

    /** The strand running on this thread, or {@code null} outside any coroutine. */
    static Strand current() {
        Thread t = Thread.currentThread();
        return t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s ? s : null;
    }

    /** The body of the virtual thread. */
    @Override
    public final void run() {
        try {
            task.runBody();
        } finally {
            finished();
        }
    }

    abstract void start();

    abstract void wake(boolean front);

    abstract void suspend();

    abstract void yieldOnce();

    /** Called on the strand after the body ended. */
    void finished() {
    }

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        loop.callSoonThreadsafe(() -> loop.callExceptionHandler(new ExceptionContext(
                "internal error: an exception escaped the body of task '" + task.getName() + "'", e,
                task, null, task.getName())));
    }

    /** The stack of the strand's thread, for debug reports. */
    StackTraceElement[] stack() {
        return thread == null ? new StackTraceElement[0] : thread.getStackTrace();
    }
}
