package org.aio4j;

/**
 * Makes the tasks of an {@link EventLoop}: Python's task factory ({@code loop.set_task_factory}).
 * Every {@link EventLoop#createTask}, {@link Aio#createTask} and {@link TaskGroup#createTask} goes
 * through the loop's factory, which gets a {@link TaskRequest}: the coroutine and name asked for, and
 * the one way to make the task. The factory decides the name and whether the task starts eagerly, may
 * act on the task it made, and returns it:
 *
 * <pre>{@code
 * loop.setTaskFactory(request -> {
 *     Task<?> t = request.create(request.name() != null ? request.name() : "worker-" + ++count, false);
 *     t.addDoneCallback(done -> finished++);
 *     return t;
 * });
 * }</pre>
 *
 * There is no other way to create a task, so a factory sees every one (Python's {@code asyncio.Task}
 * constructor bypasses it).
 */
@FunctionalInterface
public interface TaskFactory {

    /** Tasks whose first step is scheduled with {@code callSoon} (asyncio's default). */
    TaskFactory DEFAULT = request -> request.create();

    /**
     * Tasks that start eagerly: the coroutine runs at once, inside {@code createTask}, until its first
     * suspension (Python 3.12's {@code asyncio.eager_task_factory}). A coroutine that finishes without
     * suspending gives a task that is already done when {@code createTask} returns. On a loop that is
     * not running the first step is scheduled as usual.
     */
    TaskFactory EAGER = request -> request.createEager();

    /**
     * Creates the task {@code request} asks for, with one of its {@code create} methods, and returns it.
     *
     * @throws IllegalStateException from {@code createTask}, if this returns without creating the task
     *                               or returns another object
     */
    Task<?> newTask(TaskRequest<?> request);
}
