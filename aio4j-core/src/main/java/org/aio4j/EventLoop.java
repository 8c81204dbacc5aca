package org.aio4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A single-threaded event loop: Python's {@code asyncio} event loop. It runs callbacks, timers and
 * tasks one at a time on one thread, and waits for I/O when there is nothing to run.
 *
 * <p>Most programs never touch the loop: {@link Aio#run} makes one, runs a coroutine on it and
 * closes it. Use the loop directly to schedule callbacks ({@link #callSoon}, {@link #callLater},
 * {@link #callAt}), to run it yourself ({@link #runUntilComplete}, {@link #runForever}), or to hand it
 * work from other threads ({@link #callSoonThreadsafe}).
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
     * This is the loop-core file STYLE.md allows to be larger: the iteration, the timer heap, the
     * inbox and the hooks the strands use belong together and are read together.
     *
     * Ready queue items are Handles (user callbacks) or bare Runnables (strand continuations and
     * portable-strand steps): a task switch costs no Handle allocation. A virtual thread's
     * continuation is handed to submitContinuation() by the JDK (our loop is its scheduler) when it
     * is started or unparked: the unpark of a waiting task is the "call_soon(task.__wakeup)" of
     * asyncio, so ordering between callbacks and task wake-ups is asyncio's.
     *
     * Eager start and the head of the queue: an eager task created inside another task must run
     * before anything else; the new task's first step and a wake-up of the creator go to the head of
     * the ready queue and batchLeft grows by two, so they run inside the current batch.
     *
     * Detecting blocking calls: a strand marks itself `stepping` when it resumes from an await and
     * clears it when it suspends at one. If its continuation returns while still `stepping`, it
     * parked somewhere else: inside a blocking JDK call. It no longer holds the loop; the loop
     * counts it (virtual time must not jump while it is out) and reports it in debug mode.
     *
     * Virtual time: with a VirtualClock in auto-jump mode, when nothing is ready, the select is a
     * poll, and if it finds nothing the clock jumps to the nearest timer, unless work is in flight
     * outside the loop (foreignPending, blockedStrands): then the loop waits for it in real time.
     */

    private enum LoopState { IDLE, RUNNING, CLOSED }

    private static final System.Logger LOG = System.getLogger("org.aio4j");
    private static final ThreadLocal<EventLoop> RUNNING_LOOP = new ThreadLocal<>();
    /** Sleeps longer than this are "forever" (~73 years): keeps deadline arithmetic from overflowing. */
    private static final long MAX_DELAY_NANOS = Long.MAX_VALUE >> 2;
    private static final int MIN_CANCELLED_TIMERS_TO_PURGE = 100;

    static {
        org.aio4j.internal.LoopHooks.Installed.install(LoopHooksImpl.INSTANCE);
    }

    // ------------------------------------------------------------ any thread
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    private final Selector selector;
    private volatile LoopState state = LoopState.IDLE;
    private volatile boolean stopping;
    /** The thread that runs (or last ran, or created) the loop. */
    volatile Thread thread;
    final Set<UnretrievedReport> unretrieved = ConcurrentHashMap.newKeySet();
    final Clock clock;

    // ------------------------------------------------------------ loop thread only
    private final ArrayDeque<Object> ready = new ArrayDeque<>();
    private int batchLeft;
    /** Set around an unpark that must put the continuation at the head of the ready queue. */
    boolean submitFront;
    private final PriorityQueue<TimerHandle> timers = new PriorityQueue<>(TimerHandle::compare);
    private long timerSequence;
    private int cancelledTimers;
    private final VirtualClock virtualClock;
    /** Whether tasks run on loop-scheduled virtual threads (else portable strands). */
    final boolean loopScheduled;
    private Strand stepping;
    private Strand lastStepped;
    private int blockedStrands;
    private int foreignPending;
    private Task<?> pendingHead;
    private Task<?> pendingTail;
    private int pendingCount;
    private final ArrayList<Coro<?>> freshCoros = new ArrayList<>();
    boolean debug;
    private double slowCallbackDuration = 0.1;
    private ExceptionHandler exceptionHandler;
    private TaskFactory taskFactory = TaskFactory.DEFAULT;
    private ExecutorService defaultExecutor;
    // test-kit hooks (LoopHooks)
    private ArrayList<Future<Void>> idleWaiters;
    java.util.random.RandomGenerator shuffle;
    /** Items of the shuffled batch not run yet: they are out of {@code ready}, but still waiting (othersWaiting). */
    private int shuffledLeft;
    java.util.function.Consumer<Coro<?>> coroListener;
    /** The context of the callback running now (built lazily from its handle's captured variables). */
    Context callbackContext;

    private EventLoop(Clock clock) {
        this(clock, openSelector());
    }

    /**
     * A loop that waits on {@code selector} instead of a native one: the seam that lets a JVM
     * concurrency checker explore the inbox and wakeup protocol (it cannot see into a native select).
     */
    EventLoop(Clock clock, Selector selector) {
        this.clock = clock;
        this.virtualClock = clock instanceof VirtualClock vc ? vc : null;
        this.debug = Aio.debugDefault();
        this.thread = Thread.currentThread();
        // A loop-scheduled virtual thread needs a platform carrier; a loop created on a virtual thread
        // uses portable strands.
        this.loopScheduled = !Thread.currentThread().isVirtual() && Strands.MODE == StrandMode.LOOP_SCHEDULED;
        this.selector = selector;
    }

    private static Selector openSelector() {
        try {
            return Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the NIO selector the event loop waits on", e);
        }
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

    /** The loop running on this thread (or carrying this task), or {@code null}. */
    static EventLoop current() {
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
        inbox.add(h);
        wakeup();
        return h;
    }

    /**
     * Schedules {@code callback} to run {@code delaySeconds} from now ({@link #time()} based). A
     * negative or zero delay runs it at the next iteration, after the callbacks already due.
     *
     * @throws IllegalArgumentException if the delay is NaN
     */
    public TimerHandle callLater(double delaySeconds, Runnable callback) {
        return callAtNanos(clock.nanoTime() + secondsToNanos(delaySeconds, "callLater"), callback, Context.capture());
    }

    /** Schedules {@code callback} to run after {@code delay}; see {@link #callLater(double, Runnable)}. */
    public TimerHandle callLater(Duration delay, Runnable callback) {
        return callAtNanos(clock.nanoTime() + durationToNanos(delay), callback, Context.capture());
    }

    /** Schedules {@code callback} to run at loop time {@code when} (seconds, as {@link #time()}). */
    public TimerHandle callAt(double when, Runnable callback) {
        if (Double.isNaN(when)) {
            throw new IllegalArgumentException("callAt(NaN): pass a loop time in seconds, as time() returns");
        }
        long now = clock.nanoTime();
        return callAtNanos(now + secondsToNanos(when - now / 1e9, "callAt"), callback, Context.capture());
    }

    /**
     * An internal timer (sleep, timeouts, waitFor, wait, asCompleted): its callback only completes a
     * future or cancels a task, so it does not capture the context (one lookup less per sleep).
     */
    TimerHandle callAtNanos(long deadline, Runnable callback) {
        return callAtNanos(deadline, callback, null);
    }

    private TimerHandle callAtNanos(long deadline, Runnable callback, java.util.Map<ContextVar<?>, Object> contextVars) {
        checkThread();
        checkOpen("schedule a timer");
        TimerHandle h = new TimerHandle(this, requireCallback(callback), deadline, timerSequence++, contextVars);
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

    void timerCancelled(TimerHandle h) {
        if (isLoopThread()) {
            cancelledTimers++;
        }
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
        Set<Task<?>> all = new LinkedHashSet<>();
        for (Task<?> t = pendingHead; t != null; t = t.nextPending) {
            all.add(t);
        }
        return all;
    }

    void addPending(Task<?> t) {
        t.prevPending = pendingTail;
        if (pendingTail == null) {
            pendingHead = t;
        } else {
            pendingTail.nextPending = t;
        }
        pendingTail = t;
        pendingCount++;
    }

    void removePending(Task<?> t) {
        Task<?> p = t.prevPending;
        Task<?> n = t.nextPending;
        if (p == null) {
            pendingHead = n;
        } else {
            p.nextPending = n;
        }
        if (n == null) {
            pendingTail = p;
        } else {
            n.prevPending = p;
        }
        t.prevPending = null;
        t.nextPending = null;
        pendingCount--;
    }

    /** Starts {@code s} eagerly: its first step runs before anything else. */
    void startEager(Strand s) {
        if (state != LoopState.RUNNING) {
            s.start();
            return;
        }
        s.start();
        Object firstStep = ready.pollLast(); // start() put it there
        Strand creator = Strand.current();
        if (creator == null) {
            runItem(firstStep); // on the loop's own thread: just run it
        } else {
            // Inside a task we cannot run another strand's continuation on this one; the creator steps
            // aside instead, and is woken (at the head) right after the new task's first step.
            ready.addFirst(new Handle(this, () -> creator.wake(true)));
            ready.addFirst(firstStep);
            batchLeft += 2;
            creator.task.suspendUninterruptibly();
        }
    }

    /** Schedules a future's done callback (Future's callbacks never run inline). */
    void scheduleDoneCallback(java.util.function.Consumer<?> callback, Future<?> future) {
        ready.addLast(new DoneCallbackHandle(this, callback, future));
    }

    /** The JDK hands us a continuation of one of our virtual threads (start or unpark). */
    void submitContinuation(Runnable continuation) {
        if (isLoopThread()) {
            if (submitFront) {
                ready.addFirst(continuation);
                batchLeft++;
            } else {
                ready.addLast(continuation);
            }
        } else {
            // A strand coming back from a blocking JDK call (timer or I/O thread of the JDK).
            inbox.add(continuation);
            wakeup();
        }
    }

    /** A portable strand's step. */
    void submitStep(Runnable step, boolean front) {
        if (front) {
            ready.addFirst(step);
            batchLeft++;
        } else {
            ready.addLast(step);
        }
    }

    void enterStep(Strand s) {
        stepping = s;
        lastStepped = s;
    }

    void leaveStep(Strand s) {
        stepping = null;
        if (s.blockedInJdk) {
            s.blockedInJdk = false;
            blockedStrands--;
        }
    }

    /** Whether a sleep(0) must really go round the loop: something else could run. */
    boolean othersWaiting() {
        if (!ready.isEmpty() || shuffledLeft > 0 || !inbox.isEmpty() || stopping || !freshCoros.isEmpty()) {
            return true;
        }
        TimerHandle next = timers.peek();
        if (next != null && next.deadline - clock.nanoTime() <= 0) {
            return true;
        }
        return !selector.keys().isEmpty();
    }

    /** A coroutine was made while this loop runs: watch it for "never awaited" after this batch. */
    void coroCreated(Coro<?> c) {
        freshCoros.add(c);
        if (coroListener != null) {
            coroListener.accept(c);
        }
    }

    /** See {@link org.aio4j.internal.LoopHooks#whenIdle}. */
    Future<Void> whenIdle() {
        Future<Void> f = new Future<>(this);
        if (idleWaiters == null) {
            idleWaiters = new ArrayList<>();
        }
        idleWaiters.add(f);
        return f;
    }

    private boolean timerDue() {
        TimerHandle h = peekTimer();
        return h != null && h.deadline - clock.nanoTime() <= 0;
    }

    long nextTimerDeadline() {
        TimerHandle h = peekTimer();
        return h == null ? Long.MIN_VALUE : h.deadline;
    }

    /** Work that completes outside the loop starts (virtual time must not jump meanwhile). */
    void foreignStarted() {
        foreignPending++;
    }

    /** ... and ended. */
    void foreignEnded() {
        foreignPending--;
    }

    // ================================================================ running

    /**
     * Runs until {@link #stop()} is called.
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
        if (current() != null) {
            throw new IllegalStateException("Cannot run the event loop while another loop is running on this"
                    + " thread; inside a coroutine, await instead (Aio.await), or run the other loop on"
                    + " another thread");
        }
    }

    /** Runs the loop until {@code future} is done and returns its result (or throws its exception). */
    public <T> T runUntilComplete(Future<T> future) {
        checkOpen("run");
        if (future.loop != this) {
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
        wakeup();
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
     * Closes the loop: reports failed futures whose exceptions nobody retrieved and tasks still pending,
     * drops pending callbacks, shuts down the default executor without waiting for it, releases the
     * selector. Idempotent.
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
        for (UnretrievedReport r : new ArrayList<>(unretrieved)) {
            r.reportAtClose();
        }
        for (Task<?> t = pendingHead; t != null; t = t.nextPending) {
            callExceptionHandler(new ExceptionContext("Task was destroyed but it is pending! (the loop closed"
                    + " while it was still running; cancel and await tasks before closing, as Aio.run does)",
                    null, t, null, t.getName()));
        }
        state = LoopState.CLOSED;
        ready.clear();
        timers.clear();
        inbox.clear();
        freshCoros.clear();
        ExecutorService ex = defaultExecutor;
        if (ex != null) {
            defaultExecutor = null;
            ex.shutdown();
        }
        try {
            selector.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "closing the event loop's selector failed", e);
        }
    }

    /** One iteration; the order of its steps is the contract of the class documentation. */
    private void runOnce() {
        // 1. What other threads sent.
        drainInbox();

        // 2. Wait for I/O, as long as nothing needs running.
        if (cancelledTimers > MIN_CANCELLED_TIMERS_TO_PURGE && cancelledTimers * 2 > timers.size()) {
            timers.removeIf(h -> h.cancelled);
            cancelledTimers = 0;
        }
        if (idleWaiters != null && !idleWaiters.isEmpty() && ready.isEmpty() && inbox.isEmpty()
                && !timerDue()) {
            // Nothing to run, no timer due: the moment whenIdle() waits for (before time moves or I/O waits).
            ArrayList<Future<Void>> waiters = idleWaiters;
            idleWaiters = null;
            for (Future<Void> f : waiters) {
                if (!f.done()) {
                    f.setResult(null);
                }
            }
        }
        TimerHandle next = peekTimer();
        boolean mayJump = false;
        long timeout; // nanoseconds; -1 = until woken
        if (!ready.isEmpty() || stopping) {
            timeout = 0;
        } else if (next == null) {
            timeout = -1;
        } else if (virtualClock != null) {
            mayJump = virtualClock.autoJump() && foreignPending == 0 && blockedStrands == 0;
            long delta = next.deadline - clock.nanoTime();
            timeout = delta <= 0 || mayJump ? 0 : -1; // virtual time cannot be waited for in real time
        } else {
            timeout = Math.max(0, next.deadline - clock.nanoTime());
        }
        int events = poll(timeout);
        drainInbox();
        if (mayJump && events == 0 && ready.isEmpty()) {
            virtualClock.advanceTo(next.deadline);
        }

        // 3. Timers that are due.
        if (next != null) {
            long now = clock.nanoTime();
            TimerHandle h;
            while ((h = timers.peek()) != null && h.deadline - now <= 0) {
                timers.poll();
                if (h.cancelled) {
                    cancelledTimers = Math.max(0, cancelledTimers - 1);
                } else {
                    ready.addLast(h);
                }
            }
        }

        // 4. Exactly the callbacks ready now (items pushed at the head meanwhile are counted in).
        batchLeft = ready.size();
        if (shuffle != null && batchLeft > 1) {
            runShuffledBatch();
        }
        while (batchLeft > 0) {
            batchLeft--;
            runItem(ready.pollFirst());
        }

        if (!freshCoros.isEmpty()) {
            for (Coro<?> c : freshCoros) {
                c.watch();
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
            int j = shuffle.nextInt(i + 1);
            Object t = batch[i];
            batch[i] = batch[j];
            batch[j] = t;
        }
        batchLeft = 0;
        shuffledLeft = batch.length;
        try {
            for (Object item : batch) {
                shuffledLeft--;
                runItem(item);
                while (batchLeft > 0) {
                    batchLeft--;
                    runItem(ready.pollFirst());
                }
            }
        } finally {
            shuffledLeft = 0;
        }
    }

    private TimerHandle peekTimer() {
        TimerHandle h;
        while ((h = timers.peek()) != null && h.cancelled) {
            timers.poll();
            cancelledTimers = Math.max(0, cancelledTimers - 1);
        }
        return h;
    }

    private int poll(long timeoutNanos) {
        try {
            if (timeoutNanos == 0) {
                return selector.keys().isEmpty() ? 0 : processKeys(selector.selectNow());
            }
            wakeupNeeded.set(true);
            int n;
            if (!inbox.isEmpty() || stopping) {
                n = selector.selectNow();
            } else if (timeoutNanos < 0) {
                n = selector.select();
            } else {
                n = selector.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
            }
            wakeupNeeded.set(false);
            return processKeys(n);
        } catch (IOException e) {
            throw new UncheckedIOException("the event loop's selector failed", e);
        }
    }

    private int processKeys(int n) {
        if (n > 0) {
            // I/O registration comes with the streams; until then no key is ever registered.
            selector.selectedKeys().clear();
        }
        return n;
    }

    private void wakeup() {
        if (wakeupNeeded.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    private void drainInbox() {
        Object item;
        while ((item = inbox.poll()) != null) {
            ready.addLast(item);
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
            }
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError && !(e instanceof StackOverflowError)) {
                throw e;
            }
            Handle h = item instanceof Handle hh ? hh : null;
            callExceptionHandler(new ExceptionContext("Exception in callback " + item, e, null, h, null));
        }
        if (stepping != null) {
            if (stepping.thread != null && stepping.thread.getState() == Thread.State.RUNNABLE) {
                // The task's code called Thread.yield(): its continuation is already queued again. Not
                // a blocking call; it carries on (unmarked) when its turn comes.
                stepping = null;
            } else {
                strandLeftInBlockingCall(stepping);
            }
        }
        if (timed) {
            long took = SystemClock.INSTANCE.nanoTime() - started;
            if (took > slowCallbackDuration * 1e9) {
                reportSlow(item, took);
            }
        }
    }

    private void strandLeftInBlockingCall(Strand s) {
        stepping = null;
        if (!s.blockedInJdk) {
            s.blockedInJdk = true;
            blockedStrands++;
        }
        if (debug) {
            Throwable where = new Throwable("parked here");
            where.setStackTrace(s.stack());
            LOG.log(System.Logger.Level.WARNING, "Task '" + s.task.getName() + "' parked inside a blocking call"
                    + " instead of at an await. It no longer holds the loop (other tasks run meanwhile), but"
                    + " the code around it does not suspend where it reads as if it does; use an async"
                    + " equivalent or Aio.toThread(...)", where);
        }
    }

    private void reportSlow(Object item, long tookNanos) {
        String what;
        Throwable where = null;
        if (item instanceof Handle h) {
            what = h.toString();
        } else if (lastStepped != null) {
            Task<?> t = lastStepped.task;
            what = "step of " + t;
            StackTraceElement[] stack = lastStepped.stack();
            StackTraceElement at = userFrame(stack);
            if (at != null) {
                what += " (now at " + at + ")";
            }
            if (stack.length > 0) {
                where = new Throwable("where the task is now");
                where.setStackTrace(stack);
            }
        } else {
            what = describe(item);
        }
        String msg = String.format("Executing %s took %.3f seconds", what, tookNanos / 1e9);
        if (where != null) {
            LOG.log(System.Logger.Level.WARNING, msg, where);
        } else {
            LOG.log(System.Logger.Level.WARNING, msg);
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
        Executor ex = executor != null ? executor : defaultExecutor();
        Future<T> f = new Future<>(this);
        foreignStarted();
        var vars = Context.capture();
        Runnable work = () -> {
            Object[] value = {null};
            Throwable[] failed = {null};
            Context.runOnThread(vars, () -> {
                try {
                    value[0] = fn.call();
                } catch (Throwable e) {
                    failed[0] = e;
                }
            });
            @SuppressWarnings("unchecked")
            T v = (T) value[0];
            Throwable x = failed[0];
            try {
                callSoonThreadsafe(() -> {
                    foreignEnded();
                    if (!f.done()) {
                        if (x != null) {
                            f.setException(x);
                        } else {
                            f.setResult(v);
                        }
                    }
                });
            } catch (IllegalStateException closed) {
                // The loop closed while the work ran: nobody is left to receive the result.
            }
        };
        try {
            ex.execute(work);
        } catch (RejectedExecutionException e) {
            foreignEnded();
            f.setException(e);
        }
        return f;
    }

    private ExecutorService defaultExecutor() {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            // Not Thread.ofVirtual(): used from a task, it would make threads scheduled by this loop.
            ex = Executors.newThreadPerTaskExecutor(
                    Strands.workerThreadBuilder().name("aio4j-to-thread-", 0).factory());
            defaultExecutor = ex;
        }
        return ex;
    }

    /**
     * Shuts the default executor down and waits (up to {@code timeout}) for the work it runs to end.
     * {@link Aio#run} and {@link Runner} call this before closing the loop.
     *
     * @return whether everything ended in time
     */
    public boolean shutdownDefaultExecutor(Duration timeout) {
        ExecutorService ex = defaultExecutor;
        if (ex == null) {
            return true;
        }
        defaultExecutor = null;
        ex.shutdown();
        try {
            boolean ended = ex.awaitTermination(durationToNanos(timeout), TimeUnit.NANOSECONDS);
            if (!ended) {
                LOG.log(System.Logger.Level.WARNING, "the default executor did not finish its work within "
                        + timeout + "; its threads are left running");
            }
            return ended;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
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

    /** Work in flight outside the loop (awaited CompletionStages, executor work); for tests. */
    int foreignPendingCount() {
        return foreignPending;
    }

    /** The pending task count (for tests and statistics). */
    int pendingTaskCount() {
        return pendingCount;
    }

    @Override
    public String toString() {
        return "EventLoop[" + state.name().toLowerCase(java.util.Locale.ROOT) + " ready=" + ready.size()
                + " timers=" + timers.size() + " tasks=" + pendingCount + " debug=" + debug + "]";
    }

    // ================================================================ descriptions

    /** A readable name for a lambda or callback object. */
    static String describe(Object callback) {
        if (callback == null) {
            return "null";
        }
        String cls = callback.getClass().getName();
        int lambda = cls.indexOf("$$Lambda");
        if (lambda >= 0) {
            String owner = cls.substring(0, lambda);
            return owner.substring(owner.lastIndexOf('.') + 1) + " lambda";
        }
        String s = callback.toString();
        return s.length() > 100 ? s.substring(0, 97) + "..." : s;
    }

    /** The first stack frame outside the core package and the JDK, or null. */
    static StackTraceElement userFrame(StackTraceElement[] stack) {
        for (StackTraceElement e : stack) {
            String c = e.getClassName();
            int dot = c.lastIndexOf('.');
            String pkg = dot < 0 ? "" : c.substring(0, dot);
            if (pkg.equals("org.aio4j") || c.startsWith("java.") || c.startsWith("jdk.") || c.startsWith("sun.")) {
                continue;
            }
            return e;
        }
        return null;
    }

    /** The loop's pending tasks' descriptions (for diagnostics). */
    List<String> describeTasks() {
        List<String> out = new ArrayList<>();
        for (Task<?> t = pendingHead; t != null; t = t.nextPending) {
            out.add(t.toString());
        }
        return Collections.unmodifiableList(out);
    }
}
