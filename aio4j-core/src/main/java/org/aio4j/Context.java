package org.aio4j;

import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A set of {@link ContextVar} values: Python's {@code contextvars.Context}.
 *
 * <p>Every task runs in a context of its own, copied from its creator's when the task is created;
 * every callback runs in a copy of the context current when it was scheduled; work sent to a thread
 * ({@link Aio#toThread}) runs in a copy of its sender's. So a value set in a task is seen by the tasks
 * and callbacks it starts, and never leaks back or sideways.
 *
 * <p>{@link #copyCurrent()} takes a snapshot; {@link #run} runs code with this context current, so
 * {@link ContextVar#set} inside it changes this context. Entering a context that is already entered
 * (recursively or from another thread) throws {@link IllegalStateException}, as in Python.
 *
 * <p>Values are stored in an immutable map replaced on each set (copy-on-write): copying a context
 * costs one small object, whatever it holds.
 */
public final class Context {
    /*
     * Where "the current context" lives: a task's strand -> its task's context (created lazily: a
     * program without context variables allocates nothing); a callback on the loop thread -> the
     * loop's callbackContext, built from the map the handle captured when scheduled; any other
     * thread -> a ThreadLocal.
     */
    private static final ThreadLocal<Context> THREAD = new ThreadLocal<>();

    volatile Map<ContextVar<?>, Object> vars;
    /** Entered by some thread or task right now (one at a time, as in Python). */
    private final java.util.concurrent.atomic.AtomicBoolean entered = new java.util.concurrent.atomic.AtomicBoolean();

    Context(Map<ContextVar<?>, Object> vars) {
        this.vars = vars;
    }

    /** A new empty context. */
    public static Context empty() {
        return new Context(Map.of());
    }

    /** A copy of the current context (Python's {@code contextvars.copy_context()}). */
    public static Context copyCurrent() {
        return new Context(currentVars());
    }

    /** The number of variables set in this context. */
    public int size() {
        return vars.size();
    }

    /** The value of {@code variable} in this context, or {@code null} if it has none here. */
    public <T> T get(ContextVar<T> variable) {
        @SuppressWarnings("unchecked")
        T v = (T) vars.get(variable);
        return v;
    }

    /** Whether {@code variable} has a value in this context. */
    public boolean contains(ContextVar<?> variable) {
        return vars.containsKey(variable);
    }

    /** An independent copy of this context. */
    public Context copy() {
        return new Context(vars);
    }

    /**
     * Runs {@code fn} with this context current and returns its result; sets made inside change this
     * context. Inside a coroutine {@code fn} may await.
     *
     * @throws IllegalStateException if this context is already entered
     */
    public <T> T run(Callable<T> fn) {
        if (!entered.compareAndSet(false, true)) {
            throw new IllegalStateException("cannot enter context " + this + ": it is already entered");
        }
        Strand s = Strand.current();
        EventLoop loop = s == null ? EventLoop.currentOrNull() : null;
        Context saved;
        if (s != null) {
            saved = s.task.context();
            s.task.context(this);
        } else if (loop != null && loop.isLoopThread()) {
            saved = loop.callbackContext();
            loop.setCallbackContext(this);
        } else {
            saved = THREAD.get();
            THREAD.set(this);
        }
        try {
            return fn.call();
        } catch (Exception e) {
            throw Sneaky.raise(e);
        } finally {
            entered.set(false);
            if (s != null) {
                s.task.context(saved);
            } else if (loop != null && loop.isLoopThread()) {
                loop.setCallbackContext(saved);
            } else if (saved == null) {
                THREAD.remove();
            } else {
                THREAD.set(saved);
            }
        }
    }

    /** The current context, created (empty) if there is none yet. */
    static Context current() {
        Strand s = Strand.current();
        if (s != null) {
            Context c = s.task.context();
            if (c == null) {
                c = new Context(Map.of());
                s.task.context(c);
            }
            return c;
        }
        EventLoop loop = EventLoop.currentOrNull();
        if (loop != null && loop.isLoopThread()) {
            Context c = loop.callbackContext();
            if (c == null) {
                c = new Context(Map.of());
                loop.setCallbackContext(c);
            }
            return c;
        }
        Context c = THREAD.get();
        if (c == null) {
            c = new Context(Map.of());
            THREAD.set(c);
        }
        return c;
    }

    /** The current variables, without creating anything (empty map if none). */
    static Map<ContextVar<?>, Object> currentVars() {
        Strand s = Strand.current();
        Context c;
        if (s != null) {
            c = s.task.context();
        } else {
            EventLoop loop = EventLoop.currentOrNull();
            c = loop != null && loop.isLoopThread() ? loop.callbackContext() : THREAD.get();
        }
        return c == null ? Map.of() : c.vars;
    }

    /** A snapshot to hand to a new task or callback: null when empty (nothing to allocate). */
    static Map<ContextVar<?>, Object> capture() {
        Map<ContextVar<?>, Object> m = currentVars();
        return m.isEmpty() ? null : m;
    }

    /** Runs {@code work} on this (non-loop) thread in a context made from {@code vars}. */
    static void runOnThread(Map<ContextVar<?>, Object> vars, Runnable work) {
        if (vars == null) {
            work.run();
            return;
        }
        Context saved = THREAD.get();
        THREAD.set(new Context(vars));
        try {
            work.run();
        } finally {
            if (saved == null) {
                THREAD.remove();
            } else {
                THREAD.set(saved);
            }
        }
    }

    void put(ContextVar<?> var, Object value, boolean remove) {
        Map<ContextVar<?>, Object> next = new HashMap<>(vars);
        if (remove) {
            next.remove(var);
        } else {
            next.put(var, value);
        }
        vars = Collections.unmodifiableMap(next);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Context{");
        vars.forEach((k, v) -> sb.append(sb.length() > 8 ? ", " : "").append(k.name()).append('=').append(v));
        return sb.append('}').toString();
    }
}
