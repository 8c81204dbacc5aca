package org.aio4j;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.aio4j.internal.LoopHooks;

/** The core's side of {@link LoopHooks}: everything goes through the loop's {@link TestHooks}. */
final class LoopHooksImpl implements LoopHooks {
    static final LoopHooksImpl INSTANCE = new LoopHooksImpl();

    static {
        LoopHooks.Installed.install(INSTANCE);
    }

    private LoopHooksImpl() {
    }

    @Override
    public Future<Void> whenIdle(EventLoop loop) {
        loop.checkThread();
        return loop.testHooks().whenIdle(loop);
    }

    @Override
    public void shuffle(EventLoop loop, RandomGenerator random) {
        loop.checkThread();
        loop.testHooks().shuffle = random;
    }

    @Override
    public void onCoroCreated(EventLoop loop, Consumer<Coro<?>> listener) {
        loop.checkThread();
        loop.testHooks().coroListener = listener;
    }

    @Override
    public long nextTimerDeadline(EventLoop loop) {
        loop.checkThread();
        return loop.nextTimerDeadline();
    }

    @Override
    public StackTraceElement[] stackOf(Task<?> task) {
        return task.strand.stack();
    }
}
