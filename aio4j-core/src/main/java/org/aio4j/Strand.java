package org.aio4j;

/**
 * The strand SPI: how one task's code suspends and resumes. This is the one seam docs/architecture.md, "How a coroutine suspends"
 * asks for; a different suspension mechanism (a public custom-scheduler API in a later JDK, or
 * {@code jdk.internal.vm.Continuation}) is a new subclass in {@link Strands}, and nothing else
 * changes: the loop sees only {@link EventLoop#enqueue} of the strand's steps, {@link Task} sees
 * only the methods below.
 *
 * <h2>Protocol</h2>
 * Every method is called on the loop thread (a strand of the loop counts as the loop thread).
 * <ul>
 *   <li>{@link #start(boolean)}: makes the first step runnable, at the back of the ready queue (FIFO
 *       with callSoon), or runs it now until the task's first suspension (eager start);</li>
 *   <li>{@link #wake(boolean)}: makes a suspended strand runnable again (back, or head of the ready
 *       queue). A wake that arrives while the strand still runs (it completed a future it is about to
 *       wait for) is remembered: the next suspend becomes a plain yield, so the callbacks that were
 *       ready before the wake still run first;</li>
 *   <li>{@link #suspend()}: called on the strand; returns after a matching wake;</li>
 *   <li>{@link #yieldOnce()}: called on the strand; goes to the back of the ready queue (sleep(0));</li>
 *   <li>{@link #interruptIfBlocked()}: cancellation of a task whose code is parked inside a blocking
 *       JDK call rather than at an await (the strand detects that itself, and counts it as work
 *       outside the loop so virtual time does not jump past it).</li>
 * </ul>
 *
 * <p>The strand is also its virtual thread's uncaught-exception handler. That is how
 * {@link #current()} finds the running task from {@link Thread#currentThread()} with two field
 * reads and no ThreadLocal (which would cost ~150 bytes per task); nothing can escape the task body,
 * so the handler only ever reports a bug.
 */
abstract sealed class Strand implements Thread.UncaughtExceptionHandler
        permits Strands.LoopScheduled, Strands.Portable {

    /** A step the loop runs for a strand: lets reports name the task behind a ready-queue item. */
    interface Step extends Runnable {
        Strand strand();
    }

    final Task<?> task;
    /** The strand's virtual thread, once started (PORTABLE: the thread that holds the baton). */
    Thread thread;
    /** The async generators running on this strand (null until the task first runs one). */
    private GeneratorFrames generators;

    /**
     * What an async generator needs of the strand it runs on; a separate object because most tasks
     * never run one, and a parked task should cost as few bytes as possible.
     */
    static final class GeneratorFrames {
        /** The innermost async generator whose body runs on this strand now, or null. */
        AsyncGenCore<?> running;
        /** The innermost async generator continuation mounted on this strand (LOOP_SCHEDULED), or null. */
        ContinuationGenStack mounted;
    }

    Strand(Task<?> task) {
        this.task = task;
    }

    /** The loop of the strand's task. */
    final EventLoop loop() {
        return task.loop;
    }

    /** The strand's generator frames, created if needed. */
    final GeneratorFrames generators() {
        GeneratorFrames g = generators;
        if (g == null) {
            g = new GeneratorFrames();
            generators = g;
        }
        return g;
    }

    /** The innermost async generator whose body runs on this strand now, or null. */
    final AsyncGenCore<?> runningGenerator() {
        GeneratorFrames g = generators;
        return g == null ? null : g.running;
    }

    /** The innermost mounted generator continuation, or null. */
    private ContinuationGenStack mountedStack() {
        GeneratorFrames g = generators;
        return g == null ? null : g.mounted;
    }

    /** The strand running on this thread, or {@code null} outside any coroutine. */
    static Strand current() {
        Thread t = Thread.currentThread();
        return t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s ? s : null;
    }

    /**
     * The strand running on this thread; {@code what} names the API call refused outside a coroutine:
     * a method of {@code Aio} ("sleep"), or one qualified by its class ("Lowlevel.park").
     */
    static Strand currentOrThrow(String what) {
        Strand s = current();
        if (s == null) {
            String call = Character.isUpperCase(what.charAt(0)) ? what : "Aio." + what;
            throw new IllegalStateException(call + "(...) was called outside a coroutine (Python:"
                    + " 'await' outside async function). Call it from a body passed to Aio.async(...) that runs"
                    + " as a task or is awaited by one; from plain code start one with Aio.run(coro)");
        }
        return s;
    }

    /** The body of the virtual thread. */
    final void body() {
        try {
            task.runBody();
        } finally {
            finished();
        }
    }

    /**
     * Starts the strand. Eager (and the loop running): the first step runs now, until the task first
     * suspends; from inside another task, that task steps aside and resumes right after it.
     */
    final void start(boolean eager) {
        boolean now = eager && loop().isRunning();
        Step first = launch(now);
        if (!now) {
            return;
        }
        Strand creator = current();
        if (creator == null) {
            first.run(); // on the loop's own thread (a callback): just run it
            return;
        }
        // Inside a task we cannot run another strand's step on this one: the creator steps aside, and is
        // woken (at the head) right after the new task's first step.
        loop().enqueue(() -> creator.wake(true), true);
        loop().enqueue(first, true);
        creator.park();
    }

    /**
     * Creates the strand's thread. Unless {@code holdFirstStep}, its first step is enqueued at the back
     * of the ready queue; either way it is returned.
     */
    abstract Step launch(boolean holdFirstStep);

    abstract void wake(boolean front);

    abstract void suspend();

    /**
     * {@link #suspend()} from the task's code: when an async generator's continuation is mounted, it
     * first steps out of it (and of every enclosing one), so that the virtual thread parks with no
     * generator frames on its stack; see {@link ContinuationGenStack}.
     */
    final void park() {
        ContinuationGenStack g = mountedStack();
        if (g != null) {
            g.parkFromBody(false);
        } else {
            suspend();
        }
    }

    /** {@link #yieldOnce()} from the task's code, stepping out of generator continuations as {@link #park()}. */
    final void parkYield() {
        ContinuationGenStack g = mountedStack();
        if (g != null) {
            g.parkFromBody(true);
        } else {
            yieldOnce();
        }
    }

    abstract void yieldOnce();

    /** If the strand's code is parked inside a blocking JDK call, interrupts it (cancellation). */
    abstract void interruptIfBlocked();

    /** Called on the strand after the body ended. */
    abstract void finished();

    @Override
    public void uncaughtException(Thread t, Throwable e) {
        loop().callSoonThreadsafe(() -> loop().callExceptionHandler(new ExceptionContext(
                "internal error: an exception escaped the body of task '" + task.getName() + "'", e,
                task, null, task.getName())));
    }

    /** The stack of the strand's thread, for reports. */
    StackTraceElement[] stack() {
        Thread t = thread;
        return t == null ? new StackTraceElement[0] : t.getStackTrace();
    }
}
