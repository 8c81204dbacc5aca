package org.aio4j;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A coroutine running concurrently on an {@link EventLoop}: Python's {@code asyncio.Task}. Made by
 * {@link Aio#createTask} or {@link EventLoop#createTask}; a task is a {@link Future} of its
 * coroutine's result.
 *
 * <h2>Scheduling</h2>
 * The first step is scheduled with {@code callSoon}: the coroutine starts at a later loop iteration,
 * after the callbacks already ready. An eager task ({@link TaskFactory#EAGER}, or any factory that
 * calls {@link TaskRequest#createEager()}) instead runs at once until its first suspension. The loop
 * holds every pending task strongly: a task nobody references keeps running to completion (the
 * asyncio trap of tasks vanishing with the garbage collector does not exist here).
 *
 * <h2>Cancellation</h2>
 * {@link #cancel(String)} returns {@code false} if the task is done. Otherwise it counts a
 * cancellation request ({@link #cancelling()}), cancels the future the task is awaiting, if any
 * (so cancelling a task that awaits another task cancels that task too), and the coroutine sees
 * {@link CancelledError} at its current await or, if it is running, at its next suspension. The
 * coroutine may catch it, clean up (awaiting as needed) and should rethrow; if the body ends with
 * the error the task is CANCELLED, and awaiting it (or {@link #result()}, {@link #exception()})
 * rethrows that same {@code CancelledError} instance, with its message, stack, cause and suppressed
 * exceptions. {@link #uncancel()} takes one request back.
 * A task cancelled before its first step never runs its body. A task cancelled while parked inside a
 * blocking JDK call (LOOP_SCHEDULED mode) is interrupted; an {@link InterruptedException} that then
 * ends its body ends the task as cancelled.
 *
 * <h2>Errors that stop the loop</h2>
 * A coroutine that ends with a {@link VirtualMachineError} other than {@link StackOverflowError}
 * (an {@code OutOfMemoryError}, say; also while it handles its cancellation) fails the task with it,
 * and the error then stops the loop: {@link EventLoop#runForever}, {@link EventLoop#runUntilComplete}
 * and {@link Aio#run} rethrow it at once, as asyncio re-raises {@code SystemExit} and
 * {@code KeyboardInterrupt}. Any other throwable, an {@code AssertionError} or a user's {@code Error}
 * subclass included, only fails the task (asyncio's ordinary {@code Exception}).
 *
 * <h2>Threads</h2>
 * Loop thread only, like {@link Future}. Each task runs on a virtual thread of its own (see
 * {@link StrandMode}), carried by the loop thread; thread dumps, debuggers and JFR show it as a
 * thread.
 *
 * @param <T> the result type
 */
public final class Task<T> extends Future<T> {

    private static final AtomicLong COUNTER = new AtomicLong();

    private final Coro<T> coro;
    private final long id;
    final Strand strand;
    private int cancelRequests;
    private boolean mustCancel;
    /** A cancel() of this task is forwarding to the future it awaits (a cycle of awaits comes back to it). */
    private boolean forwardingCancel;
    /** A cancellation broke a cycle of awaits: the task resumes while the future it awaited is pending. */
    private boolean cycleBroken;
    /** The future this task is parked on, or null. */
    private Future<?> waitingOn;
    /** Intrusive list of the loop's pending tasks (loop thread only). */
    Task<?> prevPending;
    Task<?> nextPending;
    /** What most tasks never use, allocated on first use (see {@link Extras}); null until then. */
    private Extras extras;

    /**
     * The fields a task needs only when it is named, cancelled, has context variables, opens a task
     * group, makes a blocking call, waits with a timeout or is recorded by a timeline. Kept apart so
     * that a task that does none of these (most of a server's million) is 72 bytes, not 96.
     */
    private static final class Extras {
        String name;
        String cancelMessage;
        /** This task's context variables (null until it has any). */
        Context context;
        /**
         * While the task's code is inside {@link BlockingCalls#call} in LOOP_SCHEDULED mode: how to stop
         * that call when the task is cancelled, instead of interrupting its thread (loop thread only).
         */
        Runnable blockingCanceller;
        /** The timeline that has this task's name (so that it records it once). */
        Timeline timelineNamed;
        /** What a timed or cleanup wait (awaitUntil, cancelAndWait) waits for, or null: for the call graph. */
        Future<?> awaitTarget;
        /** The task groups whose body this task runs, innermost last (null until it opens one): for the call graph. */
        java.util.ArrayList<TaskGroup> openGroups;
    }

    private Extras extras() {
        Extras e = extras;
        if (e == null) {
            e = new Extras();
            extras = e;
        }
        return e;
    }

    /** This task's context variables, or null if it has none yet. */
    Context context() {
        Extras e = extras;
        return e == null ? null : e.context;
    }

    void context(Context context) {
        if (context != null || extras != null) {
            extras().context = context;
        }
    }

    /** See {@link Extras#blockingCanceller}. */
    Runnable blockingCanceller() {
        Extras e = extras;
        return e == null ? null : e.blockingCanceller;
    }

    void blockingCanceller(Runnable canceller) {
        if (canceller != null || extras != null) {
            extras().blockingCanceller = canceller;
        }
    }

    /** See {@link Extras#timelineNamed}. */
    Timeline timelineNamed() {
        Extras e = extras;
        return e == null ? null : e.timelineNamed;
    }

    void timelineNamed(Timeline timeline) {
        extras().timelineNamed = timeline;
    }

    /** See {@link Extras#awaitTarget}. */
    Future<?> awaitTarget() {
        Extras e = extras;
        return e == null ? null : e.awaitTarget;
    }

    void awaitTarget(Future<?> target) {
        if (target != null || extras != null) {
            extras().awaitTarget = target;
        }
    }

    /** See {@link Extras#openGroups}: null if none. */
    java.util.ArrayList<TaskGroup> openGroups() {
        Extras e = extras;
        return e == null ? null : e.openGroups;
    }

    /** The list of {@link #openGroups()}, created if needed. */
    java.util.ArrayList<TaskGroup> openGroupsForAdd() {
        Extras e = extras();
        if (e.openGroups == null) {
            e.openGroups = new java.util.ArrayList<>(2);
        }
        return e.openGroups;
    }

    private String ownCancelMessage() {
        Extras e = extras;
        return e == null ? null : e.cancelMessage;
    }

    private void ownCancelMessage(String message) {
        if (message != null || extras != null) {
            extras().cancelMessage = message;
        }
    }

    /** The task's number, in creation order across the process. */
    long seq() {
        return id;
    }

    /** The future this task is parked on (null if none): for the call graph. */
    Future<?> waitingOn() {
        return waitingOn;
    }

    private Task(EventLoop loop, Coro<T> coro, String name) {
        super(loop);
        this.coro = coro;
        this.id = COUNTER.incrementAndGet();
        if (name != null) {
            extras().name = name;
        }
        this.strand = Strands.create(this);
    }

    /**
     * Creates and schedules a task of {@code loop} running {@code coro}: what {@link TaskRequest}
     * calls, for {@link EventLoop#createTask} through the loop's factory.
     *
     * @param name  the name, or {@code null} for {@code Task-N}
     * @param eager run the coroutine now until its first suspension instead of scheduling the first
     *              step
     * @throws IllegalStateException if the loop is closed or {@code coro} was already awaited
     */
    static <T> Task<T> create(EventLoop loop, Coro<T> coro, String name, boolean eager) {
        loop.checkThread();
        loop.checkOpen("create a task");
        coro.claim("create a task for");
        Task<T> task = new Task<>(loop, coro, name);
        coro.owner = task;
        var vars = Context.capture();
        if (vars != null) {
            task.context(new Context(vars)); // a copy of the creator's context
        }
        loop.tasks().add(task);
        JfrEvents.taskCreated(task);
        task.strand.start(eager);
        return task;
    }

    /** The task's name: the one given at creation or {@code Task-N}. */
    public String getName() {
        String n = extras == null ? null : extras.name;
        return n != null ? n : "Task-" + id;
    }

    /** Renames the task. */
    public void setName(String name) {
        if (name != null || extras != null) {
            extras().name = name;
        }
    }

    /** The coroutine this task runs. */
    public Coro<T> getCoro() {
        return coro;
    }

    /** The number of cancellation requests not yet taken back with {@link #uncancel()}. */
    public int cancelling() {
        return cancelRequests;
    }

    /**
     * Takes back one cancellation request (after a timeout or task group turned its own cancellation
     * into an ordinary exception). When the count reaches zero, a cancellation not yet delivered to
     * the coroutine is dropped too (Python 3.13 behaviour; 3.11 would still deliver it).
     *
     * @return the remaining count
     */
    public int uncancel() {
        loop.checkThread();
        if (cancelRequests > 0) {
            cancelRequests--;
            if (cancelRequests == 0) {
                mustCancel = false;
            }
        }
        return cancelRequests;
    }

    /**
     * Requests cancellation; see the class documentation. On a task that already failed it changes
     * nothing but silences the "exception was never retrieved" report, as {@link Future#cancel} does.
     *
     * @return {@code false} if the task is already done
     */
    @Override
    public boolean cancel(String message) {
        loop.checkThread();
        markRetrieved();
        if (done()) {
            return false;
        }
        if (forwardingCancel) {
            return false; // the awaits form a cycle back to this task: the caller breaks it (below)
        }
        JfrEvents.cancelRequested(this, message);
        if (Timeline.recording()) {
            Timeline.cancelRequested(this);
        }
        cancelRequests++;
        Future<?> w = waitingOn;
        if (w != null) {
            forwardingCancel = true;
            boolean forwarded;
            try {
                forwarded = w.cancel(message);
            } finally {
                forwardingCancel = false;
            }
            if (forwarded) {
                return true;
            }
            if (w instanceof Task<?> t && t.forwardingCancel) {
                // w is cancelling the future it awaits, which led back here: the tasks await one
                // another (a deadlock). asyncio recurses until RecursionError; this task stops
                // waiting for w and resumes with the cancellation, so the whole cycle unwinds.
                w.removeCallback(this);
                cycleBroken = true;
                ownCancelMessage(message);
                wakeUp();
                return true;
            }
        }
        mustCancel = true;
        ownCancelMessage(message);
        Runnable canceller = blockingCanceller();
        if (canceller != null) {
            blockingCanceller(BlockingCalls.STARTED); // once per call; no interrupt either
            if (canceller != BlockingCalls.STARTED) {
                BlockingCalls.startCanceller(loop, canceller);
            }
        } else {
            strand.interruptIfBlocked();
        }
        return true;
    }

    /**
     * The message of the last cancel() that reached this task itself (not forwarded to the future it
     * awaited), even if the coroutine caught the cancellation and finished normally: asyncio's
     * {@code _cancel_message}, which a cancelled gather reports.
     */
    @Override
    String lastCancelMessage() {
        return cancelled() ? super.lastCancelMessage() : ownCancelMessage();
    }

    /**
     * Not supported: a task's result is its coroutine's return value.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void setResult(T value) {
        throw new UnsupportedOperationException("Task does not support setResult(): a task's result is"
                + " what its coroutine returns; use a Future (EventLoop.createFuture) to set results");
    }

    /**
     * Not supported: a task fails when its coroutine throws.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public void setException(Throwable exception) {
        throw new UnsupportedOperationException("Task does not support setException(): a task fails when"
                + " its coroutine throws; use a Future (EventLoop.createFuture) to set exceptions");
    }

    // ---------------------------------------------------------------- running (on the strand)

    /** The body of the task's strand. */
    void runBody() {
        if (mustCancel) {
            // Cancelled before the first step: the body never runs (Python throws into the
            // unstarted coroutine, which closes it at once).
            mustCancel = false;
            coro.abandon();
            finish(State.CANCELLED, ownCancelMessage());
            return;
        }
        T value;
        try {
            value = coro.runClaimed();
        } catch (CancelledError e) {
            finish(State.CANCELLED, e); // kept: awaiting the task rethrows this very error
            return;
        } catch (Throwable e) {
            if (mustCancel && e instanceof InterruptedException) {
                // The interrupt was our cancellation of a blocking call: the task is cancelled.
                mustCancel = false;
                Thread.interrupted();
                finish(State.CANCELLED, ownCancelMessage());
                return;
            }
            finish(State.FAILED, e);
            if (FatalErrors.stopsTheLoop(e)) {
                // asyncio's __step stores SystemExit / KeyboardInterrupt, then raises them out of the loop.
                markRetrieved(); // the loop's caller gets it
                loop.fatalError((Error) e);
            }
            return;
        }
        if (mustCancel) {
            // Cancelled while running its last step: asyncio cancels the task anyway.
            mustCancel = false;
            finish(State.CANCELLED, ownCancelMessage());
            return;
        }
        finish(State.SUCCEEDED, value);
    }

    private void finish(State state, Object outcome) {
        loop.tasks().remove(this);
        JfrEvents.taskDone(this, state.name().toLowerCase(java.util.Locale.ROOT));
        if (state == State.FAILED) {
            completeExceptionally((Throwable) outcome);
        } else {
            complete(state, outcome);
        }
    }

    /** Waits for {@code f} on this task's strand (the caller is this task's coroutine). */
    <R> R awaitFuture(Future<R> f) {
        if (f.loop != loop) {
            throw new IllegalStateException("Task '" + getName() + "' got " + f + " attached to a different"
                    + " loop: a future can only be awaited by tasks of the loop that created it; to use"
                    + " another loop's result, run the work there with Aio.runCoroutineThreadsafe(coro, thatLoop)"
                    + " (or LoopGroup.submitTo) and await the CompletableFuture it returns");
        }
        if (f == this) {
            throw new IllegalStateException("Task '" + getName() + "' cannot await itself");
        }
        if (f.done()) {
            // Like asyncio, awaiting a done future does not suspend, so it is not a cancellation point.
            return f.resultForAwait(this);
        }
        waitingOn = f;
        f.addCallback(this);
        if (mustCancel && f.cancel(ownCancelMessage())) {
            mustCancel = false;
        }
        try {
            strand.park();
        } finally {
            waitingOn = null;
        }
        if (!f.done()) {
            if (cycleBroken) {
                cycleBroken = false;
                throw new CancelledError(ownCancelMessage());
            }
            // Only f's completion (or a cancel breaking a cycle) wakes us; anything else is a bug.
            f.removeCallback(this);
            throw new IllegalStateException("internal error: task '" + getName() + "' resumed while "
                    + f + " is pending");
        }
        if (mustCancel) {
            if (f.cancelled() || f.outcomeIsCancelledError()) {
                // f was cancelled (by the first cancel()); its CancelledError, with the first message, is
                // what we resume with, as asyncio's __step keeps the CancelledError it was woken with.
                mustCancel = false;
            } else if (!(f instanceof ParkFuture<?>)) {
                // cancel() arrived after f completed but before we resumed: asyncio delivers the cancel.
                mustCancel = false;
                throw new CancelledError(ownCancelMessage());
            }
            // A park that was woken (its abort failed or came too late) returns its value: the
            // cancellation waits for the next await (or Lowlevel.checkpointIfCancelled).
        }
        return f.resultForAwait(this);
    }

    /** {@code sleep(0)}: let everything ready run once, then continue. */
    void yieldNow() {
        if (!mustCancel && !loop.othersWaiting()) {
            // A loop iteration would find nothing to run but us: skip the round trip. Same observable
            // behaviour (nothing else could have run), ~10x cheaper; kotlinx's yield() does the same.
            return;
        }
        strand.parkYield();
        if (mustCancel) {
            mustCancel = false;
            throw new CancelledError(ownCancelMessage());
        }
    }

    /** A future this task waits on is done: resume the task (asyncio's {@code call_soon(task.__wakeup)}). */
    void wakeUp() {
        strand.wake(false);
    }

    // ---------------------------------------------------------------- park / wake (Lowlevel)

    /** A ticket for this task's next park. */
    <R> ParkFuture<R> newWaker() {
        return new ParkFuture<>(this);
    }

    /**
     * Parks this task (the caller is its coroutine) on {@code ticket} until it is woken. When the
     * task is cancelled meanwhile, {@code abort} is called once: true withdraws the wait (the park
     * throws CancelledError), false keeps the task parked until woken, and the cancellation is then
     * delivered at its next await (trio's protocol; nothing handed to the task is lost).
     */
    <R> R park(ParkFuture<R> ticket, java.util.function.BooleanSupplier abort) {
        if (ticket.task() != this) {
            throw new IllegalStateException("a Waker can only be parked on by the task that made it ("
                    + ticket.task().getName() + "), not by " + getName());
        }
        ticket.parking(abort);
        return awaitFuture(ticket);
    }

    /**
     * Waits until {@code f} is done or {@code deadline} passes, without cancelling {@code f}: the one
     * timed wait under sleep, waitFor, waitDone and asCompleted. Always suspends at least once (a
     * done {@code f} still wakes the task through the loop, as asyncio's wait does), so it is a
     * cancellation point: a cancellation of this task throws CancelledError and leaves {@code f} alone.
     *
     * @return whether {@code f} is done
     */
    boolean awaitUntil(Future<?> f, org.aio4j.lowlevel.Deadline deadline) {
        ParkFuture<Object> ticket = newWaker();
        java.util.function.Consumer<Future<?>> onDone = done -> ticket.wake(null);
        f.addDoneCallback(onDone);
        Future<?> outerTarget = awaitTarget();
        awaitTarget(f);
        try {
            parkUntil(ticket, deadline);
        } finally {
            awaitTarget(outerTarget);
            f.removeDoneCallback(onDone);
        }
        return f.done();
    }

    /**
     * Parks on {@code ticket} until it is woken or {@code deadline} passes, with asyncio's future-await
     * semantics: a cancellation throws CancelledError, also one that arrives after the wake-up but
     * before the task resumed. {@code sleep} is this with a ticket nobody else wakes.
     */
    void parkUntil(ParkFuture<?> ticket, org.aio4j.lowlevel.Deadline deadline) {
        TimerHandle timer = deadline.isNone() ? null : loop.callAtNanos(deadline.nanos(), () -> ticket.wake(null));
        try {
            park(ticket, ParkFuture.ALWAYS);
            checkpointIfCancelled();
        } finally {
            if (timer != null) {
                timer.cancel();
            }
        }
    }

    /** Delivers a cancellation that is waiting for this task's next await now, if there is one. */
    void checkpointIfCancelled() {
        if (mustCancel) {
            mustCancel = false;
            throw new CancelledError(ownCancelMessage());
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Task[name=").append(getName()).append(' ');
        describeState(sb);
        if (!done() && cancelRequests > 0) {
            sb.append(" cancelling=").append(cancelRequests);
        }
        if (waitingOn != null) {
            sb.append(" waiting for ").append(waitingOn);
        }
        return sb.append(" coro=").append(coro.name()).append(']').toString();
    }
}
