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
 * them, and the cancellation propagates as a {@link CancelledError} (unless a task failed: then the
 * {@code ExceptionGroup}). {@link #cancel()} ends the group early without an error (Python 3.15's
 * {@code TaskGroup.cancel}).
 *
 * <h2>States</h2>
 * <pre>
 *   OPEN (body running) --body ends--> EXITING (waiting for tasks) --all done--> FINISHED
 *   OPEN/EXITING --a task fails, the body fails, cancel()--> also ABORTING: new tasks refused
 * </pre>
 * {@link #createTask} is refused with {@link IllegalStateException} when the group is finished or
 * shutting down (aborting). Loop thread only.
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

    private final EventLoop loop;
    private final Task<?> parent;
    private final Set<Task<?>> tasks = new LinkedHashSet<>();
    private List<Throwable> errors = new ArrayList<>();
    private Throwable baseError;
    private boolean exiting;
    private boolean aborting;
    private boolean finished;
    private boolean parentCancelRequested;
    private Future<Void> allDone;

    private TaskGroup(Task<?> parent) {
        this.loop = parent.loop;
        this.parent = parent;
    }

    /** Runs {@code body} in a new group on the current task; see {@link Aio#taskGroup}. */
    static <T> T run(Strand s, TaskGroupBody<T> body) {
        TaskGroup group = new TaskGroup(s.task);
        T result = null;
        Throwable failure = null;
        try {
            result = body.run(group);
        } catch (Throwable e) {
            failure = e;
        }
        Throwable out = group.exit(failure);
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
        if (finished || (exiting && tasks.isEmpty())) {
            coro.close();
            throw new IllegalStateException("TaskGroup is finished: its body and tasks have ended; create the"
                    + " task in a group that is still running, or with Aio.createTask");
        }
        if (aborting) {
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
            if (aborting) {
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
        if (finished) {
            return;
        }
        if (!aborting) {
            abort();
        }
        if (!exiting && !parentCancelRequested) {
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    private void abort() {
        aborting = true;
        for (Task<?> t : new ArrayList<>(tasks)) {
            if (!t.done()) {
                t.cancel();
            }
        }
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
        if (!aborting && !parentCancelRequested) {
            // The first failure: stop everything, including the body.
            abort();
            parentCancelRequested = true;
            parent.cancel();
        }
    }

    private Throwable exit(Throwable failure) {
        exiting = true;
        if (failure != null && isBaseError(failure) && baseError == null) {
            baseError = failure;
        }
        Throwable propagateCancel = failure instanceof CancelledError ? failure : null;
        if (failure != null && !aborting) {
            abort();
        }
        CancelledError cancelledWhileAborting = null;
        while (!tasks.isEmpty()) {
            allDone = loop.createFuture();
            try {
                parent.awaitFuture(allDone);
            } catch (CancelledError e) {
                if (!aborting) {
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
                // first (below), as in asyncio.
                propagateCancel = cancelledWhileAborting;
            }
        } else if (propagateCancel == null && cancelledWhileAborting != null) {
            // The same after a cancel() made while the group was already exiting (it did not cancel the
            // parent, so there is nothing of ours to take back).
            propagateCancel = cancelledWhileAborting;
        }
        finished = true;
        if (baseError != null) {
            return baseError;
        }
        boolean bodyFailed = failure != null && !(failure instanceof CancelledError);
        if (propagateCancel != null && errors.isEmpty() && !bodyFailed) {
            return propagateCancel;
        }
        if (bodyFailed) {
            errors.add(failure);
        }
        if (!errors.isEmpty()) {
            ExceptionGroup group = new ExceptionGroup("unhandled errors in a TaskGroup", errors);
            errors = null;
            return group;
        }
        return null;
    }

    private static boolean isBaseError(Throwable e) {
        return e instanceof Error && !(e instanceof CancelledError);
    }

    @Override
    public String toString() {
        return "TaskGroup[tasks=" + tasks.size() + (exiting ? " exiting" : "") + (aborting ? " aborting" : "")
                + (finished ? " finished" : "") + "]";
    }
}
