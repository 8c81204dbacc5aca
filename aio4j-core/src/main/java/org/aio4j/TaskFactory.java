package org.aio4j;

/**
 * Makes the tasks of an {@link EventLoop}: Python's task factory ({@code loop.set_task_factory}).
 * Every {@link EventLoop#createTask} and {@link Aio#createTask} goes through the loop's factory.
 * A factory builds tasks with {@link Task#create}.
 */
@FunctionalInterface
public interface TaskFactory {

    /** Tasks whose first step is scheduled with {@code callSoon} (asyncio's default). */
    TaskFactory DEFAULT = (loop, coro, name) -> Task.create(loop, coro, name, false);

    /**
     * Tasks that start eagerly: the coroutine runs at once, inside {@code createTask}, until its first
     * suspension (Python 3.12's {@code asyncio.eager_task_factory}). A coroutine that finishes without
     * suspending gives a task that is already done when {@code createTask} returns.
     */
    TaskFactory EAGER = (loop, coro, name) -> Task.create(loop, coro, name, true);

    /**
     * Creates a task of {@code loop} that will run {@code coro}.
     *
     * @param name the task's name, or {@code null} for a generated {@code Task-N}
     */
    Task<?> newTask(EventLoop loop, Coro<?> coro, String name);
}
