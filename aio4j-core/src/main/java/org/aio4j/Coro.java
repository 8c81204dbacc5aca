package org.aio4j;

import java.lang.ref.Cleaner;

/**
 * A coroutine object: the result of calling an {@code async def} function in Python. Made by
 * {@link Aio#async(AsyncSupplier)}; it has not run yet.
 *
 * <p>Awaiting it ({@link Aio#await(Awaitable)}) runs the body inline in the awaiting task, without
 * creating a task, and returns the body's result; wrapping it in a task ({@link Aio#createTask})
 * runs it concurrently. A coroutine runs at most once: awaiting it again, or wrapping it in a second
 * task, throws {@link IllegalStateException}.
 *
 * <h2>States</h2>
 * <pre>
 *   CREATED --await / createTask--> RUNNING --body returns or throws--> CLOSED
 *   CREATED --close() / task cancelled before its first step--> CLOSED
 * </pre>
 *
 * <h2>Never awaited</h2>
 * A coroutine still CREATED when it is garbage-collected, or when the loop it was made on closes
 * (whichever comes first), is reported as a warning on the {@code org.aio4j} logger: "coroutine
 * '&lt;name&gt;' was never awaited", with the site that created it when the loop is in debug mode.
 * That almost always is a forgotten {@code Aio.await}. (CPython reports it the moment the object is
 * freed; the JVM frees it at some later GC, so the loop's close is the latest point a short program
 * reaches.) A coroutine made outside any loop is reported only when collected.
 *
 * <p>Thread-safety: a coroutine belongs to the thread that runs it; do not share one between loops.
 *
 * @param <T> the result type
 */
public final class Coro<T> implements Awaitable<T> {

    private enum Lifecycle { CREATED, RUNNING, CLOSED }


    /** An AsyncSupplier, or an AsyncRunnable (no wrapper: one object and one stack frame less per task). */
    private final Object body;
    private final String name;
    private Lifecycle lifecycle = Lifecycle.CREATED;
    /** The task running this coroutine, once one does. */
    Task<?> owner;
    /**
     * The never-awaited report: made at once in debug mode (it holds the creation site), else once the
     * coroutine outlives the step that created it (see {@link #watch}); dropped when settled, unless it
     * holds a creation site. One field for both keeps a coroutine at 32 bytes.
     */
    private NeverAwaited watch;

    /** A new coroutine object of {@code body} (an AsyncSupplier or an AsyncRunnable); see {@link Aio#async}. */
    static <T> Coro<T> create(Object body, String name) {
        EventLoop loop = EventLoop.currentOrNull();
        Coro<T> c = new Coro<>(body, name, loop != null ? loop.isDebug() : Debug.defaultEnabled());
        if (loop != null && loop.isRunning()) {
            loop.coroCreated(c); // watched after this batch, if it survives it
        } else {
            c.watch(null);
        }
        return c;
    }

    private Coro(Object body, String name, boolean debug) {
        assert body instanceof AsyncSupplier<?> || body instanceof AsyncRunnable;
        this.body = body;
        this.name = name;
        this.watch = debug ? new NeverAwaited(new Throwable("coroutine created here")) : null;
    }

    /** The coroutine's name: the one given to {@code Aio.async(name, body)}, or derived from the body. */
    public String name() {
        if (name != null) {
            return name;
        }
        Throwable origin = watch != null ? watch.origin : null;
        if (origin != null) {
            StackTraceElement site = Describe.userFrame(origin.getStackTrace());
            if (site != null) {
                return site.getClassName() + "." + site.getMethodName();
            }
        }
        return Describe.callback(body);
    }

    /** Whether the coroutine has neither run nor been closed. */
    public boolean isCreated() {
        return lifecycle == Lifecycle.CREATED;
    }

    /** Whether the body has finished, or the coroutine was closed without running. */
    public boolean isClosed() {
        return lifecycle == Lifecycle.CLOSED;
    }

    /**
     * Closes a coroutine that has not started, so it will never run and is not reported as never
     * awaited (Python's {@code coro.close()}). Does nothing if it already finished.
     *
     * @throws IllegalStateException if the coroutine is running
     */
    public void close() {
        if (lifecycle == Lifecycle.RUNNING) {
            throw new IllegalStateException("cannot close coroutine '" + name() + "': it is running");
        }
        settle(Lifecycle.CLOSED);
    }

    /**
     * Runs the body inline in the current task and returns its result (Python's
     * {@code await coro}).
     *
     * @throws IllegalStateException outside a coroutine, or if this coroutine was already awaited
     */
    @Override
    public T await() {
        Strand.currentOrThrow("await a coroutine");
        return run();
    }

    /** Runs the body on the current strand; the caller has checked that there is one. */
    T run() {
        claim("await");
        return runClaimed();
    }

    /** Runs the body of a coroutine already claimed by a task. */
    T runClaimed() {
        try {
            if (body instanceof AsyncSupplier<?> supplier) {
                @SuppressWarnings("unchecked")
                T value = (T) supplier.get();
                return value;
            }
            ((AsyncRunnable) body).run();
            return null;
        } catch (Exception e) {
            throw Sneaky.raise(e);
        } finally {
            lifecycle = Lifecycle.CLOSED;
        }
    }

    /** A claimed coroutine whose task was cancelled before its first step: it will never run. */
    void abandon() {
        lifecycle = Lifecycle.CLOSED;
    }

    /** Marks the coroutine as owned by a task or an await. */
    void claim(String what) {
        if (lifecycle != Lifecycle.CREATED) {
            throw new IllegalStateException("cannot " + what + " coroutine '" + name() + "': it was "
                    + (lifecycle == Lifecycle.RUNNING ? "already awaited and is running"
                    : "already awaited or closed")
                    + "; a coroutine runs once: call the method that made it again for a new one");
        }
        settle(Lifecycle.RUNNING);
    }

    private void settle(Lifecycle next) {
        lifecycle = next;
        NeverAwaited w = watch;
        if (w != null) {
            if (w.origin == null) {
                watch = null;
            }
            if (w.cleanable != null && !w.settled) {
                w.settled = true;
                w.cleanable.clean();
            }
        }
    }

    /**
     * Starts watching for "never awaited", on {@code loop} (reported at its close at the latest) or
     * none. Called for coroutines that survive the loop step that created them (most are awaited or
     * wrapped in a task at once, and never pay for this).
     */
    void watch(EventLoop loop) {
        NeverAwaited w = watch;
        if (lifecycle == Lifecycle.CREATED && (w == null || w.cleanable == null)) {
            if (w == null) {
                w = new NeverAwaited(null);
                watch = w;
            }
            w.name = name();
            w.loop = loop;
            w.cleanable = GcReports.CLEANER.register(this, w);
            if (loop != null) {
                loop.coroWatch().watching(w);
            }
        }
    }

    @Override
    public String toString() {
        return "Coro[" + name() + " " + lifecycle.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }

    /**
     * The report, kept apart from the coroutine so that it does not keep it alive. Runs once: on the
     * cleaner thread (collected), on the loop thread (its loop closes), or as a no-op (settled).
     */
    static final class NeverAwaited implements Runnable {
        /** Creation site, in debug mode only. */
        final Throwable origin;
        // Set by watch(), before the cleaner knows this object (its registration publishes them).
        private String name;
        private EventLoop loop;
        volatile boolean settled;
        Cleaner.Cleanable cleanable;

        NeverAwaited(Throwable origin) {
            this.origin = origin;
        }

        /** The loop closes: report now, if still never awaited. */
        void reportNow() {
            cleanable.clean();
        }

        @Override
        public void run() {
            if (loop != null) {
                loop.coroWatch().unwatch(this);
            }
            if (settled) {
                return;
            }
            settled = true;
            String msg = "coroutine '" + name + "' was never awaited";
            if (origin != null) {
                System.getLogger("org.aio4j").log(System.Logger.Level.WARNING, msg + "; created at:", origin);
            } else {
                System.getLogger("org.aio4j").log(System.Logger.Level.WARNING, msg
                        + " (enable debug mode, -Daio4j.debug=true, to see where it was created)");
            }
            NeverAwaitedListeners.fire(name);
        }
    }
}
