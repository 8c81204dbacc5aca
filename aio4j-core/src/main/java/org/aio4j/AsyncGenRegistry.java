package org.aio4j;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The async generators a loop must close: asyncio's {@code _asyncgens} set, its firstiter and
 * finalizer hooks and {@code shutdown_asyncgens}. Loop thread only (the cleaner's action crosses
 * over with callSoonThreadsafe).
 *
 * A generator is tracked from its first pull step until it ends. Its {@link AsyncGenerator} handle
 * is what users hold; when that is collected mid-iteration (a {@code for} loop broke out and the
 * handle was dropped), the handle's cleaner schedules {@link #closeAbandoned} here, as asyncio's
 * finalizer hook schedules {@code aclose()} in a task. The rest are closed by {@link #shutdown}.
 * Generators consumed by push (forEach and the helpers) are closed by the time forEach returns and
 * are never tracked.
 */
final class AsyncGenRegistry {
    private static final System.Logger LOG = System.getLogger("org.aio4j");

    private final EventLoop loop;
    private final Set<AsyncGenCore<?>> live = new LinkedHashSet<>();
    private boolean shutdownCalled;

    AsyncGenRegistry(EventLoop loop) {
        this.loop = loop;
    }

    void firstIteration(AsyncGenCore<?> g) {
        if (shutdownCalled) {
            LOG.log(System.Logger.Level.WARNING, "async generator '" + g.name + "' was first iterated after"
                    + " shutdownAsyncgens() ran on " + loop + ": nothing will close it if it is abandoned");
            return;
        }
        live.add(g);
    }

    void finished(AsyncGenCore<?> g) {
        live.remove(g);
    }

    int size() {
        return live.size();
    }

    /** The handle of {@code g} was collected while g was still suspended: close it in a task. */
    void closeAbandoned(AsyncGenCore<?> g) {
        if (!live.remove(g) || g.state != AsyncGeneratorState.SUSPENDED || loop.isClosed()) {
            return;
        }
        Task<Void> t = loop.createTask(Coro.create((AsyncRunnable) g::close, "aclose " + g.name));
        t.addDoneCallback(done -> report(g, done));
    }

    /** See {@link EventLoop#shutdownAsyncgens()}. */
    Coro<Void> shutdown() {
        return Coro.create((AsyncRunnable) this::closeAll, "shutdownAsyncgens");
    }

    private void closeAll() {
        shutdownCalled = true;
        if (live.isEmpty()) {
            return;
        }
        List<AsyncGenCore<?>> closing = new ArrayList<>(live);
        live.clear();
        List<Task<Void>> tasks = new ArrayList<>(closing.size());
        for (AsyncGenCore<?> g : closing) {
            tasks.add(loop.createTask(Coro.create((AsyncRunnable) g::close, "aclose " + g.name)));
        }
        Strand.currentOrThrow("EventLoop.shutdownAsyncgens").task.awaitFuture(GatheringFuture.of(loop, true, tasks));
        for (int i = 0; i < tasks.size(); i++) {
            report(closing.get(i), tasks.get(i));
        }
    }

    private void report(AsyncGenCore<?> g, Future<?> closed) {
        if (closed.cancelled()) {
            return;
        }
        Throwable e = closed.exception();
        if (e != null && !(e instanceof CancelledError)) {
            loop.callExceptionHandler(new ExceptionContext("an error occurred during closing of asynchronous"
                    + " generator '" + g.name + "'", e, closed, null, null));
        }
    }
}
