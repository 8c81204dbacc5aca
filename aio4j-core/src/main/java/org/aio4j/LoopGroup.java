package org.aio4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed group of event loops, each running on a platform thread of its own: "use every core" in
 * one call. asyncio has one loop per thread and leaves several to the user; a group is N such
 * loops, each an ordinary {@link EventLoop} with the asyncio semantics of one thread, and a way to
 * place coroutines on them.
 *
 * <pre>{@code
 * try (LoopGroup group = LoopGroup.create()) {          // one loop per core
 *     CompletableFuture<Long> a = group.submit(async(() -> crunch(0)));        // round robin
 *     CompletableFuture<Long> b = group.submit("user-42", async(() -> crunch(1)));  // by key
 *     long total = group.run(async(() -> await(a) + await(b)));
 * }   // close(): cancels what still runs on every loop, waits for it, stops the threads
 * }</pre>
 *
 * <h2>Placement</h2>
 * {@link #submit(Coro)} places round robin over the loops that are still running;
 * {@link #submit(Object, Coro)} places by the key's hash, so the same key always lands on the same
 * loop (state kept per key needs no lock: it is confined to that loop); {@link #submitTo(int, Coro)}
 * names the loop. Each returns the {@link CompletableFuture} of
 * {@link Aio#runCoroutineThreadsafe}: thread-safe, cancellable (cancelling it cancels the task),
 * and awaitable from a task of any loop with {@link Aio#await(java.util.concurrent.CompletionStage)}.
 *
 * <h2>Crossing loops</h2>
 * A task belongs to its loop, and so do its futures, locks, queues, streams and servers. A task on
 * one loop that needs a result from another asks that loop for it ({@code await(group.submitTo(i,
 * coro))}, or {@code await(Aio.runCoroutineThreadsafe(coro, loop))}); awaiting another loop's
 * {@link Future} directly throws {@link IllegalStateException} saying so.
 *
 * <h2>Lifecycle</h2>
 * <pre>
 *   RUNNING --close()--> CLOSING --every loop's thread ended--> CLOSED
 * </pre>
 * {@link #create} returns a running group (every loop started). {@link #close()} stops accepting
 * work, then on every loop cancels the tasks still running and waits for them (their
 * {@code finally} blocks run on their loop), closes async generators, shuts the loop's default
 * executor down and closes the loop, as {@link Runner#close()} does, and waits for every thread to
 * end. Work submitted after {@code close()} began is refused with {@link IllegalStateException}.
 *
 * <h2>A failing loop</h2>
 * A task that fails reports to its future, and an exception nobody retrieves is reported to the
 * loop's exception handler, exactly as on a single loop; the group is not involved. Only a
 * {@link VirtualMachineError} (an {@code OutOfMemoryError}, an {@code InternalError}) stops a loop
 * (see {@link EventLoop#runForever()}). Then that loop's tasks are cancelled and it is closed
 * (as by {@code close()}), the error is passed to the loop's exception handler and kept
 * ({@link #failure(int)}); the other loops keep running. Round-robin placement skips the stopped
 * loop; placement on it by key or index throws {@link IllegalStateException} naming the error, so a
 * key's work never silently moves to another loop. When every loop has stopped, every submit
 * throws.
 *
 * <h2>Threads</h2>
 * The loop threads are not daemon threads (as an {@code ExecutorService}'s are not): close the group,
 * or the JVM does not exit. Every method may be called from any thread. {@link #run(Coro)} and {@link #close()} block, so
 * calling them on a loop thread (of this group or any other loop) throws
 * {@link IllegalStateException}: a loop waiting for itself would never finish.
 */
public final class LoopGroup implements AutoCloseable {
    /*
     * Implementation notes. Built on the public API only: each worker thread makes a Runner (so
     * the loop is created on, and owned by, the thread that runs it), runs its loop with
     * runForever(), and closes the Runner when runForever returns, which is asyncio.Runner's
     * shutdown (cancel and await the remaining tasks, shutdown_asyncgens, shutdown the default
     * executor, close). close() asks each loop to stop with the thread-safe EventLoop.stop(), so a
     * stop that races with a submit is harmless: the submitted task is then cancelled by the
     * Runner's close.
     *
     * Work is handed over with Aio.runCoroutineThreadsafe. A submit counts itself in its worker's
     * inFlight around its state check and hand-off, and close() sets CLOSING, then waits for each
     * worker's inFlight to drop to 0 before stopping its loop (both volatile, so a submit either sees
     * CLOSING or is seen by close): every accepted submission reaches the loop's inbox before the stop.
     * After runForever returns, cancelUntilNoneLeft runs the inbox and cancels in rounds until no task
     * is left, then Runner.close does the rest; Runner.close alone cancels one snapshot of the tasks,
     * and a task created from the inbox meanwhile would be destroyed pending, its finally never run.
     *
     * Key placement spreads the hash (h ^ h >>> 16, as HashMap does) before the modulo so keys whose
     * hashes differ only in high bits still spread.
     */

    /** RUNNING --close()--> CLOSING --threads ended--> CLOSED. */
    private enum State { RUNNING, CLOSING, CLOSED }

    /** One loop and its thread. */
    private static final class Worker {
        final int index;
        final Thread thread;
        final CountDownLatch started = new CountDownLatch(1);
        /** Set on the worker thread before {@link #started} opens; read only after it. */
        volatile EventLoop loop;
        /** The error that stopped the loop early, or null. */
        volatile Throwable failure;
        /** Whether the loop's thread has left runForever (stopped by close or by an error). */
        volatile boolean stopped;
        /** Submits between their state check and their hand-off to the loop (see close()). */
        final AtomicInteger inFlight = new AtomicInteger();

        Worker(int index, Thread thread) {
            this.index = index;
            this.thread = thread;
        }
    }

    // any thread
    private final List<Worker> workers;
    private final String name;
    private final AtomicInteger next = new AtomicInteger();
    private final Object lock = new Object();
    /** Guarded by {@link #lock} for transitions; read without it. */
    private volatile State state = State.RUNNING;

    private LoopGroup(int n, String name) {
        this.name = name;
        List<Worker> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int index = i;
            Worker[] self = new Worker[1];
            Thread t = Thread.ofPlatform().name(name + "-" + i).unstarted(() -> runWorker(self[0]));
            self[0] = new Worker(index, t);
            list.add(self[0]);
        }
        this.workers = List.copyOf(list);
    }

    /** A group of one loop per available processor ({@link Runtime#availableProcessors()}). */
    public static LoopGroup create() {
        return create(Runtime.getRuntime().availableProcessors());
    }

    /**
     * A group of {@code n} loops, each on a new platform thread named {@code aio4j-group-K-i}; returns
     * once every loop is running.
     *
     * @throws IllegalArgumentException if {@code n < 1}
     */
    public static LoopGroup create(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("a LoopGroup needs at least one loop, got n = " + n);
        }
        LoopGroup group = new LoopGroup(n, "aio4j-group-" + SEQUENCE.incrementAndGet());
        for (Worker w : group.workers) {
            w.thread.start();
        }
        boolean interrupted = false;
        for (Worker w : group.workers) {
            while (true) {
                try {
                    w.started.await();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return group;
    }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Rounds of cancel-and-wait at shutdown before the rest is left to Runner.close (tasks that keep starting tasks). */
    private static final int MAX_SHUTDOWN_ROUNDS = 100;

    private void runWorker(Worker w) {
        Runner runner;
        try {
            runner = Runner.create();
        } catch (Throwable t) {
            w.failure = t;
            w.stopped = true;
            w.started.countDown();
            return;
        }
        EventLoop loop = runner.getLoop();
        w.loop = loop;
        // Opened by the loop's first callback, so that create() returns only once every loop runs.
        loop.callSoon(w.started::countDown);
        try {
            loop.runForever();
        } catch (Throwable t) {
            // Only a VirtualMachineError leaves runForever (EventLoop's contract); the loop is idle.
            w.failure = t;
        } finally {
            w.stopped = true;
        }
        Throwable failure = w.failure;
        if (failure != null) {
            try {
                loop.callExceptionHandler(ExceptionContext.of("loop " + w.index + " of " + this
                        + " stopped after an uncaught " + failure.getClass().getName()
                        + "; its tasks are cancelled and it takes no new work; the other loops go on", failure));
            } catch (Throwable ignored) {
                // the handler itself failed (no memory, say): the failure stays readable from failure(i)
            }
        }
        try {
            if (failure == null) {
                loop.runUntilComplete(Aio.async("loop-group-shutdown", LoopGroup::cancelUntilNoneLeft));
            }
            runner.close();
        } catch (Throwable t) {
            if (failure == null) {
                w.failure = t;
            }
        }
    }

    /**
     * Cancels the loop's tasks and waits for them, again and again while cancelled tasks (their
     * finally blocks) or hand-overs that reached the loop before it stopped start new ones: Runner.close
     * cancels only the tasks it sees once, and a task started after that would be destroyed pending,
     * its finally blocks never run. Failures other than the cancellation go to the exception handler.
     */
    private static void cancelUntilNoneLeft() {
        Task<?> me = Aio.currentTask();
        EventLoop loop = Aio.runningLoop();
        for (int round = 0; round < MAX_SHUTDOWN_ROUNDS; round++) {
            List<Task<?>> pending = new ArrayList<>(Aio.allTasks());
            pending.remove(me);
            if (pending.isEmpty()) {
                return;
            }
            for (Task<?> t : pending) {
                t.cancel();
            }
            Aio.await(Aio.gather(true, pending));
            for (Task<?> t : pending) {
                if (!t.cancelled() && t.exception() != null) {
                    loop.callExceptionHandler(new ExceptionContext("unhandled exception during LoopGroup shutdown",
                            t.exception(), t, null, t.getName()));
                }
            }
        }
    }

    /** The number of loops. */
    public int size() {
        return workers.size();
    }

    /**
     * Loop {@code index}, for the thread-safe calls ({@link EventLoop#callSoonThreadsafe},
     * {@link Aio#runCoroutineThreadsafe}); its other methods belong to its own thread.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public EventLoop loop(int index) {
        return workers.get(index).loop;
    }

    /** The loops, in index order (see {@link #loop(int)}). */
    public List<EventLoop> loops() {
        List<EventLoop> loops = new ArrayList<>(workers.size());
        for (Worker w : workers) {
            loops.add(w.loop);
        }
        return List.copyOf(loops);
    }

    /** The index of {@code loop} in this group, or -1 if it is not one of its loops. */
    public int indexOf(EventLoop loop) {
        for (Worker w : workers) {
            if (w.loop == loop) {
                return w.index;
            }
        }
        return -1;
    }

    /** The loop that {@link #submit(Object, Coro)} uses for {@code key}: the same key, the same index. */
    public int indexFor(Object key) {
        Objects.requireNonNull(key, "key: pass the key to place by (a connection id, a user name)");
        int h = key.hashCode();
        return Math.floorMod(h ^ (h >>> 16), workers.size());
    }

    /**
     * The error that stopped loop {@code index} early (see "A failing loop"), if any.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public Optional<Throwable> failure(int index) {
        return Optional.ofNullable(workers.get(index).failure);
    }

    /**
     * Runs {@code coro} as a task on the next running loop (round robin) and returns its future.
     *
     * @throws IllegalStateException if the group is closing or closed, or every loop has stopped
     */
    public <T> CompletableFuture<T> submit(Coro<T> coro) {
        Objects.requireNonNull(coro, "submit(null): pass a coroutine, made with Aio.async(...)");
        checkRunning("submit");
        int n = workers.size();
        for (int tries = 0; tries < n; tries++) {
            Worker w = workers.get(Math.floorMod(next.getAndIncrement(), n));
            if (!w.stopped) {
                return handOver(w, coro);
            }
        }
        throw new IllegalStateException("every loop of " + this + " has stopped after an error (see failure(i));"
                + " close the group and make a new one");
    }

    /**
     * Runs {@code coro} on the loop of {@code key} ({@link #indexFor}) and returns its future.
     *
     * @throws IllegalStateException if the group is closing or closed, or that loop has stopped
     */
    public <T> CompletableFuture<T> submit(Object key, Coro<T> coro) {
        Objects.requireNonNull(coro, "submit(key, null): pass a coroutine, made with Aio.async(...)");
        return submitTo(indexFor(key), coro);
    }

    /**
     * Runs {@code coro} on loop {@code index} and returns its future.
     *
     * @throws IllegalStateException     if the group is closing or closed, or that loop has stopped
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public <T> CompletableFuture<T> submitTo(int index, Coro<T> coro) {
        Objects.requireNonNull(coro, "submitTo(i, null): pass a coroutine, made with Aio.async(...)");
        Worker w = workers.get(index);
        checkRunning("submit");
        if (w.stopped) {
            Throwable f = w.failure;
            throw new IllegalStateException("loop " + index + " of " + this + " has stopped"
                    + (f == null ? "" : " after an uncaught " + f) + " and takes no new work; place the work on"
                    + " another loop (submit(coro) skips stopped loops) or close the group and make a new one", f);
        }
        return handOver(w, coro);
    }

    /** Hands {@code coro} to {@code w}'s loop unless close() has begun (the check and hand-off are one step for close). */
    private <T> CompletableFuture<T> handOver(Worker w, Coro<T> coro) {
        w.inFlight.incrementAndGet();
        try {
            checkRunning("submit");
            return Aio.runCoroutineThreadsafe(coro, w.loop);
        } finally {
            w.inFlight.decrementAndGet();
        }
    }

    /**
     * Runs {@code coro} on the next loop (as {@link #submit(Coro)}), blocks the calling thread until
     * it is done and returns its result or throws its exception (unwrapped). A cancelled task gives
     * {@link CancelledError}. If the calling thread is interrupted meanwhile, the task is cancelled
     * and {@link InterruptedException} is thrown (undeclared).
     *
     * @throws IllegalStateException if called on a thread that runs an event loop (inside a
     *                               coroutine, {@code await(group.submit(coro))} instead), or as
     *                               {@link #submit(Coro)}
     */
    public <T> T run(Coro<T> coro) {
        Objects.requireNonNull(coro, "run(null): pass a coroutine, made with Aio.async(...)");
        checkNotOnLoop("run");
        CompletableFuture<T> cf = submit(coro);
        try {
            return cf.get();
        } catch (ExecutionException e) {
            throw LoopGroup.<RuntimeException>raise(e.getCause());
        } catch (CancellationException e) {
            throw new CancelledError("the task run by " + this + ".run() was cancelled");
        } catch (InterruptedException e) {
            cf.cancel(true);
            throw LoopGroup.<RuntimeException>raise(e);
        }
    }

    /** Whether {@link #close()} has begun. */
    public boolean isClosed() {
        return state != State.RUNNING;
    }

    /**
     * Cancels the tasks still running on every loop and waits for them (their {@code finally}
     * blocks run), shuts each loop down as {@link Runner#close()} does, and waits for every loop
     * thread to end. Idempotent; a second call (from another thread too) waits as the first.
     *
     * @throws IllegalStateException if called on a thread that runs an event loop
     */
    @Override
    public void close() {
        checkNotOnLoop("close");
        synchronized (lock) {
            if (state == State.RUNNING) {
                state = State.CLOSING;
            }
        }
        for (Worker w : workers) {
            while (w.inFlight.get() > 0) {
                Thread.onSpinWait(); // a submit that passed its state check is handing over: a few microseconds
            }
            EventLoop loop = w.loop;
            if (loop != null) {
                loop.stop();
            }
        }
        boolean interrupted = false;
        for (Worker w : workers) {
            while (true) {
                try {
                    w.thread.join();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // finish the shutdown first: the threads are ending
                }
            }
        }
        synchronized (lock) {
            state = State.CLOSED;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void checkRunning(String what) {
        State s = state;
        if (s != State.RUNNING) {
            throw new IllegalStateException(what + "() on " + this + ", which is " + s.name().toLowerCase(java.util.Locale.ROOT)
                    + ": it takes no new work; make a new group");
        }
    }

    private void checkNotOnLoop(String what) {
        Optional<EventLoop> current = EventLoop.current();
        if (current.isPresent()) {
            throw new IllegalStateException(what + "() blocks the calling thread, and this thread runs " + current.get()
                    + (indexOf(current.get()) >= 0 ? " (a loop of this group)" : "")
                    + ": the loop could not run meanwhile. Inside a coroutine, await(group.submit(coro)) instead;"
                    + " close the group from a thread that runs no loop");
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable t) throws E {
        throw (E) t;
    }

    @Override
    public String toString() {
        int stopped = 0;
        for (Worker w : workers) {
            if (w.stopped && w.failure != null) {
                stopped++;
            }
        }
        return "LoopGroup[" + name + ", " + workers.size() + " loops, " + state.name().toLowerCase(java.util.Locale.ROOT)
                + (stopped > 0 ? ", " + stopped + " failed" : "") + "]";
    }
}
