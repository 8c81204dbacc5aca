package org.aio4j;

import java.lang.ref.Cleaner;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An async generator: Python's {@code async def} with {@code yield}, a lazy sequence whose body may
 * await between values. Make one with {@link Aio#asyncGenerator(AsyncGeneratorBody)}:
 *
 * <pre>{@code
 * AsyncGenerator<Integer> ticker = Aio.asyncGenerator(out -> {
 *     for (int i = 0; i < 3; i++) {
 *         out.yield(i);
 *         Aio.sleep(Duration.ofMillis(100));
 *     }
 * });
 * for (int tick : ticker) {          // Python's "async for"; inside a coroutine
 *     System.out.println(tick);
 * }
 * }</pre>
 *
 * <h2>Two ways to consume</h2>
 * <ul>
 *   <li><b>Pull</b>: a {@code for} loop (its iterator's {@code hasNext()} awaits the next value),
 *       {@link #anext()}, {@link #asend}, {@link #athrow}. The body runs on the consuming task,
 *       suspended at its {@code yield} between values, as Python's generators are: no other task,
 *       no thread, no queue. Breaking out of a {@code for} loop leaves the generator suspended; it is
 *       closed when the loop shuts down ({@link EventLoop#shutdownAsyncgens()}, run by
 *       {@link Aio#run}), or soon after its handle is garbage-collected, as in asyncio; close it
 *       yourself with try-with-resources (asyncio's {@code aclosing}) to run its {@code finally}
 *       blocks at a known point.</li>
 *   <li><b>Push</b>: {@link #forEach}, {@link #forEachWhile}, {@link #toList()} and the generators
 *       {@link #map}, {@link #filter} and {@link #take} make. The body runs straight through and each
 *       {@code yield} calls the consumer's action, like kotlinx's {@code flow.collect}: the cheapest
 *       way through a generator. They consume the generator: when they return or throw, it is
 *       closed.</li>
 * </ul>
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every operation must be called from a coroutine: the body's awaits are the caller's. The
 *       first call binds the generator to the caller's loop; using it from another loop throws
 *       {@link IllegalStateException}.</li>
 *   <li>One consumer at a time: asking a generator for a value while it is already producing one
 *       (from a second task, or from its own body) throws {@link IllegalStateException} at once,
 *       as Python's {@code RuntimeError: anext(): asynchronous generator is already running}.</li>
 *   <li>An exception thrown by the body (a failed await, a {@link CancelledError} of the consuming
 *       task) ends the generator and propagates to the consumer unchanged.</li>
 *   <li>Cancelling the consuming task while the body awaits cancels that await; the body may catch
 *       it and clean up, exactly as a coroutine does.</li>
 * </ul>
 * Not thread-safe: a generator belongs to one loop, like every object of a loop.
 *
 * @param <T> the type of the values produced
 */
public final class AsyncGenerator<T> implements Iterable<T>, AutoCloseable {
    /*
     * The state lives in AsyncGenCore, which the loop's registry may hold; this handle is what users
     * hold. A cleaner on the handle, registered at the first pull step, schedules aclose() on the loop
     * when the handle becomes unreachable while the generator is suspended (asyncio's finalizer hook).
     * The cleaner's action holds only the core and the loop, never this handle.
     */
    private static final AtomicLong COUNTER = new AtomicLong();

    private final AsyncGenCore<T> core;
    private Cleaner.Cleanable cleanable;

    AsyncGenerator(AsyncGeneratorBody<T> body, String name) {
        this.core = new AsyncGenCore<>(Objects.requireNonNull(body, "asyncGenerator(null): pass the generator's body"),
                name != null ? name : "async-generator-" + COUNTER.incrementAndGet());
    }

    /** The generator's name: the one given to {@link Aio#asyncGenerator(String, AsyncGeneratorBody)}, or a numbered one. */
    public String getName() {
        return core.name;
    }

    /** Where the generator is in its life. */
    public AsyncGeneratorState state() {
        return core.state;
    }

    // ================================================================ pull

    /**
     * Python's {@code anext(gen)}: runs the body to its next {@code yield} (awaiting whatever it
     * awaits) and returns that value.
     *
     * @throws StopAsyncIteration when the body has returned, or the generator was closed
     * @throws IllegalStateException outside a coroutine, from another loop, or while the generator is
     *                               already running
     */
    public T anext() {
        ensureCleaner();
        return core.next("anext");
    }

    /**
     * Python's {@code gen.asend(value)}: resumes the body with {@code value} as the result of the
     * {@link Yielder#yield yield} it is suspended at, and returns the next value it yields. A fresh
     * generator can only be started with {@code null}.
     *
     * @throws IllegalArgumentException if the generator has not started and {@code value} is not null
     * @throws StopAsyncIteration       when the body returns instead of yielding again
     */
    public T asend(Object value) {
        ensureCleaner();
        return core.send(value);
    }

    /**
     * Python's {@code gen.athrow(exception)}: throws {@code exception} inside the body, at the
     * {@code yield} it is suspended at; returns the next value the body yields if it catches it. A
     * fresh generator is closed without running, and {@code exception} is thrown here.
     *
     * @throws StopAsyncIteration if the generator has already ended (Python 3.11 returns None there;
     *                            see docs/generators.md), or the body returns after catching it
     */
    public T athrow(Throwable exception) {
        ensureCleaner();
        return core.throwIn(exception);
    }

    /**
     * Python's {@code gen.aclose()}: throws {@link GeneratorExit} at the {@code yield} the body is
     * suspended at, and waits while its {@code finally} blocks run (they may await). Does nothing if
     * the generator has ended; a fresh one is closed without running.
     *
     * @throws IllegalStateException if the body yields again instead of letting GeneratorExit
     *                               propagate ("ignored GeneratorExit"), or the generator is running
     */
    public void aclose() {
        core.close();
    }

    /** {@link #aclose()}, for try-with-resources: asyncio's {@code async with aclosing(gen)}. */
    @Override
    public void close() {
        aclose();
    }

    /**
     * An iterator for a {@code for} loop inside a coroutine: {@code hasNext()} runs the body to its
     * next {@code yield}. Every iterator pulls from this same generator (Python's
     * {@code aiter(gen) is gen}), so a second loop continues where the first stopped.
     */
    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private T next;
            private boolean ready;
            private boolean ended;

            @Override
            public boolean hasNext() {
                if (ready) {
                    return true;
                }
                if (ended) {
                    return false;
                }
                try {
                    next = anext();
                    ready = true;
                    return true;
                } catch (StopAsyncIteration end) {
                    ended = true;
                    return false;
                }
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the async generator '" + core.name + "' has ended");
                }
                T v = next;
                next = null;
                ready = false;
                return v;
            }
        };
    }

    // ================================================================ push

    /**
     * Runs {@code action} on every value, in the calling coroutine (it may await), then closes the
     * generator. An exception from {@code action} stops the body (it gets {@link GeneratorExit} at its
     * {@code yield}, runs its {@code finally} blocks) and is then thrown here; an exception of the
     * body's own is thrown here too.
     */
    @Override
    public void forEach(Consumer<? super T> action) {
        Objects.requireNonNull(action, "forEach(null): pass the action to run on each value");
        forEachWhile(v -> {
            action.accept(v);
            return true;
        });
    }

    /**
     * Runs {@code action} on the values until it returns false or they end, then closes the generator
     * (so stopping early runs the body's {@code finally} blocks before this returns). As
     * {@link #forEach}, and {@code action} may throw checked exceptions.
     */
    public void forEachWhile(AsyncPredicate<? super T> action) {
        Objects.requireNonNull(action, "forEachWhile(null): pass the action to run on each value");
        if (core.fresh()) {
            core.push(action);
            return;
        }
        Throwable failed = null;
        try {
            while (true) {
                T v;
                try {
                    v = anext();
                } catch (StopAsyncIteration end) {
                    return;
                }
                if (!action.test(v)) {
                    return;
                }
            }
        } catch (Throwable e) {
            failed = e;
            throw Sneaky.raise(e);
        } finally {
            closeAfter(failed);
        }
    }

    private void closeAfter(Throwable failed) {
        if (failed == null) {
            aclose();
            return;
        }
        try {
            aclose();
        } catch (Throwable e) {
            if (e != failed) {
                failed.addSuppressed(e);
            }
        }
    }

    /** Python's {@code [v async for v in gen]}: every value, in order, then the generator is closed. */
    public List<T> toList() {
        List<T> all = new ArrayList<>();
        forEachWhile(v -> {
            all.add(v);
            return true;
        });
        return all;
    }

    /**
     * A generator of {@code fn(v)} for each value {@code v} of this one ({@code (fn(v) async for v in
     * gen)}); {@code fn} may await. Nothing runs until the result is consumed; consuming it consumes
     * this generator, and closing it closes this one.
     */
    public <R> AsyncGenerator<R> map(AsyncFunction<? super T, ? extends R> fn) {
        Objects.requireNonNull(fn, "map(null): pass the function to apply to each value");
        return new AsyncGenerator<>(out -> forEachWhile(v -> {
            out.yield(fn.apply(v));
            return true;
        }), core.name + ".map");
    }

    /** A generator of the values {@code test} accepts ({@code (v async for v in gen if test(v))}); lazy as {@link #map}. */
    public AsyncGenerator<T> filter(AsyncPredicate<? super T> test) {
        Objects.requireNonNull(test, "filter(null): pass the test each value must pass");
        return new AsyncGenerator<>(out -> forEachWhile(v -> {
            if (test.test(v)) {
                out.yield(v);
            }
            return true;
        }), core.name + ".filter");
    }

    /**
     * A generator of the first {@code n} values; once it has handed them out this generator is closed
     * (its {@code finally} blocks run), without being asked for an {@code n+1}th value.
     *
     * @throws IllegalArgumentException if {@code n} is negative
     */
    public AsyncGenerator<T> take(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("take(" + n + "): the number of values must be >= 0");
        }
        return new AsyncGenerator<>(out -> {
            if (n == 0) {
                aclose();
                return;
            }
            long[] left = {n};
            forEachWhile(v -> {
                out.yield(v);
                return --left[0] > 0;
            });
        }, core.name + ".take");
    }

    private void ensureCleaner() {
        if (cleanable == null && core.fresh()) {
            AsyncGenCore<T> c = core;
            cleanable = GcReports.CLEANER.register(this, () -> abandoned(c));
        }
    }

    /** The cleaner's action: on the cleaner's thread, after the handle became unreachable. */
    private static void abandoned(AsyncGenCore<?> core) {
        EventLoop loop = core.loop;
        if (loop == null || loop.isClosed()) {
            return;
        }
        try {
            loop.callSoonThreadsafe(() -> loop.asyncGens().closeAbandoned(core));
        } catch (IllegalStateException closed) {
            // The loop closed meanwhile: its shutdown closed the generator, or nothing can.
        }
    }

    @Override
    public String toString() {
        return core.toString();
    }
}
