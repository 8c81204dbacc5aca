package org.aio4j;

import java.util.function.Consumer;
import java.util.random.RandomGenerator;
import org.aio4j.internal.LoopHooks;

/** The core's side of {@link LoopHooks}. */
final class LoopHooksImpl implements LoopHooks {
    static final LoopHooksImpl INSTANCE = new LoopHooksImpl();

    private LoopHooksImpl() {
    }

    @Override
    public Future<Void> whenIdle(EventLoop loop) {
        loop.checkThread();
        return loop.whenIdle();
    }

    @Override
    public void shuffle(EventLoop loop, RandomGenerator random) {
        loop.checkThread();
        loop.shuffle = random;
    }

    @Override
    public void onCoroCreated(EventLoop loop, Consumer<Coro<?>> listener) {
        loop.checkThread();
        loop.coroListener = listener;
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
