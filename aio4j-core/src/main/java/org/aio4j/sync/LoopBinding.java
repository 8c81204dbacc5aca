package org.aio4j.sync;

import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.Task;

/**
 * The loop a primitive belongs to: asyncio's {@code mixins._LoopBoundMixin}, plus a thread check.
 *
 * <p>A primitive is created outside any loop and binds to the loop of the first task that has to
 * wait on it. From then on a waiting call from a task of another loop throws
 * {@link IllegalStateException}, and any call from another thread while that loop runs throws
 * {@link WrongThreadException} (asyncio leaves the latter undefined).
 */
final class LoopBinding {
    /*
     * Only the public API of org.aio4j is used here (STYLE.md rule 1): the running task and loop come
     * from Aio.currentTask() and Aio.runningLoop(). The exception caught in current() is thrown only
     * for a misuse (a call from outside any loop), never on the normal path.
     */

    private final Object owner;
    /** The bound loop, or {@code null} until the first wait. Loop thread only once set. */
    private EventLoop loop;

    LoopBinding(Object owner) {
        this.owner = owner;
    }

    /** The bound loop, or {@code null}. */
    EventLoop loop() {
        return loop;
    }

    /**
     * For a method that may wait ({@code op} names it for messages): the calling task, checked to run
     * on the bound loop. Does not bind: {@link #bind} does, when the task actually has to wait.
     *
     * @throws IllegalStateException outside a coroutine, or on a task of another loop
     */
    Task<?> task(String op) {
        Task<?> task;
        try {
            task = Aio.currentTask();
        } catch (IllegalStateException noLoop) {
            throw new IllegalStateException(owner.getClass().getSimpleName() + "." + op + " may wait, so it must"
                    + " be called from a coroutine (Python: 'await' outside async function); start one with"
                    + " Aio.run(coro) or Aio.createTask(coro)");
        }
        if (task == null) {
            throw new IllegalStateException(owner.getClass().getSimpleName() + "." + op + " may wait, so it must"
                    + " be called from a coroutine, not from a plain loop callback; wrap the work in"
                    + " Aio.createTask(Aio.async(...))");
        }
        if (loop != null && task.getLoop() != loop) {
            throw new IllegalStateException(owner + " is bound to a different event loop (the first loop that"
                    + " waited on it); use one primitive per loop, and cross loops with callSoonThreadsafe");
        }
        return task;
    }

    /** Binds to {@code task}'s loop (a no-op once bound, {@link #task} checked it) and returns it. */
    EventLoop bind(Task<?> task) {
        if (loop == null) {
            loop = task.getLoop();
        }
        return loop;
    }

    /**
     * For a method that does not wait: once bound, it must run on the bound loop's thread while that
     * loop runs. Before binding, and after the loop stopped, any thread may call it.
     *
     * @throws WrongThreadException when called from another thread while the bound loop runs
     */
    void checkThread() {
        EventLoop bound = loop;
        if (bound != null && bound.isRunning() && current() != bound) {
            throw new WrongThreadException(owner + " belongs to an event loop that runs on another thread;"
                    + " call it from that loop's tasks and callbacks, or hand the call over with"
                    + " loop.callSoonThreadsafe(...)");
        }
    }

    private static EventLoop current() {
        try {
            return Aio.runningLoop();
        } catch (IllegalStateException noLoop) {
            return null;
        }
    }
}
