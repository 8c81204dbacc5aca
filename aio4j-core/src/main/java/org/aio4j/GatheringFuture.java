package org.aio4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * The future {@link Aio#gather} returns: Python's {@code _GatheringFuture}.
 *
 * Semantics (asyncio 3.11): results in argument order; without returnExceptions the first failure
 * or cancellation of a child completes this future with it while the other children keep running;
 * with returnExceptions failures and cancellations become list entries. Cancelling this future
 * cancels every child that is not done; if any child accepted, this future ends with a
 * CancelledError once all children are done (children that finished normally meanwhile do not
 * rescue it). The same awaitable passed twice runs once and appears twice in the results.
 */
final class GatheringFuture<R> extends Future<List<R>> {
    private final List<Future<?>> children;
    private int uniqueChildren;
    private final java.util.function.Consumer<Future<?>> childCallback = this::childDone;
    private final boolean returnExceptions;
    private int finished;
    private boolean cancelRequested;

    private GatheringFuture(EventLoop loop, List<Future<?>> children, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.returnExceptions = returnExceptions;
    }

    /** Gathers {@code aws} on {@code loop}; coroutines and plain awaitables become tasks of the loop. */
    static <R> Future<List<R>> of(EventLoop loop, boolean returnExceptions, Collection<? extends Awaitable<?>> aws) {
        if (aws.isEmpty()) {
            Future<List<R>> done = new Future<>(loop);
            done.setResult(new ArrayList<>());
            return done;
        }
        checkAll(loop, "gather", aws); // before any task starts: a bad argument must not leave orphans
        List<Future<?>> children = new ArrayList<>(aws.size());
        GatheringFuture<R> outer = new GatheringFuture<>(loop, Collections.unmodifiableList(children), returnExceptions);
        // De-duplication without a map: an awaitable seen before already carries our callback (a
        // coroutine through the task that owns it). Gathering a million tasks costs no hashing.
        for (Awaitable<?> aw : aws) {
            if (aw == null) {
                throw new NullPointerException("gather: an awaitable is null");
            }
            Future<?> f;
            if (aw instanceof Coro<?> c && !c.isCreated() && c.owner != null && c.owner.hasCallback(outer.childCallback)) {
                f = c.owner;
            } else {
                f = ensureFuture(loop, aw);
            }
            if (!f.hasCallback(outer.childCallback)) {
                outer.uniqueChildren++;
                f.addDoneCallback(outer.childCallback);
            }
            children.add(f);
        }
        return outer;
    }

    /**
     * Rejects null awaitables and futures of another loop, before anything is started (CPython's
     * gather would start tasks for the arguments before a bad one and leave them running).
     */
    static void checkAll(EventLoop loop, String what, Collection<? extends Awaitable<?>> aws) {
        for (Awaitable<?> aw : aws) {
            if (aw == null) {
                throw new NullPointerException(what + ": an awaitable is null");
            }
            if (aw instanceof Future<?> f && f.loop != loop) {
                throw new IllegalArgumentException(what + ": " + f + " belongs to another event loop; all"
                        + " awaitables of one " + what + " must belong to the running loop");
            }
        }
    }

    static Future<?> ensureFuture(EventLoop loop, Awaitable<?> aw) {
        if (aw instanceof Future<?> f) {
            if (f.loop != loop) {
                throw new IllegalArgumentException("gather: " + f + " belongs to another event loop; all"
                        + " awaitables of one gather must belong to the running loop");
            }
            return f;
        }
        if (aw instanceof Coro<?> c) {
            return loop.createTask(c);
        }
        return loop.createTask(new Coro<Object>((AsyncSupplier<Object>) aw::await, null, loop.debug));
    }

    @Override
    public boolean cancel(String message) {
        loop.checkThread();
        if (done()) {
            return false;
        }
        boolean any = false;
        for (Future<?> child : children) {
            if (child.cancel(message)) {
                any = true;
            }
        }
        if (any) {
            cancelRequested = true;
        }
        return any;
    }

    private void childDone(Future<?> child) {
        finished++;
        if (done()) {
            if (!child.cancelled()) {
                child.exception(); // mark it retrieved: the gather already reported its outcome
            }
            return;
        }
        if (!returnExceptions) {
            if (child.cancelled()) {
                completeExceptionally(new CancelledError(child.cancelMessage()));
                return;
            }
            Throwable e = child.exception();
            if (e != null) {
                completeExceptionally(e);
                return;
            }
        }
        if (finished == uniqueChildren) {
            List<Object> results = new ArrayList<>(children.size());
            for (Future<?> f : children) {
                if (f.cancelled()) {
                    results.add(new CancelledError(f.cancelMessage()));
                } else {
                    Throwable e = f.exception();
                    results.add(e != null ? e : f.result());
                }
            }
            if (cancelRequested) {
                // asyncio takes the message of the last child in argument order (its results loop's
                // variable), cancelled or not: a task that caught the cancel still carries its message.
                completeExceptionally(new CancelledError(children.get(children.size() - 1).lastCancelMessage()));
            } else {
                @SuppressWarnings("unchecked")
                List<R> typed = (List<R>) results;
                complete(State.SUCCEEDED, typed);
            }
        }
    }
}
