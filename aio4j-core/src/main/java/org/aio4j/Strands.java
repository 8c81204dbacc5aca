package org.aio4j;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * The two strand implementations and the choice between them (docs/architecture.md, "How a coroutine suspends").
 *
 * LOOP_SCHEDULED: a virtual thread built by the JDK's package-private
 * {@code ThreadBuilders.VirtualThreadBuilder(Executor)}, with the loop as its scheduler. When the
 * virtual thread parks, its continuation returns to whoever ran it (the loop's ready queue); an
 * unpark hands the continuation to {@link EventLoop#enqueue}, which puts it on the ready queue (or,
 * from a foreign thread, into the inbox). ~0.2 µs per suspend + resume.
 *
 * PORTABLE: a virtual thread on the JDK's default scheduler and a baton: the loop thread unparks the
 * strand and parks until the strand hands the baton back by suspending or finishing, so exactly
 * one of them runs at a time. ~8 µs per switch (two cross-thread unparks).
 *
 * The choice is made once per JVM: the reflective constructor needs
 * {@code --add-opens java.base/java.lang=ALL-UNNAMED}; without it (or with -Daio4j.strands=portable)
 * we fall back and log one warning naming the flag.
 */
final class Strands {
    private Strands() {
    }

    static final StrandMode MODE;
    private static final MethodHandle BUILDER_CONSTRUCTOR;
    /**
     * {@code java.lang.VirtualThread(Executor, String, int, Runnable)} as {@code (Executor, Runnable)Thread}
     * (no name, the builder's default characteristics), or null: a loop-scheduled strand's thread
     * without a builder object per task. Falls back to the builder if a JDK lacks it.
     */
    private static final MethodHandle THREAD_CONSTRUCTOR;
    /** The JDK's own virtual-thread scheduler, or null (PORTABLE mode, or not found). */
    private static final Executor JDK_SCHEDULER;

    static {
        MethodHandle ctor = null;
        String forced = System.getProperty("aio4j.strands", "");
        Throwable failure = null;
        if (!forced.equalsIgnoreCase("portable")) {
            try {
                Class<?> cls = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(cls, MethodHandles.lookup());
                ctor = lookup.findConstructor(cls, MethodType.methodType(void.class, Executor.class))
                        .asType(MethodType.methodType(Thread.Builder.OfVirtual.class, Executor.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                failure = e;
            }
        }
        if (ctor != null) {
            // Async generators run on a Continuation nested in the task's virtual thread; both need
            // java.lang open, so a JVM has both or neither (one mode, not three).
            try {
                exportContinuations();
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                ctor = null;
                failure = e;
            }
        }
        BUILDER_CONSTRUCTOR = ctor;
        MethodHandle threadCtor = null;
        if (ctor != null) {
            try {
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(vt, MethodHandles.lookup());
                MethodHandle full = lookup.findConstructor(vt,
                        MethodType.methodType(void.class, Executor.class, String.class, int.class, Runnable.class));
                threadCtor = MethodHandles.insertArguments(full, 1, null, 0)
                        .asType(MethodType.methodType(Thread.class, Executor.class, Runnable.class));
            } catch (ReflectiveOperationException | RuntimeException e) {
                threadCtor = null; // the builder still works
            }
        }
        THREAD_CONSTRUCTOR = threadCtor;
        MODE = ctor != null ? StrandMode.LOOP_SCHEDULED : StrandMode.PORTABLE;
        Executor jdkScheduler = null;
        if (ctor != null) {
            try { // the field the JDK's own tests read; present from JDK 19 to 25 at least
                Field f = Class.forName("java.lang.VirtualThread").getDeclaredField("DEFAULT_SCHEDULER");
                f.setAccessible(true);
                jdkScheduler = (Executor) f.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                jdkScheduler = null; // workerThreadBuilder() falls back to platform threads
            }
        }
        JDK_SCHEDULER = jdkScheduler;
        if (ctor == null && failure != null) {
            System.getLogger("org.aio4j").log(System.Logger.Level.WARNING,
                    "aio4j runs tasks in PORTABLE strand mode (about 40x slower task switches, and a "
                    + "blocking JDK call inside a coroutine holds the loop) because java.lang is not open "
                    + "to it. Add the JVM option --add-opens java.base/java.lang=ALL-UNNAMED (or "
                    + "=org.aio4j on the module path). Cause: " + failure);
        }
    }

    /**
     * Exports java.base's jdk.internal.vm to this module (the JDK's own Module.implAddExports,
     * reachable because java.lang is open to us), and looks up the Continuation API the generators use.
     */
    private static void exportContinuations() throws ReflectiveOperationException {
        java.lang.reflect.Method add = Module.class.getDeclaredMethod("implAddExports", String.class, Module.class);
        add.setAccessible(true);
        add.invoke(Object.class.getModule(), "jdk.internal.vm", Strands.class.getModule());
        Class.forName("org.aio4j.ContinuationGenStack"); // its initialiser looks the Continuation API up
    }

    /** A builder of virtual threads scheduled by {@code scheduler}, or {@code null} in PORTABLE mode. */
    static Thread.Builder.OfVirtual loopScheduledBuilder(Executor scheduler) {
        if (BUILDER_CONSTRUCTOR == null) {
            return null;
        }
        try {
            return (Thread.Builder.OfVirtual) BUILDER_CONSTRUCTOR.invokeExact(scheduler);
        } catch (Throwable e) {
            throw new IllegalStateException("cannot build a loop-scheduled virtual thread builder", e);
        }
    }

    /**
     * A builder of threads that run apart from every loop, whichever thread uses it (for work sent
     * to threads: {@link Aio#toThread}, the default executor).
     *
     * Not Thread.ofVirtual(): a virtual thread created by another virtual thread inherits its
     * scheduler (java.lang.VirtualThread's constructor), so in LOOP_SCHEDULED mode a thread made
     * inside a task would be scheduled by the task's loop: it would run on the loop thread, hold it
     * while it computes, and never finish once the loop stops (Runner.close would wait for it in
     * vain). So we name the JDK's scheduler explicitly; if it cannot be found, platform threads.
     * PORTABLE strands already run on the JDK's scheduler, which is what they pass on.
     */
    static Thread.Builder workerThreadBuilder() {
        if (MODE == StrandMode.PORTABLE) {
            return Thread.ofVirtual();
        }
        if (JDK_SCHEDULER != null) {
            return loopScheduledBuilder(JDK_SCHEDULER);
        }
        return Thread.ofPlatform().daemon();
    }

    /** An unstarted virtual thread scheduled by {@code scheduler} running {@code body} (LOOP_SCHEDULED only). */
    static Thread newLoopScheduledThread(Executor scheduler, Runnable body) {
        MethodHandle ctor = THREAD_CONSTRUCTOR;
        if (ctor == null) {
            return loopScheduledBuilder(scheduler).unstarted(body);
        }
        try {
            return (Thread) ctor.invokeExact(scheduler, body);
        } catch (Throwable e) {
            throw Sneaky.raise(e);
        }
    }

    static Strand create(Task<?> task) {
        return task.getLoop().loopScheduled() ? new LoopScheduled(task) : new Portable(task);
    }

    /** A virtual thread created inside a task: schedule it as the JDK would have. */
    private static void foreignVirtualThread(Runnable continuation) {
        if (JDK_SCHEDULER != null) {
            JDK_SCHEDULER.execute(continuation);
        } else {
            // Cannot happen when loop-scheduled strands exist (both need java.lang open); if a future
            // JDK hides the default scheduler, keep the thread alive on a platform thread.
            Thread.ofPlatform().daemon().start(continuation);
        }
    }

    /**
     * A virtual thread whose scheduler is the strand itself, which hands the thread's continuation
     * to the loop.
     *
     * Why a scheduler per strand rather than one per loop: a virtual thread created by another
     * virtual thread inherits its scheduler (java.lang.VirtualThread's constructor). Threads that
     * user code starts inside a task (an executor of virtual threads, a library's internals) would
     * otherwise be scheduled by the loop: they would run on the loop thread, hold it while they
     * compute, and stall when it stops. The JDK always submits a virtual thread's one continuation
     * object, so the strand recognises its own (recorded at start) and forwards any other to the
     * JDK's scheduler. It costs nothing extra: the strand is an object per task anyway.
     *
     * Detecting blocking calls: the loop runs the strand's step, which runs the continuation. It
     * returns when the virtual thread parks. If the strand did not park at an await (suspend or
     * yieldOnce set atAwait) nor end, its code parked somewhere else: inside a blocking JDK call. It
     * no longer holds the loop; it is counted as work outside the loop (virtual time must not jump
     * while it is out) until it reaches an await again, and reported in debug mode. A JDK thread
     * unparks it later: that submit arrives from another thread and goes through the inbox.
     */
    static final class LoopScheduled extends Strand implements Executor, Strand.Step {
        /** Our thread's continuation, as the JDK submits it (recorded by the first submit, at start). */
        private Runnable continuation;
        /** The bits below: one byte rather than seven booleans (a parked task's size counts). */
        private byte flags;
        private static final int STARTING = 1;
        private static final int HOLD_FIRST_STEP = 1 << 1;
        /** The next submit of our continuation goes to the head of the ready queue (loop thread only). */
        private static final int SUBMIT_FRONT = 1 << 2;
        /** Set by wake(); consumed by suspend(). Loop thread only. */
        private static final int WAKE_REQUESTED = 1 << 3;
        /** Parked in suspend(). */
        private static final int PARKED = 1 << 4;
        /** The last step ended at an await, a yield or the end of the body. */
        private static final int AT_AWAIT = 1 << 5;
        /** Parked inside a blocking JDK call (counted as work outside the loop). */
        private static final int BLOCKED_IN_CALL = 1 << 6;

        private boolean is(int flag) {
            return (flags & flag) != 0;
        }

        private void set(int flag) {
            flags |= (byte) flag;
        }

        private void clear(int flag) {
            flags &= (byte) ~flag;
        }

        LoopScheduled(Task<?> task) {
            super(task);
        }

        @Override
        public Strand strand() {
            return this;
        }

        @Override
        Strand.Step launch(boolean hold) {
            Thread t = newLoopScheduledThread(this, this); // run() below is also the thread's body
            t.setUncaughtExceptionHandler(this);
            thread = t;
            set(hold ? STARTING | HOLD_FIRST_STEP : STARTING);
            try {
                t.start(); // submits the first step: execute() below
            } finally {
                clear(STARTING | HOLD_FIRST_STEP);
            }
            return this;
        }

        /**
         * Two roles in one method, so that a task needs no extra body object: on the strand's own
         * thread it is that thread's body; on the loop's thread it is the step the loop runs (the
         * continuation, then the blocking-call check).
         */
        @Override
        public void run() {
            if (Thread.currentThread() == thread) {
                body();
                return;
            }
            clear(AT_AWAIT);
            continuation.run();
            if (!is(AT_AWAIT)) {
                leftInBlockingCall();
            }
        }

        private void leftInBlockingCall() {
            if (thread.getState() == Thread.State.RUNNABLE) {
                // The task's code called Thread.yield(): its continuation is already queued again. Not a
                // blocking call; it carries on when its turn comes.
                return;
            }
            if (!is(BLOCKED_IN_CALL)) {
                set(BLOCKED_IN_CALL);
                loop().outsideWork(1);
            }
            if (loop().isDebug()) {
                Debug.reportBlockingCall(this);
            }
        }

        private void backAtAwait() {
            set(AT_AWAIT);
            if (is(BLOCKED_IN_CALL)) {
                clear(BLOCKED_IN_CALL);
                loop().outsideWork(-1);
            }
        }

        /** The scheduler of our thread and of every virtual thread created inside this task. */
        @Override
        public void execute(Runnable command) {
            if (command == continuation) {
                boolean front = is(SUBMIT_FRONT);
                clear(SUBMIT_FRONT);
                loop().enqueue(this, front);
            } else if (continuation == null && is(STARTING)) {
                continuation = command;
                if (!is(HOLD_FIRST_STEP)) {
                    loop().enqueue(this, false);
                }
            } else {
                foreignVirtualThread(command);
            }
        }

        @Override
        void wake(boolean front) {
            set(WAKE_REQUESTED);
            if (is(PARKED)) {
                clear(PARKED | SUBMIT_FRONT);
                if (front) {
                    set(SUBMIT_FRONT); // read by execute(), which unpark() calls on this same thread
                }
                LockSupport.unpark(thread);
            }
        }

        @Override
        void suspend() {
            if (is(WAKE_REQUESTED)) {
                // Woken before we parked (we completed what we were about to wait for): still give the
                // callbacks scheduled before the wake-up their turn, as asyncio would.
                clear(WAKE_REQUESTED);
                yieldOnce();
                return;
            }
            backAtAwait();
            set(PARKED);
            do {
                // A pending interrupt (our own, from cancelling a blocking call, or the user's) would
                // make park() return at once and spin the loop; cancellation is tracked by the task.
                Thread.interrupted();
                LockSupport.park(this);
            } while (!is(WAKE_REQUESTED));
            clear(WAKE_REQUESTED);
        }

        @Override
        void yieldOnce() {
            backAtAwait();
            Thread.yield(); // the continuation goes to the back of the ready queue
        }

        @Override
        void interruptIfBlocked() {
            if (is(BLOCKED_IN_CALL)) {
                // Parked inside a blocking JDK call, not at an await: interrupt it, so the call ends (with
                // InterruptedException, or the interrupt status set) and the cancellation is delivered.
                thread.interrupt();
            }
        }

        @Override
        void finished() {
            backAtAwait();
        }
    }

    /** A virtual thread on the default scheduler that runs only while it holds the loop's baton. */
    static final class Portable extends Strand implements Runnable {
        private static final int SPINS = 256; // a short step usually hands the baton back within this
        private volatile boolean strandHasBaton;
        private boolean started;
        private boolean wakeRequested;
        private final Strand.Step step = new Strand.Step() {
            @Override
            public void run() {
                step();
            }

            @Override
            public Strand strand() {
                return Portable.this;
            }
        };

        Portable(Task<?> task) {
            super(task);
        }

        /** The virtual thread's body. */
        @Override
        public void run() {
            body();
        }

        @Override
        Strand.Step launch(boolean hold) {
            Thread t = Thread.ofVirtual().unstarted(this);
            t.setUncaughtExceptionHandler(this);
            thread = t;
            if (!hold) {
                loop().enqueue(step, false);
            }
            return step;
        }

        /** Runs on the loop thread: hand the baton over and wait until it comes back. */
        private void step() {
            Thread loopThread = Thread.currentThread();
            strandHasBaton = true;
            if (!started) {
                started = true;
                thread.start();
            } else {
                LockSupport.unpark(thread);
            }
            for (int i = 0; i < SPINS && strandHasBaton; i++) {
                Thread.onSpinWait();
            }
            while (strandHasBaton) {
                LockSupport.park(loopThread);
            }
        }

        @Override
        void wake(boolean front) {
            if (wakeRequested) {
                return;
            }
            wakeRequested = true;
            loop().enqueue(step, front);
        }

        @Override
        void suspend() {
            handBack();
        }

        @Override
        void yieldOnce() {
            loop().enqueue(step, false);
            wakeRequested = true;
            suspend();
        }

        private void handBack() {
            Thread loopThread = loop().thread();
            strandHasBaton = false;
            LockSupport.unpark(loopThread);
            while (!strandHasBaton) {
                Thread.interrupted(); // see LoopScheduled.suspend
                LockSupport.park(this);
            }
            wakeRequested = false;
        }

        @Override
        void interruptIfBlocked() {
            // A portable strand's blocking call holds the loop's baton: it is never cancelled mid-call.
        }

        @Override
        void finished() {
            Thread loopThread = loop().thread();
            strandHasBaton = false;
            LockSupport.unpark(loopThread);
        }
    }
}
