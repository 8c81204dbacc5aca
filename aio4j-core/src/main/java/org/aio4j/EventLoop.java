package org.aio4j;

import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.aio4j.lowlevel.Deadline;

/**
 * A single-threaded event loop: Python's {@code asyncio} event loop. It runs callbacks, timers and
 * tasks one at a time on one thread, and waits for I/O when there is nothing to run.
 *
 * <p>Most programs never touch the loop: {@link Aio#run} makes one, runs a coroutine on it and
 * closes it. Use the loop directly to schedule callbacks ({@link #callSoon}, {@link #callLater},
 * {@link #callAt}), to run it yourself ({@link #runUntilComplete}, {@link #runForever}), or to hand it
 * work from other threads ({@link #callSoonThreadsafe}), or to watch channels for readiness
 * ({@link #addReader}, {@link #addWriter}: asyncio's low-level callbacks; coroutines use
 * {@code org.aio4j.lowlevel.Lowlevel.waitReadable}).
 *
 * <h2>One iteration</h2>
 * <ol>
 *   <li>move what other threads sent ({@code callSoonThreadsafe}, virtual threads that come back from
 *       a blocking JDK call) from the inbox to the ready queue;</li>
 *   <li>wait for I/O: not at all if something is ready, else until the nearest timer, else until
 *       woken;</li>
 *   <li>move timers that are due to the ready queue (in deadline order, ties in scheduling order);</li>
 *   <li>run exactly the callbacks that were ready when this step began, in FIFO order: a callback
 *       that schedules another cannot starve timers and I/O.</li>
 * </ol>
 *
 * <h2>States</h2>
 * <pre>
 *   IDLE --runForever / runUntilComplete--> RUNNING --stop() observed--> IDLE
 *   IDLE --close()--> CLOSED   (close() while RUNNING is an error; CLOSED is final)
 * </pre>
 *
 * <h2>Threads</h2>
 * A loop belongs to the thread that runs it; its tasks run on virtual threads carried by that thread
 * and count as the loop thread. Only {@link #callSoonThreadsafe}, {@link #stop}, {@link #time},
 * {@link #isRunning} and {@link #isClosed} may be called from other threads; the other methods throw
 * {@link WrongThreadException} when called from another thread while the loop runs (asyncio leaves
 * this undefined and checks only in debug mode; the check here costs a few nanoseconds). One loop
 * runs per thread at a time.
 *
 * <h2>Debug mode</h2>
 * {@link #setDebug}, {@code -Daio4j.debug=true} or {@code AIO4J_DEBUG=1}: callbacks and task steps
 * that take longer than {@link #slowCallbackDuration()} are logged with their task and code location;
 * a task that parks inside a blocking JDK call instead of at an await is reported with its stack;
 * handles and coroutines remember where they were created; futures check the thread on reads too.
 */
public final class EventLoop {
    /*
     * Implementation notes. This file is the tick and its queues; the pieces it drives live beside it
     * (TimerQueue, Poller, TaskRegistry, ExecutorBridge, Strand/Strands, CoroWatch, LoopReports,
     * TestHooks, Readiness, SignalHandlers, LoopWatch), and the kernel's rules are in package-info.java.
     * It is a little over 800 lines because asyncio's loop API is one class (each public method here
     * is a short delegate with its contract); the next thing to move out is the package-private
     * hooks below createTask, behind one kernel-internal accessor.
     *
     * Ready queue items are Handles (user callbacks) or bare Runnables (strand steps, handed over by
     * enqueue()): a task switch costs no Handle allocation, and a task's wake-up is queued exactly
     * where asyncio's call_soon(task.__wakeup) would be. An eager task's first step and its creator's
     * wake-up go to the head, and batchLeft grows, so they run inside the current batch.
     *
     * Virtual time: with a VirtualClock in auto-jump mode, when nothing is ready, the select is a poll,
     * and if it finds nothing the clock jumps to the nearest timer, unless work is in flight outside
     * the loop (awaited stages, executor work, task code parked in a blocking JDK call).
     */

    private enum LoopState { IDLE, RUNNING, CLOSED }

    private static final ThreadLocal<EventLoop> RUNNING_LOOP = new ThreadLocal<>();

    // ------------------------------------------------------------ any thread
    private final Poller poller;
    private volatile LoopState state = LoopState.IDLE;
    private volatile boolean stopping;
    /** The thread that runs (or last ran, or created) the loop. */
    private volatile Thread thread;
    private final Set<UnretrievedReport> unretrieved = ConcurrentHashMap.newKeySet();
    /** Coroutines made on this loop and not awaited yet: reported at close at the latest. */
    private final CoroWatch coros = new CoroWatch();
    private final Clock clock;

    // ------------------------------------------------------------ loop thread only
    private final ReadyQueue ready = new ReadyQueue();

    ReadyQueue readyQueue() {
        return ready;
    }
    private long iterations;
    private long selectNanos;
    private final TimerQueue timers = new TimerQueue();
    private final VirtualClock virtualClock;
    /** Whether tasks run on loop-scheduled virtual threads (else portable strands). */
    private final boolean loopScheduled;
    /** Work in flight outside the loop: awaited stages, executor work, strands in blocking calls. */
    private int outsideWork;
    private final TaskRegistry tasks = new TaskRegistry();
    private boolean debug;
    private double slowCallbackDuration = 0.1;
    private ExceptionHandler exceptionHandler;
    private TaskFactory taskFactory = TaskFactory.DEFAULT;
    /** Threads: executors, the default executor, coroutines from other threads (ExecutorBridge's rules). */
    final ExecutorBridge executor = new ExecutorBridge(this);
    private final AsyncGenRegistry asyncGens = new AsyncGenRegistry(this);
    private final SignalHandlers signals = new SignalHandlers(this);
    /** The test kit's hooks, when it uses this loop (null otherwise). */
    private TestHooks testHooks;

    private EventLoop(Clock clock) {
        this(clock, Poller.openSelector());
    }

    /**
     * A loop that waits on {@code selector} instead of a native one: the seam that lets a JVM
     * concurrency checker explore the inbox and wakeup protocol (it cannot see into a native select).
     */
    EventLoop(Clock clock, java.nio.channels.Selector selector) {
        this.poller = new Poller(selector);
        this.clock = clock;
        this.virtualClock = clock instanceof VirtualClock vc ? vc : null;
        this.debug = Debug.defaultEnabled();
        this.thread = Thread.currentThread();
        // A loop-scheduled virtual thread needs a platform carrier; a loop created on a virtual thread
        // uses portable strands.
        this.loopScheduled = !Thread.currentThread().isVirtual() && Strands.MODE == StrandMode.LOOP_SCHEDULED;
    }

    /** A new event loop on the system clock, owned by the calling thread until it runs. */
    public static EventLoop create() {
        return new EventLoop(Clock.system());
    }

    /** A new event loop on {@code clock} (for instance {@link Clock#virtual()} in tests). */
    public static EventLoop create(Clock clock) {
        if (clock == null) {
            throw new NullPointerException("create(null): pass Clock.system() or Clock.virtual()");
        }
        return new EventLoop(clock);
    }

    /**
     * The loop running on this thread or carrying this task, or empty: never throws (asyncio's
     * {@code get_running_loop} raises instead; {@link Aio#runningLoop()} is that form).
     */
    public static Optional<EventLoop> current() {
        EventLoop loop = currentOrNull();
        return loop != null && loop.isRunning() ? Optional.of(loop) : Optional.empty();
    }

    /** The loop of the current task, or the loop running on (or last run by) this thread, or null. */
    static EventLoop currentOrNull() {
        Strand s = Strand.current();
        if (s != null) {
            return s.loop();
        }
        return RUNNING_LOOP.get();
    }

    // ================================================================ scheduling

    /**
     * Schedules {@code callback} to run at the next loop iteration, after the callbacks already
     * scheduled (FIFO).
     *
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoon(Runnable callback) {
        checkThread();
        checkOpen("schedule a callback");
        Handle h = new Handle(this, requireCallback(callback));
        ready.addLast(h);
        return h;
    }

    /**
     * Schedules {@code callback} from any thread and wakes the loop up. The only way to hand the
     * loop work from another thread.
     *
     * @throws IllegalStateException if the loop is closed
     */
    public Handle callSoonThreadsafe(Runnable callback) {
        checkOpen("schedule a callback");
        Handle h = new Handle(this, requireCallback(callback));
        poller.post(h);
        return h;
    }

    /**
     * Schedules {@code callback} to run {@code delaySeconds} from now ({@link #time()} based). A
     * negative or zero delay runs it at the next iteration, after the callbacks already due.
     *
     * @throws IllegalArgumentException if the delay is NaN
     */
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        return schedule(clock.nanoTime() + Durations.secondsToNanos(delaySeconds, "callLater"), callback, Context.capture());
    }

    /** Schedules {@code callback} to run after {@code delay}; see {@link #callLater(double, Runnable)}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return schedule(clock.nanoTime() + Durations.durationToNanos(delay), callback, Context.capture());
    }

    /** Schedules {@code callback} to run at loop time {@code when} (seconds, as {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("callAt(NaN): pass a loop time in seconds, as time() returns");
        }
        long now = clock.nanoTime();
        return schedule(now + Durations.secondsToNanos(when - now / 1e9, "callAt"), callback, Context.capture());
    }

    /**
     * An internal timer at loop nanosecond {@code deadline} (sleep, timeouts, waitFor, wait,
     * asCompleted): its callback only completes a future or cancels a task, so it does not capture the
     * context (one lookup less per sleep).
     */
    TimerHandle callAtNanos(long deadline, Runnable callback) {
        return schedule(deadline, callback, null);
    }

    private TimerHandle schedule(long deadline, Runnable callback, java.util.Map<ContextVar<?>, Object> contextVars) {
        checkThread();
        checkOpen("schedule a timer");
        TimerHandle h = new TimerHandle(this, requireCallback(callback), deadline, timers.nextSequence(), contextVars);
        timers.add(h);
        return h;
    }

    /** The loop's time in seconds, from its {@link Clock}; only differences are meaningful. */
    public double time() {
        return clock.nanoTime() / 1e9;
    }

    /** The loop's time in nanoseconds, from its {@link Clock}. */
    public long timeNanos() {
        return clock.nanoTime();
    }

    /** The loop's clock. */
    public Clock clock() {
        return clock;
    }

    /**
     * The deadline {@code seconds} from now in this loop's time; {@code Double.POSITIVE_INFINITY} is
     * {@link Deadline#NONE}, zero or less is now.
     *
     * @throws IllegalArgumentException if {@code seconds} is NaN
     */
    public Deadline deadlineAfter(double seconds) {
        if (seconds == Double.POSITIVE_INFINITY) {
            return Deadline.NONE;
        }
        return Deadline.after(clock.nanoTime(), Durations.secondsToNanos(seconds, "deadlineAfter"));
    }

    /** The deadline {@code delay} from now in this loop's time (a negative delay is now). */
    public Deadline deadlineAfter(Duration delay) {
        return Deadline.after(clock.nanoTime(), Durations.durationToNanos(delay));
    }

    private static Runnable requireCallback(Runnable callback) {
        if (callback == null) {
            throw new NullPointerException("the callback is null");
        }
        return callback;
    }

    void timerCancelled() {
        if (isLoopThread()) {
            timers.cancelled();
        }
    }

    // ================================================================ readiness

    /**
     * Calls {@code callback} whenever {@code channel} is readable (for a server channel: has a
     * connection to accept), until {@link #removeReader}: asyncio's {@code add_reader}. Replaces the
     * channel's previous reader. The channel must be open and non-blocking.
     *
     * @return the handle of the registration ({@link Handle#cancel()} removes it when it would next run)
     * @throws IllegalArgumentException if the channel is closed, in blocking mode, or cannot be read from
     *                                  (for {@code addWriter}: written to), as a pipe's sink cannot
     * @throws IllegalStateException if a task waits for the channel in {@code Lowlevel.waitReadable}
     *                               ({@code waitWritable}): replacing its registration would strand it
     * @throws WrongThreadException from another thread while the loop runs
     */
    public Handle addReader(SelectableChannel channel, Runnable callback) {
        return Readiness.add(this, channel, callback, true);
    }

    /** Stops watching {@code channel} for readability; whether a reader was registered. */
    public boolean removeReader(SelectableChannel channel) {
        return Readiness.remove(this, channel, true) != null;
    }

    /**
     * Calls {@code callback} whenever {@code channel} is writable (for a connecting socket: when the
     * connection completed or failed), until {@link #removeWriter}: asyncio's {@code add_writer}.
     * Replaces the channel's previous writer; the same rules as {@link #addReader}.
     */
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        return Readiness.add(this, channel, callback, false);
    }

    /** Stops watching {@code channel} for writability; whether a writer was registered. */
    public boolean removeWriter(SelectableChannel channel) {
        return Readiness.remove(this, channel, false) != null;
    }

    /** The selector and inbox (for Readiness, which owns the registration rules). */
    Poller poller() {
        return poller;
    }

    // ================================================================ signals

    /**
     * Runs {@code callback} on this loop whenever the process gets {@code signal} ({@code "INT"},
     * {@code "TERM"}, {@code "HUP"}, {@code "USR1"}, ...): asyncio's {@code add_signal_handler}. Replaces
     * this loop's previous callback for it; deliveries while one is pending make one call. The JVM's
     * handler comes back with {@link #removeSignalHandler} or {@link #close}. See {@code docs/signals.md}.
     *
     * @throws IllegalArgumentException for an unknown signal or one the JVM keeps (QUIT, USR2, ...): the
     *                                  message lists the signals a program can handle
     * @throws IllegalStateException if the loop is closed, or the JVM ignores the signal (HUP under nohup)
     * @throws WrongThreadException from a thread other than the loop's
     */
    public void addSignalHandler(String signal, Runnable callback) {
        signals.add(signal, callback);
    }

    /** Removes this loop's callback for {@code signal}, restoring the JVM's handler; whether there was one. */
    public boolean removeSignalHandler(String signal) {
        return signals.remove(signal);
    }

    // ================================================================ futures and tasks

    /** A new pending future of this loop. */
    public <T> Future<T> createFuture() {
        checkThread();
        return new Future<>(this);
    }

    /**
     * Wraps {@code coro} in a task made by this loop's {@link TaskFactory} and schedules it (or, as the
     * factory decides, starts it eagerly). The one way to create a task: {@link Aio#createTask} and
     * {@link TaskGroup#createTask} call it.
     *
     * @throws IllegalStateException if the loop is closed, the coroutine was already awaited, or the
     *                               factory did not create and return the task
     */
    public <T> Task<T> createTask(Coro<T> coro) {
        return createTask(coro, null);
    }

    /** Like {@link #createTask(Coro)}, naming the task ({@code null}: {@code Task-N}). */
    public <T> Task<T> createTask(Coro<T> coro, String name) {
        if (coro == null) {
            throw new NullPointerException("createTask(null): pass a coroutine made by Aio.async(...)");
        }
        return TaskRequest.run(this, taskFactory, coro, name);
    }

    /** Sets the factory used by {@link #createTask(Coro, String)}; {@code null} restores the default. */
    public void setTaskFactory(TaskFactory factory) {
        checkThread();
        this.taskFactory = factory == null ? TaskFactory.DEFAULT : factory;
    }

    /** The current task factory. */
    public TaskFactory getTaskFactory() {
        return taskFactory;
    }

    /** The tasks of this loop that are not done, in creation order. */
    public Set<Task<?>> allTasks() {
        checkThread();
        return tasks.snapshot();
    }

    /** The pending tasks (Task adds and removes itself). */
    TaskRegistry tasks() {
        return tasks;
    }

    /** Schedules a future's done callback (Future's callbacks never run inline). */
    void scheduleDoneCallback(java.util.function.Consumer<?> callback, Future<?> future) {
        ready.addLast(new DoneCallbackHandle(this, callback, future));
    }

    /**
     * The strands' one way in: makes {@code step} runnable, at the back of the ready queue or, with
     * {@code front}, at its head, inside the current batch. From another thread (a strand coming
     * back from a blocking JDK call) it goes through the inbox, at the back.
     */
    void enqueue(Runnable step, boolean front) {
        if (isLoopThread()) {
            Timeline recording = ready.recording;
            if (recording != null) {
                recording.woke(ready.watch, step); // woken by the item running now
            }
            if (front) {
                ready.addFirstInBatch(step);
            } else {
                ready.addLast(step);
            }
        } else {
            poller.post(step);
        }
    }

    /** Whether a sleep(0) must really go round the loop: something else could run. */
    boolean othersWaiting() {
        if (!ready.isEmpty() || !poller.inboxEmpty() || stopping || coros.anyFresh()
                || (testHooks != null && testHooks.shuffledLeft > 0)) {
            return true;
        }
        return timers.due(clock) || poller.hasActive();
    }

    /** A coroutine was made while this loop runs: watch it for "never awaited" after this batch. */
    void coroCreated(Coro<?> c) {
        coros.fresh(c);
        if (testHooks != null && testHooks.coroListener != null) {
            testHooks.coroListener.accept(c);
        }
    }

    CoroWatch coroWatch() {
        return coros;
    }

    /** Work that completes outside the loop starts (+1; virtual time must not jump meanwhile) or ends (-1). */
    void outsideWork(int delta) {
        outsideWork += delta;
    }

    /** Work in flight outside the loop (for tests). */
    int outsideWorkCount() {
        return outsideWork;
    }

    TestHooks testHooks() {
        if (testHooks == null) {
            testHooks = new TestHooks();
        }
        return testHooks;
    }

    long nextTimerDeadline() {
        TimerHandle h = timers.peek();
        return h == null ? Long.MIN_VALUE : h.deadline;
    }

    Thread thread() {
        return thread;
    }

    /** A task step ended its task with a fatal error: the loop rethrows it after the step. */
    void fatalError(Error e) {
        ready.fatalError(e);
    }

    boolean loopScheduled() {
        return loopScheduled;
    }

    Context callbackContext() {
        return ready.callbackContext();
    }

    void setCallbackContext(Context c) {
        ready.setCallbackContext(c);
    }

    /** Failed futures whose exception nobody retrieved yet (any thread: the cleaner removes them too). */
    Set<UnretrievedReport> unretrieved() {
        return unretrieved;
    }

    // ================================================================ running

    /**
     * Runs until {@link #stop()} is called.
     *
     * <p>A {@link VirtualMachineError} other than {@link StackOverflowError} (an
     * {@code OutOfMemoryError}, say) that escapes a callback or ends a task stops the loop at once and
     * is rethrown from here (and so from {@link #runUntilComplete} and {@link Aio#run}), the task
     * keeping it as its exception: asyncio does this with {@code SystemExit} and
     * {@code KeyboardInterrupt}. The loop is left IDLE with its other work pending, so it can be run
     * again or closed. Any other throwable (an {@code AssertionError}, a user's {@code Error}, a
     * {@code StackOverflowError}) stays in the task that raised it, or goes to the exception handler
     * when a callback raised it.
     *
     * @throws IllegalStateException if the loop is closed, already running, or another loop runs on
     *                               this thread
     */
    public void runForever() {
        checkOpen("run");
        checkCanRun();
        Thread me = Thread.currentThread();
        if (loopScheduled && me.isVirtual()) {
            throw new IllegalStateException("this loop was created on a platform thread and runs its tasks"
                    + " on virtual threads it schedules itself, so it must run on a platform thread too;"
                    + " create the loop on the thread that runs it");
        }
        thread = me;
        state = LoopState.RUNNING;
        RUNNING_LOOP.set(this);
        ready.watch.running(this);
        try {
            while (true) {
                runOnce();
                if (stopping) {
                    break;
                }
            }
        } finally {
            ready.watch.stopped();
            stopping = false;
            RUNNING_LOOP.remove();
            state = LoopState.IDLE;
        }
    }

    /**
     * Runs {@code coro} as a task until it is done and returns its result (or throws its exception).
     *
     * @throws IllegalStateException if the loop stopped before the task was done
     */
    public <T> T runUntilComplete(Coro<T> coro) {
        checkOpen("run");
        // Before createTask, as asyncio does: a refused call must not leave a task behind that would
        // run the coroutine anyway at the running loop's next iteration.
        checkCanRun();
        return runUntilComplete(createTask(coro));
    }

    private void checkCanRun() {
        if (state == LoopState.RUNNING) {
            throw new IllegalStateException("This event loop is already running");
        }
        if (currentOrNull() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this"
                    + " thread; inside a coroutine, await instead (Aio.await), or run the other loop on"
                    + " another thread");
        }
    }

    /** Runs the loop until {@code future} is done and returns its result (or throws its exception). */
    public <T> T runUntilComplete(Future<T> future) {
        checkOpen("run");
        if (future.getLoop() != this) {
            throw new IllegalStateException(future + " belongs to another event loop; run it on its own loop");
        }
        java.util.function.Consumer<Future<T>> stopper = f -> stop();
        future.addDoneCallback(stopper);
        try {
            runForever();
        } finally {
            future.removeDoneCallback(stopper);
        }
        if (!future.done()) {
            throw new IllegalStateException("Event loop stopped before Future completed: " + future);
        }
        return future.result();
    }

    /**
     * Stops the loop after the current batch of callbacks. Safe from any thread. If the loop is not
     * running, the next {@code runForever} runs one iteration and returns (as in asyncio).
     */
    public void stop() {
        stopping = true;
        poller.wakeup();
    }

    /** Whether the loop is running. Any thread. */
    public boolean isRunning() {
        return state == LoopState.RUNNING;
    }

    /** Whether the loop is closed. Any thread. */
    public boolean isClosed() {
        return state == LoopState.CLOSED;
    }

    /**
     * Closes the loop: reports failed futures whose exceptions nobody retrieved, coroutines never
     * awaited and tasks still pending; drops pending callbacks, shuts down the default executor
     * without waiting for it, releases the selector. Idempotent.
     *
     * @throws IllegalStateException if the loop is running
     */
    public void close() {
        if (state == LoopState.RUNNING) {
            throw new IllegalStateException("Cannot close a running event loop; call stop() and close it"
                    + " after runForever() returns");
        }
        if (state == LoopState.CLOSED) {
            return;
        }
        thread = Thread.currentThread();
        coros.reportAtClose(this);
        LoopReports.atClose(this, unretrieved, tasks);
        state = LoopState.CLOSED;
        signals.removeAll();
        ready.clear();
        timers.clear();
        poller.clearInbox();
        executor.atClose();
        poller.close();
    }

    /** One iteration; the order of its steps is the contract of the class documentation. */
    private void runOnce() {
        // 1. What other threads sent.
        poller.drainInbox(ready.deque());

        // 2. Wait for I/O, as long as nothing needs running.
        timers.purgeIfWorthIt();
        if (testHooks != null) {
            testHooks.releaseIdleWaiters(ready.isEmpty() && poller.inboxEmpty() && !timers.due(clock));
        }
        TimerHandle next = timers.peek();
        boolean mayJump = false;
        long timeout; // nanoseconds; -1 = until woken
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
        } else if (next == null) {
            timeout = -1;
        } else if (virtualClock != null) {
            mayJump = virtualClock.autoJump() && outsideWork == 0;
            long delta = next.deadline - clock.nanoTime();
            timeout = delta <= 0 || mayJump ? 0 : -1; // virtual time cannot be waited for in real time
        } else {
            timeout = Math.max(0, next.deadline - clock.nanoTime());
        }
        iterations++;
        long blockedFrom = timeout != 0 ? SystemClock.INSTANCE.nanoTime() : 0; // a poll that may block is timed
        int events = poller.poll(timeout, stopping, ready.deque());
        if (timeout != 0) {
            selectNanos += SystemClock.INSTANCE.nanoTime() - blockedFrom;
        }
        poller.drainInbox(ready.deque());
        if (mayJump && events == 0 && ready.isEmpty()) {
            virtualClock.advanceTo(next.deadline);
        }

        // 3. Timers that are due.
        if (next != null) {
            timers.popDue(clock.nanoTime(), ready.deque(), ready.watch);
        }

        // 4. Exactly the callbacks ready now (items pushed at the head meanwhile are counted in).
        ready.startBatch();
        if (testHooks != null && testHooks.shuffle != null && ready.batchLeft() > 1) {
            testHooks.runShuffled(this, ready);
        }
        while (ready.batchLeft() > 0) {
            ready.runNext(this);
        }

        coros.watchFresh(this);
    }

    // ================================================================ threads

    /**
     * Runs blocking {@code fn} on {@code executor} ({@code null}: the default one) in a copy of the
     * caller's context; returns a future of this loop for its outcome (asyncio's {@code run_in_executor}).
     * Cancelling the future interrupts {@code fn}'s thread, and it becomes CANCELLED once {@code fn} has
     * returned or thrown (work not started yet never starts): the result is discarded, an exception
     * other than the interruption goes to the exception handler. Code deaf to interrupts (a
     * {@code FileInputStream} read) is waited for. A rejecting executor gives a failed future. See
     * {@code docs/threads.md}.
     *
     * @throws IllegalStateException if the loop is closed, or {@code executor} is null and the default
     *                               executor was shut down ({@link #shutdownDefaultExecutor})
     */
    public <T> Future<T> runInExecutor(Executor executor, Callable<T> fn) {
        checkThread();
        checkOpen("run work in an executor");
        if (fn == null) {
            throw new NullPointerException("runInExecutor(executor, null): pass the blocking function to run");
        }
        return this.executor.run(executor, fn);
    }

    /**
     * Makes {@code executor} the default one ({@code null}: the built-in one, a virtual thread per call,
     * at most {@code -Daio4j.defaultExecutor.maxThreads} (256) at once), also after a shutdown. An
     * {@code ExecutorService} (not the common pool) becomes the loop's to shut down.
     */
    public void setDefaultExecutor(Executor executor) {
        checkThread();
        checkOpen("set the default executor");
        this.executor.setDefault(executor);
    }

    /**
     * A coroutine that shuts the default executor down and waits, on a thread of its own, up to
     * {@code timeout} ({@code null}: no limit) for its work, else logs a warning and leaves it running
     * (asyncio 3.12). Afterwards {@code runInExecutor(null, fn)} and {@code toThread} throw
     * {@link IllegalStateException} until {@link #setDefaultExecutor}. Runner runs it (300 s) at close.
     */
    public Coro<Void> shutdownDefaultExecutor(Duration timeout) {
        return executor.shutdown(timeout);
    }

    // ================================================================ async generators

    /**
     * A coroutine that closes every async generator of this loop still suspended mid-iteration
     * (asyncio's {@code shutdown_asyncgens}): each is closed in a task of its own, concurrently, so
     * {@code finally} blocks that await get their time; errors go to the exception handler.
     * Generators first iterated afterwards are not tracked (a warning is logged).
     * {@link Aio#run} and {@link Runner} run it after cancelling the remaining tasks.
     */
    public Coro<Void> shutdownAsyncgens() {
        return asyncGens().shutdown();
    }

    /** Whether some async generator of this loop is suspended mid-iteration (Runner skips the shutdown task if not). */
    boolean hasAsyncGensToClose() {
        return asyncGens.size() > 0;
    }

    AsyncGenRegistry asyncGens() {
        return asyncGens;
    }

    // ================================================================ errors and debug

    /** Installs the handler of errors nobody else can handle; {@code null} restores the default. */
    public void setExceptionHandler(ExceptionHandler handler) {
        checkThread();
        this.exceptionHandler = handler;
    }

    /** The installed exception handler, or {@code null} for the default. */
    public ExceptionHandler getExceptionHandler() {
        return exceptionHandler;
    }

    /** Calls the installed exception handler, or the default one. */
    public void callExceptionHandler(ExceptionContext context) {
        LoopReports.call(this, exceptionHandler, context);
    }

    /** The default handling: an ERROR on the {@code org.aio4j} logger, with the exception. */
    public void defaultExceptionHandler(ExceptionContext context) {
        LoopReports.logDefault(context);
    }

    /** Reports from any thread (garbage collection reports): through the handler if the loop is open. */
    void reportFromAnyThread(ExceptionContext context) {
        LoopReports.fromAnyThread(this, context);
    }

    /** Turns debug mode on or off (see the class documentation). */
    public void setDebug(boolean enabled) {
        this.debug = enabled;
    }

    /** Whether debug mode is on. */
    public boolean isDebug() {
        return debug;
    }

    /** In debug mode, callbacks and task steps longer than this (seconds) are logged. Default 0.1. */
    public double slowCallbackDuration() {
        return slowCallbackDuration;
    }

    /** Sets {@link #slowCallbackDuration()}. */
    public void slowCallbackDuration(double seconds) {
        if (!(seconds >= 0)) {
            throw new IllegalArgumentException("slowCallbackDuration must be >= 0 seconds, got " + seconds);
        }
        this.slowCallbackDuration = seconds;
    }

    // ================================================================ thread checks

    /** Whether the caller is this loop's thread or one of its tasks. */
    boolean isLoopThread() {
        Thread t = Thread.currentThread();
        return t == thread || (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s && s.loop() == this);
    }

    /** Loop-confined methods: fail loudly when called from another thread while the loop runs. */
    void checkThread() {
        if (state == LoopState.RUNNING && !isLoopThread()) {
            throw new WrongThreadException("this event loop is confined to thread '" + thread.getName()
                    + "' while it runs, but was called from '" + Thread.currentThread().getName()
                    + "'; hand work to it with callSoonThreadsafe(...)");
        }
    }

    void checkOpen(String what) {
        if (state == LoopState.CLOSED) {
            throw new IllegalStateException("Event loop is closed: cannot " + what
                    + "; create a new loop (or use Aio.run, which makes one)");
        }
    }

    /**
     * The loop's counters (see {@link LoopStatistics}). Any thread: read from another thread while
     * the loop runs, the figures may be one step old.
     */
    public LoopStatistics statistics() {
        return new LoopStatistics(iterations, ready.ran, ready.size(), timers.size(), poller.registrations(),
                tasks.size(), selectNanos / 1e9, Math.max(0, ready.watch.late()) / 1e9);
    }

    @Override
    public String toString() {
        return "EventLoop[" + state.name().toLowerCase(java.util.Locale.ROOT) + " ready=" + ready.size()
                + " timers=" + timers.size() + " tasks=" + tasks.size() + " debug=" + debug + "]";
    }
}
