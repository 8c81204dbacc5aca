package org.aio4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Structured concurrency: Python's {@code asyncio.TaskGroup}. Made by {@link Aio#taskGroup}, which
 * runs a body that starts tasks in the group and then waits for all of them.
 *
 * <pre>{@code
 * List<Task<String>> pages = Aio.taskGroup(tg -> {
 *     return List.of(tg.createTask(fetch("a")), tg.createTask(fetch("b")));
 * });
 * // taskGroup returned after both tasks ended: pages.get(0).result() is ready
 *
 * Aio.taskGroup(tg -> {                 // no value: a block without return
 *     tg.createTask(fetch("c"));
 * });
 * }</pre>
 *
 * <h2>Failure</h2>
 * The first task that fails cancels every other task of the group and the body (the task running
 * {@code taskGroup}). The group still waits for all of them, then raises one {@link ExceptionGroup}
 * with every failure, the body's included, in the order they happened. A JVM {@link Error} (other
 * than {@link CancelledError}) is rethrown bare instead, like Python's {@code KeyboardInterrupt}.
 * Cancelled tasks are not failures.
 *
 * <h2>Cancellation</h2>
 * If the task running the group is cancelled from outside, the group cancels its tasks, waits for
 * them, and the cancellation propagates as a {@link CancelledError}. If a task failed as well, the
 * {@code ExceptionGroup} is raised instead, and the cancellation is kept for later: the task still
 * counts it ({@link Task#cancelling()} stays 1) and gets it, with its message, at its next await
 * (Python 3.13; 3.11 and 3.12 lose it there). {@link #cancel()} ends the group early without an error
 * (Python 3.15's {@code TaskGroup.cancel}).
 *
 * <h2>States</h2>
 * <pre>
 *   OPEN (the body runs) --the body ends--> EXITING (waiting for the tasks) --all ended--> FINISHED
 *   a task fails, the body fails, cancel(), or the task running the group is cancelled while the group
 *   waits: the group also aborts (its tasks are cancelled, new tasks refused)
 * </pre>
 * {@link #createTask} is refused with {@link IllegalStateException} once the group is aborting
 * ("shutting down"), and once it is finished: after {@code taskGroup} returned, or when the body has
 * ended and no task is left. While the group waits, its tasks may still add tasks. Loop thread only.
 *
 * <h2>Writing the body</h2>
 * {@code taskGroup} takes a body that returns a value ({@link TaskGroupBody}: a block with
 * {@code return x;}) or not ({@link TaskGroupAction}: a block without, or an expression lambda such as
 * {@code tg -> tg.createTask(c)}, whose value is then ignored).
 */
public final class TaskGroup {
    /*
     * CPython 3.11's taskgroups.py, step for step: _abort, _on_task_done, and __aexit__'s loop that
     * awaits an internal future until the last task is done, turning a cancellation it receives while
     * waiting into an abort. The parent's cancel request is taken back with uncancel() at exit, so
     * the group's own cancellation of its parent does not escape as CancelledError. cancel() reuses
     * exactly that path (abort + cancel the parent), marked so that exit swallows it.
     */

    /*
     * The lifecycle: the body phase, then the exit phase, each running normally or aborting. Aborting
     * cancels every task and refuses new ones; it never ends before the group does. The transitions
     * are the methods named on the arrows; any other is an internal error that names the state.
     *
     *             bodyEnded()                        finish(): every task is done
     *   OPEN ----------------------> EXITING ----------------------------------------> FINISHED
     *    |                              |                                                 ^
     *    | abort(): a task failed,      | abort(): a task failed, the body failed, the    |
     *    | cancel()                     | parent was cancelled while waiting, cancel()    |
     *    v          bodyEnded()         v                                                 |
     *   ABORTING ------------------> EXITING_ABORTING -----------------------------------+
     *
     * asyncio's flags map onto it: _exiting = EXITING*, _aborting = ABORTING / EXITING_ABORTING.
     */
    private enum Lifecycle { OPEN, ABORTING, EXITING, EXITING_ABORTING, FINISHED }

    private final EventLoop loop;
    private final Task<?> parent;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private Lifecycle state = Lifecycle.OPEN;
    /**
     * Not a state: whether the group cancelled its parent (to stop the body) and so owes it one
     * uncancel() at exit (asyncio's _parent_cancel_requested). Only ever set while aborting.
     */
    private boolean parentCancelRequested;
    private List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    /** While exit() waits: completed when the last task is done. */
    private Future<Void> allDone;
    // exit() only: the cancellations of the parent it saw
    /** The parent's cancellation to propagate: the body's, or one received before the group aborted. */
    private Throwable propagateCancel;
    /** The first cancellation of the parent received while the group was already aborting. */
    private CancelledError cancelledWhileAborting;

    /** The group's tasks not done yet, in creation order (loop thread): for the call graph. */
    java.util.Collection<Task<?>> pendingTasks() {
        return tasks;
    }

    private TaskGroup(Task<?> parent) {
        this.loop = parent.loop;
        this.parent = parent;
    }

    /** Runs {@code body} in a new group on the current task; see {@link Aio#taskGroup}. */
    static <T> T run(Strand s, TaskGroupBody<T> body) {
        TaskGroup group = new TaskGroup(s.task);
        java.util.ArrayList<TaskGroup> open = s.task.openGroupsForAdd();
        open.add(group);
        T result = null;
        Throwable failure = null;
        Throwable out;
        try {
            try {
                result = body.run(group);
            } catch (Throwable e) {
                failure = e;
            }
            out = group.exit(failure);
        } finally {
            open.remove(open.size() - 1);
        }
        if (out != null) {
            throw Sneaky.raise(out);
        }
        return result;
    }

    /** Creates a task in this group; see {@link #createTask(Coro, String)}. */
    public <T> Task<T> createTask(Coro<T> coro) {
        return createTask(coro, null);
    }

    /**
     * Creates a task in this group: the group waits for it, and its failure fails the group.
     *
     * @throws IllegalStateException if the group is finished or shutting down (the coroutine is closed,
     *                               so it is not reported as never awaited)
     */
    public <T> Task<T> createTask(Coro<T> coro, String name) {
        loop.checkThread();
        if (coro == null) {
            throw new NullPointerException("createTask(null): pass a coroutine made by Aio.async(...)");
        }
        if (state == Lifecycle.FINISHED || (exiting() && tasks.isEmpty())) {
            coro.close();
            throw new IllegalStateException("TaskGroup is finished: its body and tasks have ended; create the"
                    + " task in a group that is still running, or with Aio.createTask");
        }
        if (aborting()) {
            coro.close();
            throw new IllegalStateException("TaskGroup is shutting down (a task failed, the body failed, or it was"
                    + " cancelled): it accepts no new tasks");
        }
        Task<T> t = loop.createTask(coro, name);
        if (t.done()) {
            onTaskDone(t); // an eager task that finished at once
        } else {
            tasks.add(t);
            t.addDoneCallback(this::onTaskDone);
            if (aborting()) {
                // An eager task aborted the group during its first step, before it was tracked here, so
                // abort() missed it (CPython gh-155418).
                t.cancel();
            }
        }
        return t;
    }

    /**
     * Ends the group early without an error: cancels its tasks and, while the body runs, the body;
     * {@code taskGroup} then returns normally ({@code null} if the body was interrupted). An outer
     * cancellation or a failure still propagates. Does nothing on a finished group.
     */
    public void cancel() {
        loop.checkThread();
        if (state == Lifecycle.FINISHED) {
            return;
        }
        if (!aborting()) {
            abort();
        }
        if (!exiting() && !parentCancelRequested) {
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    private boolean exiting() {
        return state == Lifecycle.EXITING || state == Lifecycle.EXITING_ABORTING;
    }

    private boolean aborting() {
        return state == Lifecycle.ABORTING || state == Lifecycle.EXITING_ABORTING;
    }

    /** OPEN -> ABORTING, EXITING -> EXITING_ABORTING: cancel every task. */
    private void abort() {
        state = switch (state) {
            case OPEN -> Lifecycle.ABORTING;
            case EXITING -> Lifecycle.EXITING_ABORTING;
            default -> throw badTransition("abort");
        };
        for (Task<?> t : new ArrayList<>(tasks)) {
            if (!t.done()) {
                t.cancel();
            }
        }
    }

    /** OPEN -> EXITING, ABORTING -> EXITING_ABORTING. */
    private void bodyEnded() {
        state = switch (state) {
            case OPEN -> Lifecycle.EXITING;
            case ABORTING -> Lifecycle.EXITING_ABORTING;
            default -> throw badTransition("end the body");
        };
    }

    /** EXITING / EXITING_ABORTING -> FINISHED. */
    private void finish() {
        if (!exiting()) {
            throw badTransition("finish");
        }
        state = Lifecycle.FINISHED;
    }

    private IllegalStateException badTransition(String what) {
        return new IllegalStateException("internal error: a TaskGroup cannot " + what + " when it is "
                + state.name().toLowerCase(java.util.Locale.ROOT) + ": " + this);
    }

    private void onTaskDone(Future<?> f) {
        Task<?> task = (Task<?>) f;
        tasks.remove(task);
        if (allDone != null && tasks.isEmpty() && !allDone.done()) {
            allDone.setResult(null);
        }
        if (task.cancelled()) {
            return;
        }
        Throwable e = task.exception();
        if (e == null) {
            return;
        }
        errors.add(e);
        if (isBaseError(e) && baseError == null) {
            baseError = e;
        }
        if (parent.done()) {
            loop.callExceptionHandler(new ExceptionContext("Task '" + task.getName() + "' has errored out but its"
                    + " parent task '" + parent.getName() + "' is already completed", e, task, null, task.getName()));
        }
        if (!aborting() && !parentCancelRequested) {
            // The first failure: stop everything, including the body.
            abort();
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    /**
     * Leaves the group after the body ended ({@code bodyFailure}: how, null if normally): waits for the
     * tasks, then returns what {@code taskGroup} must throw (null: nothing).
     */
    private Throwable exit(Throwable bodyFailure) {
        enterExit(bodyFailure);
        waitForTasks();
        takeBackParentCancel();
        finish();
        return outcome(bodyFailure);
    }

    /** The body ended: a failure of the body aborts the group, its cancellation is the one to propagate. */
    private void enterExit(Throwable bodyFailure) {
        bodyEnded();
        if (bodyFailure != null && isBaseError(bodyFailure) && baseError == null) {
            baseError = bodyFailure;
        }
        propagateCancel = bodyFailure instanceof CancelledError ? bodyFailure : null;
        if (bodyFailure != null && !aborting()) {
            abort();
        }
    }

    /** Waits until every task is done; a cancellation of the parent meanwhile aborts the group. */
    private void waitForTasks() {
        while (!tasks.isEmpty()) {
            allDone = loop.createFuture();
            try {
                parent.awaitFuture(allDone);
            } catch (CancelledError e) {
                if (!aborting()) {
                    // The parent is being cancelled while its tasks run: that is the cancellation to
                    // propagate, with its message, even if more arrive while we shut down.
                    propagateCancel = e;
                    abort();
                } else if (cancelledWhileAborting == null) {
                    cancelledWhileAborting = e;
                }
            }
            allDone = null;
        }
    }

    /**
     * Takes back the group's own cancel request of the parent, if it made one, and decides which
     * cancellation, if any, is still to propagate.
     */
    private void takeBackParentCancel() {
        // Only now, after the wait: a task failing while we waited also cancelled the parent, and that
        // request must be taken back too (CPython 3.11 uncancelled before the wait and leaked it,
        // fixed later by gh-116720).
        if (parentCancelRequested) {
            if (parent.uncancel() == 0) {
                // Our own cancellation of the body: not to be propagated.
                propagateCancel = null;
            } else if (cancelledWhileAborting != null) {
                // Ours is taken back, but someone else cancelled the parent while the group was shutting
                // down (after cancel(), say): that one was not ours to swallow, and it propagates with
                // its own message (asyncio 3.11 swallows it). Failures, the body's included, still come
                // first (see outcome), as in asyncio.
                propagateCancel = cancelledWhileAborting;
            }
        } else if (propagateCancel == null && cancelledWhileAborting != null) {
            // The same after a cancel() made while the group was already exiting (it did not cancel the
            // parent, so there is nothing of ours to take back).
            propagateCancel = cancelledWhileAborting;
        }
    }

    /**
     * What the group raises: a base error bare; else the failures (the body's last) as one
     * ExceptionGroup; else the cancellation to propagate, or nothing.
     */
    private Throwable outcome(Throwable bodyFailure) {
        if (baseError != null) {
            return baseError;
        }
        boolean bodyFailed = bodyFailure != null && !(bodyFailure instanceof CancelledError);
        if (errors.isEmpty() && !bodyFailed) {
            return propagateCancel;
        }
        if (bodyFailed) {
            errors.add(bodyFailure);
        }
        keepOuterCancellation();
        ExceptionGroup group = new ExceptionGroup("unhandled errors in a TaskGroup", errors);
        errors = null;
        return group;
    }

    /**
     * The failures are raised instead of a cancellation of the parent from outside, but that
     * cancellation must not be lost (CPython 3.13; 3.11 and 3.12 swallow it): if the parent still
     * counts a cancel request, it is delivered again at its next await, with the count unchanged. It
     * carries the message of the cancellation the group would have propagated, where 3.13 re-cancels
     * without one.
     */
    private void keepOuterCancellation() {
        if (parent.cancelling() > 0) {
            String message = propagateCancel != null ? propagateCancel.getMessage() : null;
            parent.uncancel();
            parent.cancel(message);
        }
    }

    private static boolean isBaseError(Throwable e) {
        return e instanceof Error && !(e instanceof CancelledError);
    }

    @Override
    public String toString() {
        return "TaskGroup[" + state.name().toLowerCase(java.util.Locale.ROOT) + " tasks=" + tasks.size() + "]";
    }
}
