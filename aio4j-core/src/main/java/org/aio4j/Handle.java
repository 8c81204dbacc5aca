package org.aio4j;

/**
 * A callback scheduled on an {@link EventLoop} by {@link EventLoop#callSoon} or
 * {@link EventLoop#callSoonThreadsafe}: Python's {@code asyncio.Handle}.
 *
 * <p>The callback runs in a copy of the {@link Context} that was current when it was scheduled.
 *
 * <p>{@link #cancel()} keeps the callback from running if it has not run yet; cancelling a handle
 * that already ran, or twice, does nothing.
 *
 * <p>Thread-safety: {@code cancel()} is meant for the loop thread (as in asyncio). Called from another
 * thread it is still visible to the loop, but races with the callback starting: to cancel reliably
 * from another thread, send the cancel through {@link EventLoop#callSoonThreadsafe}.
 */
public sealed class Handle permits TimerHandle, DoneCallbackHandle {
    final EventLoop loop;
    final Runnable callback;
    /** Creation site, recorded in debug mode only. */
    final Throwable source;
    volatile boolean cancelled;
    /** The context variables current when scheduled (null: none); the callback runs in a copy. */
    final java.util.Map<ContextVar<?>, Object> contextVars;

    Handle(EventLoop loop, Runnable callback) {
        this(loop, callback, Context.capture());
    }

    Handle(EventLoop loop, Runnable callback, java.util.Map<ContextVar<?>, Object> contextVars) {
        this.loop = loop;
        this.callback = callback;
        this.source = loop.isDebug() ? new Throwable("handle created here") : null;
        this.contextVars = contextVars;
    }

    /** Keeps the callback from running, if it has not run yet. */
    public void cancel() {
        cancelled = true;
    }

    /** Whether {@link #cancel()} was called. */
    public boolean cancelled() {
        return cancelled;
    }

    /** Runs the callback unless cancelled; exceptions reach the loop's exception handler. */
    final void runHandle() {
        if (!cancelled) {
            invoke();
        }
    }

    void invoke() {
        callback.run();
    }

    /** What the user scheduled, for descriptions. */
    Object callbackObject() {
        return callback;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(getClass().getSimpleName()).append('[');
        if (cancelled) {
            sb.append("cancelled ");
        }
        sb.append(Describe.callback(callbackObject()));
        if (source != null) {
            StackTraceElement site = Describe.userFrame(source.getStackTrace());
            if (site != null) {
                sb.append(" created at ").append(site);
            }
        }
        return sb.append(']').toString();
    }
}
