package org.aio4j;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * The future {@link Aio#gather} returns: Python's {@code _GatheringFuture}.
 *
 * Semantics (asyncio 3.11): results in argument order; without returnExceptions the first failure
 * or cancellation of a child completes this future with it while the other children keep running;
 * with returnExceptions failures and cancellations become list entries. Cancelling this future
 * cancels every child that is not done; if any child accepted, this future ends with a
 * CancelledError once all children are done (children that finished normally meanwhile do not
 * rescue it). The same awaitable passed twice runs once and appears twice in the results.
 *
 * A CompletionStage among the arguments is wrapped as Aio.wrapFuture does (a stage passed twice gets
 * two wrappers, which complete alike): the wrapper is a child like any other, and cancelling it
 * cancels the stage.
 */
final class GatheringFuture<R> extends Future<List<R>> {
    private final List<Future<?>> children;
    private int uniqueChildren;
    private final java.util.function.Consumer<Future<?>> childCallback = this::childDone;
    private final boolean returnExceptions;
    private int finished;
    private boolean cancelRequested;

    /** The gathered futures (for the call graph). */
    List<Future<?>> children() {
        return children;
    }

    private GatheringFuture(EventLoop loop, List<Future<?>> children, boolean returnExceptions) {
        super(loop);
        this.children = children;
        this.returnExceptions = returnExceptions;
    }

    /**
     * Gathers {@code aws} on {@code loop}; coroutines and plain awaitables become tasks of the loop,
     * stages wrapped futures. Elements of any other type are rejected (see {@link #checkAll}).
     */
    static <R> Future<List<R>> of(EventLoop loop, boolean returnExceptions, Collection<?> aws) {
        if (aws == null) {
            throw new NullPointerException("gather(null): pass the awaitables, e.g. gather(List.of(a, b))");
        }
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
        for (Object aw : aws) {
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
     * {@code items} as a collection: itself if it is one, else a copy (it is iterated twice: checked,
     * then started).
     */
    static Collection<?> collect(String what, Iterable<?> items) {
        if (items == null) {
            throw new NullPointerException(what + "(null): pass a collection of awaitables or CompletionStages");
        }
        if (items instanceof Collection<?> c) {
            return c;
        }
        List<Object> copy = new ArrayList<>();
        items.forEach(copy::add);
        return copy;
    }

    /**
     * Rejects null elements, elements that are neither an {@link Awaitable} nor a {@link
     * CompletionStage}, and futures of another loop, before anything is started (CPython's gather would
     * start tasks for the arguments before a bad one and leave them running).
     */
    static void checkAll(EventLoop loop, String what, Collection<?> aws) {
        int index = 0;
        for (Object aw : aws) {
            if (aw == null) {
                throw new NullPointerException(what + ": element " + index + " is null; pass coroutines, tasks,"
                        + " futures, other awaitables or CompletionStages");
            }
            if (aw instanceof Future<?> f && f.loop != loop) {
                throw new IllegalArgumentException(what + ": " + f + " belongs to another event loop; all"
                        + " awaitables of one " + what + " must belong to the running loop");
            }
            if (!(aw instanceof Awaitable<?>) && !(aw instanceof CompletionStage<?>)) {
                throw new IllegalArgumentException(what + ": element " + index + " is a " + aw.getClass().getName()
                        + ", which is neither an Awaitable (coroutine, task, future) nor a CompletionStage");
            }
            index++;
        }
    }

    /**
     * The future for one checked element: a future itself, a task for a coroutine or another
     * awaitable, a wrapper for a stage (an element that is both an Awaitable and a stage counts as
     * an Awaitable).
     */
    static Future<?> ensureFuture(EventLoop loop, Object item) {
        if (!(item instanceof Awaitable<?> aw)) {
            return CompletableFutures.wrap(loop, (CompletionStage<?>) item);
        }
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
        return loop.createTask(Coro.<Object>create((AsyncSupplier<Object>) aw::await, null));
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
                completeExceptionally(child.cancelledError());
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
                    results.add(f.cancelledError());
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
