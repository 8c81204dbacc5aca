package org.aio4j;

import java.util.function.BooleanSupplier;
import org.aio4j.lowlevel.Waker;

/**
 * What a task parked by {@link Task#park} waits on, and the {@link Waker} that ends the park:
 * completed by a wake, cancelled only if its abort hook agrees. The user sees it only as a Waker.
 */
final class ParkFuture<T> extends Future<T> implements Waker<T> {
    /** Aborting is always possible: the wait holds nothing that could be lost (sleep, waits). */
    static final BooleanSupplier ALWAYS = () -> true;
    /** What a sleeping task waits for, as the await graph and task dumps say it (one shared object). */
    static final org.aio4j.lowlevel.WaitTarget SLEEPING = () -> "sleep()";

    private final Task<?> task;
    /** Set when the task parks; null before. */
    private BooleanSupplier abort;
    private boolean abortTried;
    /** What the task waits on, for the await graph and task dumps; null if the parker did not say. */
    org.aio4j.lowlevel.WaitTarget waitTarget;

    ParkFuture(Task<?> task) {
        super(task.getLoop());
        this.task = task;
    }

    /** The task parks on this ticket, with {@code abortHook} (called at most once). */
    void parking(BooleanSupplier abortHook) {
        if (abort != null) {
            throw new IllegalStateException("this Waker was already parked on; make a new one per park"
                    + " (Lowlevel.newWaker())");
        }
        abort = abortHook;
    }

    @Override
    public Task<?> task() {
        return task;
    }

    @Override
    public boolean wake(T value) {
        checkLoopThread();
        if (done()) {
            return false;
        }
        complete(State.SUCCEEDED, value);
        return true;
    }

    @Override
    public boolean wakeWithError(Throwable error) {
        checkLoopThread();
        if (error == null) {
            throw new NullPointerException("wakeWithError(null): pass the exception the park should throw");
        }
        if (done()) {
            return false;
        }
        completeExceptionally(error);
        return true;
    }

    @Override
    public boolean isPending() {
        return !done();
    }

    /**
     * The parked task is being cancelled: asks the hook (once) whether the wait can be withdrawn. If
     * not, the task stays parked until woken, and the cancellation waits for its next await.
     */
    @Override
    public boolean cancel(String message) {
        checkLoopThread();
        if (done() || abortTried || abort == null) {
            return false;
        }
        abortTried = true;
        if (!abort.getAsBoolean()) {
            return false;
        }
        complete(State.CANCELLED, message);
        return true;
    }

    @Override
    public String toString() {
        return describeState(new StringBuilder("Parked[")).append(']').toString();
    }
}
