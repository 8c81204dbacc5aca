package org.aio4j.sync;

import org.aio4j.EventLoop;
import org.aio4j.Task;
import org.aio4j.lowlevel.Lowlevel;

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
     * Only the public low-level API is used here: the running task and loop come from
     * Lowlevel.currentTask() and Lowlevel.currentLoop(), which answer "none" without throwing.
     *
     * A binding made with shared(...) keeps its loop in the other binding (`root`): a Condition and
     * its Lock are one unit, so whichever of them binds first binds both, and a call on the
     * condition from another thread is caught even if only its lock has been waited on.
     */

    private final Object owner;
    /** The binding that holds the loop: this one, or the one it shares with. */
    private final LoopBinding root;
    /** The bound loop (in root only), or {@code null} until the first wait. Loop thread only once set. */
    private EventLoop loop;

    LoopBinding(Object owner) {
        this.owner = owner;
        this.root = this;
    }

    private LoopBinding(Object owner, LoopBinding root) {
        this.owner = owner;
        this.root = root.root;
    }

    /**
     * A binding for {@code owner} that shares {@code other}'s loop: binding either binds both. For a
     * primitive built on another one (a Condition on its Lock).
     */
    static LoopBinding shared(Object owner, LoopBinding other) {
        return new LoopBinding(owner, other);
    }

    /** The bound loop, or {@code null}. */
    EventLoop loop() {
        return root.loop;
    }

    /**
     * For a method that may wait ({@code op} names it for messages): the calling task, checked to run
     * on the bound loop. Does not bind: {@link #bind} does, when the task actually has to wait.
     *
     * @throws IllegalStateException outside a coroutine, or on a task of another loop
     * @throws WrongThreadException from a thread that runs no loop while the bound loop runs
     */
    Task<?> task(String op) {
        Task<?> task = Lowlevel.currentTask().orElse(null);
        if (task == null && Lowlevel.currentLoop().isEmpty()) {
            EventLoop bound = root.loop;
            if (bound != null && bound.isRunning()) {
                throw wrongThread();
            }
            throw new IllegalStateException(owner.getClass().getSimpleName() + "." + op + " may wait, so it must"
                    + " be called from a coroutine (Python: 'await' outside async function); start one with"
                    + " Aio.run(coro) or Aio.createTask(coro)");
        }
        if (task == null) {
            throw new IllegalStateException(owner.getClass().getSimpleName() + "." + op + " may wait, so it must"
                    + " be called from a coroutine, not from a plain loop callback; wrap the work in"
                    + " Aio.createTask(Aio.async(...))");
        }
        EventLoop bound = root.loop;
        if (bound != null && task.getLoop() != bound) {
            throw new IllegalStateException(owner + " is bound to a different event loop (the first loop that"
                    + " waited on it); use one primitive per loop, and cross loops with callSoonThreadsafe");
        }
        return task;
    }

    /** Binds to {@code task}'s loop (a no-op once bound: {@link #task} checked it). */
    void bind(Task<?> task) {
        if (root.loop == null) {
            root.loop = task.getLoop();
        }
    }

    /**
     * For a method that does not wait: once bound, it must run on the bound loop's thread while that
     * loop runs. Before binding, and after the loop stopped, any thread may call it.
     *
     * @throws WrongThreadException when called from another thread while the bound loop runs
     */
    void checkThread() {
        EventLoop bound = root.loop;
        if (bound != null && bound.isRunning() && Lowlevel.currentLoop().orElse(null) != bound) {
            throw wrongThread();
        }
    }

    private WrongThreadException wrongThread() {
        return new WrongThreadException(owner + " belongs to an event loop that runs on another thread;"
                + " call it from that loop's tasks and callbacks, or hand the call over with"
                + " loop.callSoonThreadsafe(...)");
    }

}
