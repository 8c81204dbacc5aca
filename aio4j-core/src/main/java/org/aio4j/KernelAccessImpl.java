package org.aio4j;

import java.nio.channels.SelectableChannel;
import java.util.function.BooleanSupplier;
import org.aio4j.internal.KernelAccess;
import org.aio4j.lowlevel.Deadline;
import org.aio4j.lowlevel.Waker;

/** The kernel's side of {@link KernelAccess}: the low-level API's way into the kernel. */
final class KernelAccessImpl implements KernelAccess {
    static final KernelAccessImpl INSTANCE = new KernelAccessImpl();

    static {
        KernelAccess.Installed.install(INSTANCE);
    }

    private KernelAccessImpl() {
    }

    @Override
    public EventLoop runningLoopOrNull() {
        EventLoop loop = EventLoop.currentOrNull();
        return loop != null && loop.isRunning() ? loop : null;
    }

    @Override
    public Task<?> currentTaskOrNull() {
        Strand s = Strand.current();
        return s == null ? null : s.task;
    }

    @Override
    public <T> Waker<T> newWaker(String what) {
        return Strand.currentOrThrow(what).task.newWaker();
    }

    @Override
    public <T> T park(Waker<T> waker, BooleanSupplier abort, org.aio4j.lowlevel.WaitTarget on) {
        Strand s = Strand.currentOrThrow("Lowlevel.park");
        if (!(waker instanceof ParkFuture<T> ticket)) {
            throw new IllegalArgumentException("park(" + waker + "): pass a Waker made by Lowlevel.newWaker()");
        }
        if (abort == null) {
            throw new NullPointerException("park(waker, null): pass the abort hook (() -> true if nothing to withdraw)");
        }
        ticket.waitTarget = on;
        return s.task.park(ticket, abort);
    }

    @Override
    public void checkpointIfCancelled(String what) {
        Strand.currentOrThrow(what).task.checkpointIfCancelled();
    }

    @Override
    public boolean awaitUntil(Future<?> f, Deadline deadline) {
        Strand s = Strand.currentOrThrow("Lowlevel.awaitUntil");
        if (f == null || deadline == null) {
            throw new NullPointerException("awaitUntil(future, deadline): neither may be null (Deadline.NONE: no deadline)");
        }
        if (f.getLoop() != s.loop()) {
            throw new IllegalStateException("awaitUntil: " + f + " belongs to another event loop than the calling task");
        }
        return s.task.awaitUntil(f, deadline);
    }

    @Override
    public void waitReady(SelectableChannel channel, boolean reader, String what) {
        Readiness.await(channel, reader, what);
    }

    @Override
    public void notifyClosing(SelectableChannel channel) {
        EventLoop loop = EventLoop.currentOrNull();
        if (loop == null) {
            throw new IllegalStateException("notifyClosing must be called on the loop thread of the loop the channel"
                    + " is registered with");
        }
        loop.checkThread();
        Readiness.notifyClosing(loop, channel);
    }

    @Override
    public <T> T callBlocking(java.util.concurrent.Callable<T> call, Runnable onCancel) throws Exception {
        return BlockingCalls.call(Strand.currentOrThrow("Lowlevel.callBlocking"), call, onCancel);
    }
}
