package org.aio4j;

/**
 * One task creation in progress, handed to the loop's {@link TaskFactory}: what {@code createTask} was
 * asked for (the coroutine and the name) and the only way to make the task. The factory decides the
 * name and whether the task starts eagerly, calls one of the {@code create} methods once, may act on
 * the task it got (record it, add a done callback), and returns that task.
 *
 * <p>A request is valid only while the factory's {@link TaskFactory#newTask} runs, for one task: a
 * second {@code create}, or one after the factory returned, throws {@link IllegalStateException}. So
 * {@link EventLoop#createTask} (which {@link Aio#createTask} and {@link TaskGroup#createTask} call)
 * remains the one way to create a task, and every task passes through the factory.
 *
 * <p>Loop thread only, like the loop's other task methods.
 *
 * @param <T> the coroutine's result type
 */
public final class TaskRequest<T> {

    /*
     * Lifecycle: OPEN --create--> CREATED; OPEN or CREATED --the factory returns or throws--> EXPIRED.
     * createTask checks afterwards that the factory created the task and returned it.
     */
    private enum State { OPEN, CREATED, EXPIRED }

    private final EventLoop loop;
    private final Coro<T> coro;
    private final String name;
    private State state = State.OPEN;
    private Task<T> task;

    private TaskRequest(EventLoop loop, Coro<T> coro, String name) {
        this.loop = loop;
        this.coro = coro;
        this.name = name;
    }

    /** Runs {@code factory} for one {@code createTask(coro, name)} call and returns the task it made. */
    static <T> Task<T> run(EventLoop loop, TaskFactory factory, Coro<T> coro, String name) {
        loop.checkThread();
        loop.checkOpen("create a task");
        TaskRequest<T> request = new TaskRequest<>(loop, coro, name);
        Task<?> returned;
        try {
            returned = factory.newTask(request);
        } finally {
            request.state = State.EXPIRED;
        }
        if (request.task == null) {
            throw new IllegalStateException("the task factory " + factory + " returned " + returned + " without"
                    + " creating the task: call request.create() (or createEager(), create(name, eager)) inside"
                    + " newTask and return its task");
        }
        if (returned != request.task) {
            throw new IllegalStateException("the task factory " + factory + " created " + request.task
                    + " but returned " + returned + ": return the task that request.create(...) gave");
        }
        return request.task;
    }

    /** The loop the task is for. */
    public EventLoop loop() {
        return loop;
    }

    /** The coroutine the task will run. */
    public Coro<T> coro() {
        return coro;
    }

    /** The name {@code createTask} was given, or {@code null} (then a task gets {@code Task-N}). */
    public String name() {
        return name;
    }

    /**
     * Creates the task with the requested name; its first step is scheduled with {@code callSoon}
     * (asyncio's default).
     *
     * @throws IllegalStateException if this request already created its task, or expired (the factory
     *                               returned), or the coroutine was already awaited
     */
    public Task<T> create() {
        return create(name, false);
    }

    /**
     * Creates the task with the requested name, started eagerly: see {@link #create(String, boolean)}.
     *
     * @throws IllegalStateException as {@link #create()} does
     */
    public Task<T> createEager() {
        return create(name, true);
    }

    /**
     * Creates the task.
     *
     * @param name  its name, or {@code null} for {@code Task-N}
     * @param eager run the coroutine now, inside {@code createTask}, until its first suspension (Python
     *              3.12's eager start; a coroutine that finishes without suspending gives a task that is
     *              already done). It needs a running loop: on a loop that is not running, the first step
     *              is scheduled as usual, as in Python 3.12.
     * @throws IllegalStateException as {@link #create()} does
     */
    public Task<T> create(String name, boolean eager) {
        switch (state) {
            case CREATED -> throw new IllegalStateException("this task request already created " + task
                    + ": a factory creates one task per request");
            case EXPIRED -> throw new IllegalStateException("this task request expired when its factory returned:"
                    + " create the task inside TaskFactory.newTask, or call EventLoop.createTask for a new one");
            case OPEN -> { }
        }
        task = Task.create(loop, coro, name, eager);
        state = State.CREATED;
        return task;
    }

    @Override
    public String toString() {
        return "TaskRequest[" + state + " coro=" + coro.name() + (name != null ? " name=" + name : "") + "]";
    }
}
