package org.aio4j;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
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
     * Implementation notes.
     *
     * The loop is the tick and its queues; the pieces it drives live beside it: TimerQueue (the heap),
     * Poller (selector, readiness registrations, the inbox and its wakeup), TaskRegistry (the pending
     * tasks), ExecutorBridge (work sent to threads), Strand/Strands (how task code suspends), and the
     * test kit's TestHooks. The kernel's rules are in package-info.java.
     *
     * Ready queue items are Handles (user callbacks) or bare Runnables (strand steps): a task switch
     * costs no Handle allocation. A strand hands its steps to enqueue(): the wake-up of a waiting task
     * is asyncio's "call_soon(task.__wakeup)", so ordering between callbacks and task wake-ups is
     * asyncio's.
     *
     * The head of the queue: an eager task's first step and its creator's wake-up go to the head and
     * batchLeft grows, so they run inside the current batch (Strand.start).
     *
     * Virtual time: with a VirtualClock in auto-jump mode, when nothing is ready, the select is a poll,
     * and if it finds nothing the clock jumps to the nearest timer, unless work is in flight outside
     * the loop (awaited CompletionStages, executor work, task code parked in a blocking JDK call):
     * then the loop waits for it in real time.
     */

    private enum LoopState { IDLE, RUNNING, CLOSED }

    private static final System.Logger LOG = System.getLogger("org.aio4j");
    private static final ThreadLocal<EventLoop> RUNNING_LOOP = new ThreadLocal<>();
    /** Sleeps longer than this are "forever" (~73 years): keeps deadline arithmetic from overflowing. */
    static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;

    static {
        org.aio4j.internal.LoopHooks.Installed.install(LoopHooksImpl.INSTANCE);
        org.aio4j.internal.KernelAccess.Installed.install(KernelAccessImpl.INSTANCE);
    }

    // ------------------------------------------------------------ any thread
    private final Poller poller = new Poller();
    private volatile LoopState state = LoopState.IDLE;
    private volatile boolean stopping;
    /** The thread that runs (or last ran, or created) the loop. */
    private volatile Thread thread;
    private final Set<UnretrievedReport> unretrieved = ConcurrentHashMap.newKeySet();
    private final Set<Coro.NeverAwaited> watchedCoros = ConcurrentHashMap.newKeySet();
    private final Clock clock;

    // ------------------------------------------------------------ loop thread only
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private int batchLeft;
    private final TimerQueue timers = new TimerQueue();
    private final VirtualClock virtualClock;
    /** Whether tasks run on loop-scheduled virtual threads (else portable strands). */
    private final boolean loopScheduled;
    /** Work in flight outside the loop: awaited stages, executor work, strands in blocking calls. */
    private int outsideWork;
    private final TaskRegistry tasks = new TaskRegistry();
    /** Coroutines made during the current batch: watched for "never awaited" after it. */
    private final ArrayList<Coro<?>> freshCoros = new ArrayList<>();
    private boolean debug;
    private double slowCallbackDuration = 0.1;
    private ExceptionHandler exceptionHandler;
    private TaskFactory taskFactory = TaskFactory.DEFAULT;
    private final ExecutorBridge executor = new ExecutorBridge(this);
    /** The test kit's hooks, when it uses this loop (null otherwise). */
    private TestHooks testHooks;
    /** The context of the callback running now (built lazily from its handle's captured variables). */
    private Context callbackContext;
    /** A fatal error (FatalErrors) that ended the task step running now: runItem rethrows it. */
    private Error fatalError;

    private EventLoop(Clock clock) {
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
            return s.loop;
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
        return schedule(clock.nanoTime() + secondsToNanos(delaySeconds, "callLater"), callback, Context.capture());
    }

    /** Schedules {@code callback} to run after {@code delay}; see {@link #callLater(double, Runnable)}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return schedule(clock.nanoTime() + durationToNanos(delay), callback, Context.capture());
    }

    /** Schedules {@code callback} to run at loop time {@code when} (seconds, as {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("callAt(NaN): pass a loop time in seconds, as time() returns");
        }
        long now = clock.nanoTime();
        return schedule(now + secondsToNanos(when - now / 1e9, "callAt"), callback, Context.capture());
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
        return Deadline.after(clock.nanoTime(), secondsToNanos(seconds, "deadlineAfter"));
    }

    /** The deadline {@code delay} from now in this loop's time (a negative delay is now). */
    public Deadline deadlineAfter(Duration delay) {
        return Deadline.after(clock.nanoTime(), durationToNanos(delay));
    }

    static long secondsToNanos(double seconds, String what) {
        if (Double.isNaN(seconds)) {
            throw new IllegalArgumentException(what + ": the delay is NaN; pass a number of seconds");
        }
        if (seconds <= 0) {
            return 0;
        }
        double nanos = seconds * 1e9;
        return nanos >= MAX_DELAY_NANOS ? MAX_DELAY_NANOS : (long) Math.ceil(nanos);
    }

    static long durationToNanos(Duration d) {
        if (d == null) {
            throw new NullPointerException("the duration is null");
        }
        if (d.isNegative()) {
            return 0;
        }
        return d.compareTo(Duration.ofNanos(MAX_DELAY_NANOS)) >= 0 ? MAX_DELAY_NANOS : d.toNanos();
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
        return addReadiness(channel, callback, true);
    }


    /** Stops watching {@code channel} for readability; whether a reader was registered. */
    public boolean removeReader(SelectableChannel channel) {
        return removeReadiness(channel, true) != null;
    }

    /**
     * Calls {@code callback} whenever {@code channel} is writable (for a connecting socket: when the
     * connection completed or failed), until {@link #removeWriter}: asyncio's {@code add_writer}.
     * Replaces the channel's previous writer; the same rules as {@link #addReader}.
     */
    public Handle addWriter(SelectableChannel channel, Runnable callback) {
        return addReadiness(channel, callback, false);
    }

    /** Stops watching {@code channel} for writability; whether a writer was registered. */
    public boolean removeWriter(SelectableChannel channel) {
        return removeReadiness(channel, false) != null;
    }

    Handle addReadiness(SelectableChannel channel, Runnable callback, boolean reader) {
        checkThread();
        checkOpen(reader ? "add a reader" : "add a writer");
        if (channel == null) {
            throw new NullPointerException((reader ? "addReader" : "addWriter") + "(null, ...): pass the channel to watch");
        }
        requireCallback(callback);
        if (Readiness.isTaskWait(poller.get(channel, reader)) && channel.isOpen()) {
            // Replacing the task's registration would leave it parked forever (Readiness's rule).
            throw new IllegalStateException((reader ? "addReader" : "addWriter") + "(" + channel + "): a task is"
                    + " waiting for it to become " + (reader ? "readable" : "writable") + " (Lowlevel.wait"
                    + (reader ? "Readable" : "Writable") + "); replacing its registration would leave that task"
                    + " parked forever: cancel the task, or call Lowlevel.notifyClosing(channel), first");
        }
        Handle h = new Handle(this, callback);
        Handle old = poller.add(channel, h, reader);
        if (old != null) {
            old.cancel();
        }
        return h;
    }

    Handle removeReadiness(SelectableChannel channel, boolean reader) {
        checkThread();
        if (channel == null || state == LoopState.CLOSED) {
            return null;
        }
        Handle h = poller.remove(channel, reader);
        if (h != null) {
            h.cancel();
        }
        return h;
    }

    /** The reader ({@code reader}) or writer handle of {@code channel}, or null (for {@link Readiness}). */
    Handle readinessHandle(SelectableChannel channel, boolean reader) {
        return poller.get(channel, reader);
    }

    // ================================================================ futures and tasks

    /** A new pending future of this loop. */
    public <T> Future<T> createFuture() {
        checkThread();
        return new Future<>(this);
    }

    /**
     * Wraps {@code coro} in a task made by this loop's {@link TaskFactory} and schedules it.
     *
     * @throws IllegalStateException if the loop is closed or the coroutine was already awaited
     */
    public <T> Task<T> createTask(Coro<T> coro) {
        return createTask(coro, null);
    }

    /** Like {@link #createTask(Coro)}, naming the task ({@code null}: {@code Task-N}). */
    @SuppressWarnings("unchecked")
    public <T> Task<T> createTask(Coro<T> coro, String name) {
        if (coro == null) {
            throw new NullPointerException("createTask(null): pass a coroutine made by Aio.async(...)");
        }
        return (Task<T>) taskFactory.newTask(this, coro, name);
    }

    /**
     * Creates a task, eagerly ({@code eager}: the coroutine runs now until its first suspension) or
     * not, bypassing the task factory. An eager start needs a running loop; on a loop that is not
     * running the first step is scheduled as usual (as in Python 3.12).
     */
    public <T> Task<T> createTask(Coro<T> coro, String name, boolean eager) {
        if (coro == null) {
            throw new NullPointerException("createTask(null): pass a coroutine made by Aio.async(...)");
        }
        return Task.create(this, coro, name, eager);
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

    void taskStarted(Task<?> t) {
        tasks.add(t);
    }

    void taskEnded(Task<?> t) {
        tasks.remove(t);
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
            if (front) {
                ready.addFirst(step);
                batchLeft++;
            } else {
                ready.addLast(step);
            }
        } else {
            poller.post(step);
        }
    }

    /** Whether a sleep(0) must really go round the loop: something else could run. */
    boolean othersWaiting() {
        if (!ready.isEmpty() || !poller.inboxEmpty() || stopping || !freshCoros.isEmpty()
                || (testHooks != null && testHooks.shuffledLeft > 0)) {
            return true;
        }
        return timers.due(clock.nanoTime()) || poller.hasActive();
    }

    /** A coroutine was made while this loop runs: watch it for "never awaited" after this batch. */
    void coroCreated(Coro<?> c) {
        freshCoros.add(c);
        if (testHooks != null && testHooks.coroListener != null) {
            testHooks.coroListener.accept(c);
        }
    }

    /** A coroutine of this loop is watched: reported at close if still never awaited by then. */
    void watching(Coro.NeverAwaited w) {
        watchedCoros.add(w);
    }

    void unwatch(Coro.NeverAwaited w) {
        watchedCoros.remove(w);
    }

    /** Work that completes outside the loop starts (virtual time must not jump meanwhile). */
    void outsideWorkStarted() {
        outsideWork++;
    }

    /** ... and ended. */
    void outsideWorkEnded() {
        outsideWork--;
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
        fatalError = e;
    }

    boolean loopScheduled() {
        return loopScheduled;
    }

    Context callbackContext() {
        return callbackContext;
    }

    void setCallbackContext(Context c) {
        callbackContext = c;
    }

    void trackUnretrieved(UnretrievedReport r) {
        unretrieved.add(r);
    }

    void untrackUnretrieved(UnretrievedReport r) {
        unretrieved.remove(r);
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
        try {
            while (true) {
                runOnce();
                if (stopping) {
                    break;
                }
            }
        } finally {
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
        watchFreshCoros();
        for (Coro.NeverAwaited w : new ArrayList<>(watchedCoros)) {
            w.reportNow();
        }
        for (UnretrievedReport r : new ArrayList<>(unretrieved)) {
            r.reportAtClose();
        }
        tasks.forEach(t -> callExceptionHandler(new ExceptionContext("Task was destroyed but it is pending! (the"
                + " loop closed while it was still running; cancel and await tasks before closing, as Aio.run does)",
                null, t, null, t.getName())));
        state = LoopState.CLOSED;
        ready.clear();
        timers.clear();
        poller.clearInbox();
        executor.shutdownNow();
        try {
            poller.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the event loop's selector failed", e);
        }
    }

    /** One iteration; the order of its steps is the contract of the class documentation. */
    private void runOnce() {
        // 1. What other threads sent.
        poller.drainInbox(ready);

        // 2. Wait for I/O, as long as nothing needs running.
        timers.purgeIfWorthIt();
        if (testHooks != null) {
            testHooks.releaseIdleWaiters(ready.isEmpty() && poller.inboxEmpty() && !timers.due(clock.nanoTime()));
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
        int events = poller.poll(timeout, stopping, ready);
        poller.drainInbox(ready);
        if (mayJump && events == 0 && ready.isEmpty()) {
            virtualClock.advanceTo(next.deadline);
        }

        // 3. Timers that are due.
        if (next != null) {
            timers.popDue(clock.nanoTime(), ready);
        }

        // 4. Exactly the callbacks ready now (items pushed at the head meanwhile are counted in).
        batchLeft = ready.size();
        if (testHooks != null && testHooks.shuffle != null && batchLeft > 1) {
            runShuffledBatch();
        }
        while (batchLeft > 0) {
            batchLeft--;
            runItem(ready.pollFirst());
        }

        watchFreshCoros();
    }

    private void watchFreshCoros() {
        if (!freshCoros.isEmpty()) {
            for (Coro<?> c : freshCoros) {
                c.watch(this);
            }
            freshCoros.clear();
        }
    }

    /**
     * The test kit's shuffle mode: this iteration's callbacks in a random order. Items pushed at the
     * head while it runs (an eager task's first step) still run right after the item that pushed them.
     */
    private void runShuffledBatch() {
        Object[] batch = new Object[batchLeft];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ready.pollFirst();
        }
        for (int i = batch.length - 1; i > 0; i--) {
            int j = testHooks.shuffle.nextInt(i + 1);
            Object t = batch[i];
            batch[i] = batch[j];
            batch[j] = t;
        }
        batchLeft = 0;
        testHooks.shuffledLeft = batch.length;
        try {
            for (Object item : batch) {
                testHooks.shuffledLeft--;
                runItem(item);
                while (batchLeft > 0) {
                    batchLeft--;
                    runItem(ready.pollFirst());
                }
            }
        } finally {
            testHooks.shuffledLeft = 0;
        }
    }

    private void runItem(Object item) {
        boolean timed = debug; // read once: the item may turn debug mode on or off
        long started = timed ? SystemClock.INSTANCE.nanoTime() : 0;
        try {
            if (item instanceof Handle h) {
                callbackContext = h.contextVars == null ? null : new Context(h.contextVars);
                try {
                    h.runHandle();
                } finally {
                    callbackContext = null;
                }
            } else {
                ((Runnable) item).run();
                Error fatal = fatalError;
                if (fatal != null) {
                    fatalError = null; // the step was a task's last, ended by it: stop the loop with it
                    throw fatal;
                }
            }
        } catch (Throwable e) {
            if (FatalErrors.stopsTheLoop(e)) {
                throw e;
            }
            Handle h = item instanceof Handle hh ? hh : null;
            callExceptionHandler(new ExceptionContext("Exception in callback " + item, e, null, h, null));
        }
        if (timed) {
            long took = SystemClock.INSTANCE.nanoTime() - started;
            if (took > slowCallbackDuration * 1e9) {
                Debug.reportSlow(item, took);
            }
        }
    }

    // ================================================================ executor

    /**
     * Runs blocking {@code fn} on {@code executor} ({@code null}: the default executor, one virtual
     * thread per call) and returns a future of this loop for its result.
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
     * Shuts the default executor down and waits (up to {@code timeout}) for the work it runs to end.
     * {@link Aio#run} and {@link Runner} call this before closing the loop.
     *
     * @return whether everything ended in time
     */
    public boolean shutdownDefaultExecutor(Duration timeout) {
        return executor.shutdown(timeout);
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
        ExceptionHandler h = exceptionHandler;
        if (h == null) {
            defaultExceptionHandler(context);
            return;
        }
        try {
            h.handle(this, context);
        } catch (Throwable e) {
            LOG.log(System.Logger.Level.ERROR, "Unhandled error in exception handler " + h
                    + " while handling: " + context.message(), e);
            defaultExceptionHandler(context);
        }
    }

    /** The default handling: an ERROR on the {@code org.aio4j} logger, with the exception. */
    public void defaultExceptionHandler(ExceptionContext context) {
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

    /** Reports from any thread (garbage collection reports): through the handler if the loop is open. */
    void reportFromAnyThread(ExceptionContext context) {
        if (state == LoopState.CLOSED) {
            defaultExceptionHandler(context);
        } else if (isLoopThread()) {
            callExceptionHandler(context);
        } else {
            try {
                callSoonThreadsafe(() -> callExceptionHandler(context));
            } catch (IllegalStateException closed) {
                defaultExceptionHandler(context);
            }
        }
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
        return t == thread || (t.isVirtual() && t.getUncaughtExceptionHandler() instanceof Strand s && s.loop == this);
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

    @Override
    public String toString() {
        return "EventLoop[" + state.name().toLowerCase(java.util.Locale.ROOT) + " ready=" + ready.size()
                + " timers=" + timers.size() + " tasks=" + tasks.size() + " debug=" + debug + "]";
    }
}
