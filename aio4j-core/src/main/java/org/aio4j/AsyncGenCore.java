package org.aio4j;

/**
 * The state of one async generator, apart from its {@link AsyncGenerator} handle so that the handle
 * can be garbage-collected (and the generator then closed) while the loop still tracks this.
 *
 * Two ways to run the body:
 * <ul>
 *   <li>pull ({@link #step}): the body runs on a {@link GenStack} and suspends at each yield; one
 *       stack switch per value. The loop tracks the generator from its first step until it ends, to
 *       close it at shutdown (asyncio's firstiter hook and shutdown_asyncgens);</li>
 *   <li>push ({@link #push}): the body runs inline on the consumer's stack and each yield calls the
 *       consumer, like kotlinx's {@code flow.collect}; no switch at all. Used by forEach and the
 *       helpers built on it, only from CREATED; the generator is closed when push returns, so the
 *       loop need not track it. When the consumer fails or stops, the yield throws a GeneratorExit
 *       into the body (what aclose would do later), and at the boundary the consumer's own
 *       exception is rethrown: the body sees only GeneratorExit, never the consumer's exception.</li>
 * </ul>
 * Everything here runs on the loop's thread (the consumer's strand, or the body on its behalf).
 */
final class AsyncGenCore<T> implements Yielder<T> {

    private enum Command { SEND, THROW, CLOSE }

    final AsyncGeneratorBody<T> body;
    final String name;
    AsyncGeneratorState state = AsyncGeneratorState.CREATED;
    /** The loop of the first step (pull only). */
    volatile EventLoop loop;
    private GenStack stack;

    // One resume: what the consumer asked for, and what the body did.
    private Command command;
    private Object sent;
    private Throwable thrown;
    private boolean yielded;
    private T value;
    private Throwable failure;
    /** Set by aclose: a yield now means the body ignored GeneratorExit. */
    private boolean closing;


    AsyncGenCore(AsyncGeneratorBody<T> body, String name) {
        this.body = body;
        this.name = name;
    }

    // ================================================================ pull

    /** anext: the next value, or StopAsyncIteration at the end. */
    T next(String op) {
        return step(Command.SEND, null, null, op);
    }

    T send(Object v) {
        return step(Command.SEND, v, null, "asend");
    }

    T throwIn(Throwable e) {
        if (e == null) {
            throw new NullPointerException("athrow(null): pass the exception to throw at the generator's yield");
        }
        return step(Command.THROW, null, e, "athrow");
    }

    void close() {
        if (state == AsyncGeneratorState.CLOSED) {
            return;
        }
        step(Command.CLOSE, null, null, "aclose");
    }

    /** Whether the first pull step is still to come (the handle registers its cleaner then). */
    boolean fresh() {
        return state == AsyncGeneratorState.CREATED;
    }

    private T step(Command cmd, Object send, Throwable toThrow, String op) {
        Strand s = Strand.currentOrThrow("AsyncGenerator." + op);
        switch (state) {
            case RUNNING -> throw new IllegalStateException(op + "(): the async generator '" + name + "' is already"
                    + " running (another task is iterating it, or its own body or forEach action is asking it for a"
                    + " value); iterate a generator from one task at a time, or hand the values over with a Queue");
            case CLOSED -> {
                if (cmd == Command.CLOSE) {
                    return null;
                }
                throw new StopAsyncIteration("the async generator '" + name + "' has ended");
            }
            case CREATED -> {
                if (cmd == Command.CLOSE) {
                    state = AsyncGeneratorState.CLOSED; // the body never runs
                    return null;
                }
                if (cmd == Command.THROW) {
                    state = AsyncGeneratorState.CLOSED; // thrown "at the start": the body never runs
                    throw Sneaky.raise(toThrow);
                }
                if (send != null) {
                    throw new IllegalArgumentException("asend(" + send + "): cannot send a value to the async"
                            + " generator '" + name + "' before it started; start it with anext() (or asend(null))");
                }
                loop = s.loop();
                stack = GenStack.create(this::runOnStack, name, s);
                loop.asyncGens().firstIteration(this);
            }
            case SUSPENDED -> {
                if (s.loop() != loop) {
                    throw new IllegalStateException(op + "(): the async generator '" + name + "' belongs to " + loop
                            + " (it was first iterated there), not to the loop of task '" + s.task.getName() + "'");
                }
            }
        }
        command = cmd;
        sent = send;
        thrown = toThrow;
        closing = cmd == Command.CLOSE;
        state = AsyncGeneratorState.RUNNING;
        Strand.GeneratorFrames frames = s.generators();
        AsyncGenCore<?> outer = frames.running;
        frames.running = this;
        try {
            stack.resume(s);
        } finally {
            frames.running = outer;
            sent = null;
            thrown = null;
        }
        if (yielded) {
            yielded = false;
            state = AsyncGeneratorState.SUSPENDED;
            T v = value;
            value = null;
            if (closing) {
                closing = false;
                throw new IllegalStateException("async generator '" + name + "' ignored GeneratorExit: it yielded "
                        + v + " while being closed; let GeneratorExit propagate from yield (clean up in finally)");
            }
            return v;
        }
        state = AsyncGeneratorState.CLOSED;
        loop.asyncGens().finished(this);
        stack = null;
        Throwable f = failure;
        failure = null;
        if (f == null || (closing && f instanceof GeneratorExit)) {
            closing = false;
            if (cmd == Command.CLOSE) {
                return null;
            }
            throw new StopAsyncIteration("the async generator '" + name + "' has ended");
        }
        closing = false;
        throw Sneaky.raise(f);
    }

    /** The body on its own stack: never throws (the outcome is read by step). */
    private void runOnStack() {
        try {
            body.run(this);
        } catch (Throwable e) {
            failure = escaped(e);
        }
    }

    private Throwable escaped(Throwable e) {
        if (e instanceof StopAsyncIteration) {
            return new IllegalStateException("async generator '" + name + "' raised StopAsyncIteration (from a"
                    + " nested anext()?); a generator ends by returning", e);
        }
        return e;
    }

    @Override
    public Object yield(T v) {
        Strand s = Strand.current();
        if (s == null || s.runningGenerator() != this || state != AsyncGeneratorState.RUNNING) {
            throw new IllegalStateException("yield(" + v + ") was called outside the body of the async generator '"
                    + name + "' (from another task, from a generator nested in it, or after it ended); call"
                    + " out.yield(...) only from the body the Yielder was given to");
        }
        value = v;
        yielded = true;
        stack.suspend();
        return switch (command) {
            case SEND -> sent;
            case THROW -> throw Sneaky.raise(thrown);
            case CLOSE -> throw new GeneratorExit();
        };
    }

    // ================================================================ push

    /**
     * Runs the whole body inline, calling {@code action} at each yield until it returns false; the
     * generator is closed when this returns. Only from CREATED.
     */
    void push(AsyncPredicate<? super T> action) {
        Strand.currentOrThrow("AsyncGenerator.forEach");
        state = AsyncGeneratorState.RUNNING;
        Pusher<T> out = new Pusher<>(action, name);
        Throwable bodyFailure = null;
        try {
            body.run(out);
        } catch (Throwable e) {
            bodyFailure = e;
        } finally {
            out.sink = null;
            state = AsyncGeneratorState.CLOSED;
        }
        GeneratorExit exit = out.exit;
        Throwable consumer = out.consumerFailure;
        if (consumer != null) {
            if (bodyFailure != null && bodyFailure != exit && bodyFailure != consumer) {
                consumer.addSuppressed(bodyFailure);
            }
            throw Sneaky.raise(consumer);
        }
        if (bodyFailure == null || bodyFailure == exit) {
            return;
        }
        throw Sneaky.raise(escaped(bodyFailure));
    }

    /**
     * The Yielder of a push run: a small class of its own, so that the JIT sees one short path from
     * the body's yield to the consumer's action (inlined whole in a hot loop, boxes and all).
     */
    private static final class Pusher<T> implements Yielder<T> {
        AsyncPredicate<? super T> sink;
        final String name;
        GeneratorExit exit;
        Throwable consumerFailure;

        Pusher(AsyncPredicate<? super T> sink, String name) {
            this.sink = sink;
            this.name = name;
        }

        @Override
        public Object yield(T v) {
            AsyncPredicate<? super T> action = sink;
            if (action == null || exit != null) {
                throw misuse(v);
            }
            boolean more;
            try {
                more = action.test(v);
            } catch (Throwable e) {
                consumerFailure = e;
                more = false;
            }
            if (!more) {
                exit = new GeneratorExit();
                throw exit;
            }
            return null;
        }

        private IllegalStateException misuse(T v) {
            if (exit != null) {
                return new IllegalStateException("async generator '" + name + "' ignored GeneratorExit: it yielded "
                        + v + " while being closed; let GeneratorExit propagate from yield (clean up in finally)");
            }
            return new IllegalStateException("yield(" + v + ") was called after the async generator '" + name
                    + "' ended; call out.yield(...) only from the body, while it runs");
        }
    }

    @Override
    public String toString() {
        return "AsyncGenerator[" + name + " " + state.name().toLowerCase(java.util.Locale.ROOT) + "]";
    }
}
