package org.aio4j;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.aio4j.lowlevel.Deadline;

/**
 * The implementations behind {@link Aio#waitDone}, {@link Aio#waitFor}, {@link Aio#asCompleted} and
 * {@link Aio#shield}: done callbacks, and the kernel's one timed wait (a park until a deadline).
 */
final class Waiting {
    private Waiting() {
    }

    // ------------------------------------------------------------------ waitDone

    /** asyncio's wait over tasks, futures and stages (each stage wrapped once, however often passed). */
    @SuppressWarnings("unchecked")
    static <T> WaitResult<T> waitDone(Strand s, Collection<?> fs, Deadline deadline, ReturnWhen when) {
        if (fs.isEmpty()) {
            throw new IllegalArgumentException("waitDone: the collection of tasks/futures is empty; pass at least one");
        }
        if (when == null) {
            throw new NullPointerException("waitDone: returnWhen is null; pass ReturnWhen.ALL_COMPLETED, FIRST_COMPLETED"
                    + " or FIRST_EXCEPTION");
        }
        EventLoop loop = s.loop();
        int index = 0;
        for (Object item : fs) { // all checked before any stage is wrapped
            if (item instanceof Future<?> f) {
                if (f.loop != loop) {
                    throw new IllegalArgumentException("waitDone: " + f + " belongs to another event loop");
                }
            } else if (item == null) {
                throw new NullPointerException("waitDone: element " + index + " is null; pass tasks, futures or"
                        + " CompletionStages");
            } else if (item instanceof Awaitable<?>) {
                throw new IllegalArgumentException("waitDone: element " + index + " is " + item + ", not a task or"
                        + " future: make it a task first with Aio.createTask (asyncio.wait refuses coroutines"
                        + " since 3.12)");
            } else if (!(item instanceof CompletionStage<?>)) {
                throw new IllegalArgumentException("waitDone: element " + index + " is a " + item.getClass().getName()
                        + ", which is neither a task, a future nor a CompletionStage");
            }
            index++;
        }
        Set<Future<T>> all = new LinkedHashSet<>();
        Map<Object, Future<?>> wrapped = new IdentityHashMap<>();
        for (Object item : fs) {
            all.add((Future<T>) (item instanceof Future<?> f ? f
                    : wrapped.computeIfAbsent(item, st -> CompletableFutures.wrap(loop, (CompletionStage<?>) st))));
        }
        ParkFuture<Object> waiter = s.task.newWaker();
        int[] remaining = {all.size()};
        Consumer<Future<?>> onCompletion = f -> {
            remaining[0]--;
            if (remaining[0] <= 0 || when == ReturnWhen.FIRST_COMPLETED
                    || (when == ReturnWhen.FIRST_EXCEPTION && !f.cancelled() && f.exception() != null)) {
                waiter.wake(null);
            }
        };
        for (Future<T> f : all) {
            f.addDoneCallback(onCompletion);
        }
        try {
            s.task.parkUntil(waiter, deadline);
        } finally {
            for (Future<T> f : all) {
                f.removeDoneCallback(onCompletion);
            }
        }
        Set<Future<T>> done = new LinkedHashSet<>();
        Set<Future<T>> pending = new LinkedHashSet<>();
        for (Future<T> f : all) {
            (f.done() ? done : pending).add(f);
        }
        return new WaitResult<>(Collections.unmodifiableSet(done), Collections.unmodifiableSet(pending));
    }

    // ------------------------------------------------------------------ waitFor

    /**
     * asyncio 3.11's wait_for: a waiter released by the deadline or by the work's completion, so work
     * that completes in the deadline's iteration still counts (the timeout-scope version of 3.12
     * loses it). {@code onTimeout} gives the outcome after the work was cancelled and waited for.
     */
    static <T> T waitFor(Strand s, Future<T> fut, Deadline deadline, java.util.function.Supplier<T> onTimeout) {
        boolean done;
        try {
            done = s.task.awaitUntil(fut, deadline);
        } catch (CancelledError e) {
            // Cancelled from outside: stop the work and wait for it, then propagate. (asyncio 3.11
            // returns the result here if the work happened to be done, swallowing the cancellation.)
            if (!fut.done()) {
                cancelAndWait(s, fut);
            }
            throw e;
        }
        if (done) {
            return fut.result();
        }
        cancelAndWait(s, fut);
        return onTimeout.get();
    }

    /** Cancels {@code fut} and waits until it is done (its cleanup finished). */
    static void cancelAndWait(Strand s, Future<?> fut) {
        ParkFuture<Object> waiter = s.task.newWaker();
        Consumer<Future<?>> onDone = f -> waiter.wake(null);
        fut.addDoneCallback(onDone);
        Future<?> outerTarget = s.task.awaitTarget();
        s.task.awaitTarget(fut);
        try {
            fut.cancel();
            // Not awaiting fut itself: our own cancellation while we wait must not cancel it again.
            s.task.parkUntil(waiter, Deadline.NONE);
        } finally {
            s.task.awaitTarget(outerTarget);
            fut.removeDoneCallback(onDone);
        }
    }

    // ------------------------------------------------------------------ asCompleted

    /** The iterator of {@link Aio#asCompleted}; see there. */
    static final class AsCompleted<T> implements Iterable<Future<T>>, Iterator<Future<T>> {
        private final EventLoop loop;
        private final Set<Future<T>> todo = new LinkedHashSet<>();
        private final ArrayDeque<Future<T>> completed = new ArrayDeque<>();
        private int left;
        private boolean timedOut;
        private TimerHandle timer;
        private ParkFuture<Object> waiter;
        private boolean iterated;
        private final Consumer<Future<T>> onCompletion = this::completed;

        @SuppressWarnings("unchecked")
        AsCompleted(EventLoop loop, Collection<?> aws, Deadline deadline) {
            this.loop = loop;
            GatheringFuture.checkAll(loop, "asCompleted", aws);
            Set<Object> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            for (Object aw : aws) {
                if (seen.add(aw)) {
                    todo.add((Future<T>) GatheringFuture.ensureFuture(loop, aw));
                }
            }
            left = todo.size();
            for (Future<T> f : todo) {
                f.addDoneCallback(onCompletion);
            }
            if (!deadline.isNone() && !todo.isEmpty()) {
                timer = loop.callAtNanos(deadline.nanos(), this::timeout);
            }
        }

        private void completed(Future<T> f) {
            if (!todo.remove(f)) {
                return;
            }
            completed.add(f);
            if (todo.isEmpty() && timer != null) {
                timer.cancel();
            }
            wake();
        }

        private void timeout() {
            for (Future<T> f : todo) {
                f.removeDoneCallback(onCompletion);
            }
            todo.clear();
            timedOut = true;
            wake();
        }

        private void wake() {
            if (waiter != null) {
                waiter.wake(null);
            }
        }

        @Override
        public Iterator<Future<T>> iterator() {
            if (iterated) {
                throw new IllegalStateException("asCompleted(...) can be iterated once; call it again for a new pass");
            }
            iterated = true;
            return this;
        }

        @Override
        public boolean hasNext() {
            return left > 0;
        }

        /**
         * Waits for the next future to be done and returns it (the original task or future).
         *
         * @throws TimeoutError if the timeout passed first
         */
        @Override
        public Future<T> next() {
            if (left <= 0) {
                throw new NoSuchElementException("asCompleted: every awaitable was already returned");
            }
            Strand s = Strand.currentOrThrow("asCompleted(...).next");
            while (completed.isEmpty()) {
                if (timedOut) {
                    throw new TimeoutError("asCompleted: the timeout passed with " + left + " awaitable(s) not done");
                }
                waiter = s.task.newWaker();
                try {
                    s.task.parkUntil(waiter, Deadline.NONE);
                } finally {
                    waiter = null;
                }
            }
            left--;
            return completed.poll();
        }
    }

    // ------------------------------------------------------------------ shield

    @SuppressWarnings("unchecked")
    /** The outer future of {@link #shield}: the call graph sees through it to the shielded work. */
    static final class Shielded<T> extends Future<T> {
        final Future<T> inner;

        Shielded(EventLoop loop, Future<T> inner) {
            super(loop);
            this.inner = inner;
        }
    }

    static <T> Future<T> shield(EventLoop loop, Awaitable<T> aw) {
        Future<T> inner = (Future<T>) GatheringFuture.ensureFuture(loop, aw);
        if (inner.done()) {
            return inner;
        }
        Future<T> outer = new Shielded<>(loop, inner);
        Consumer<Future<T>> innerDone = i -> {
            if (outer.cancelled()) {
                if (!i.cancelled()) {
                    i.exception(); // retrieved: the shielded work's failure has no reader left
                }
                return;
            }
            if (i.cancelled()) {
                outer.cancel();
            } else if (i.exception() != null) {
                outer.setException(i.exception());
            } else {
                outer.setResult(i.result());
            }
        };
        inner.addDoneCallback(innerDone);
        outer.addDoneCallback(o -> {
            if (!inner.done()) {
                inner.removeDoneCallback(innerDone);
            }
        });
        return outer;
    }

}
