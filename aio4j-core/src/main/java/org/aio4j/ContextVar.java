package org.aio4j;

import java.util.Objects;

/**
 * A variable with a value per {@link Context}: Python's {@code contextvars.ContextVar}. Use it for
 * what a thread-local would hold in threaded code (a request id, a transaction, a deadline): each task
 * sees the value of the context it was created in, plus its own changes.
 *
 * <pre>{@code
 * static final ContextVar<String> REQUEST_ID = ContextVar.of("request_id", "-");
 *
 * ContextVar.Token<String> token = REQUEST_ID.set("r-42");
 * try {
 *     await(handle());            // tasks created in handle() see "r-42"
 * } finally {
 *     REQUEST_ID.reset(token);
 * }
 * }</pre>
 *
 * <p>Declare variables as constants: each {@code of(...)} call makes a new, distinct variable.
 * Thread-safety: a variable may be used from any thread; the value seen is the current context's.
 *
 * @param <T> the value type
 */
public final class ContextVar<T> {
    private static final Object NO_DEFAULT = new Object();

    private final String name;
    private final Object defaultValue;

    private ContextVar(String name, Object defaultValue) {
        this.name = Objects.requireNonNull(name, "a ContextVar needs a name");
        this.defaultValue = defaultValue;
    }

    /** A variable without a default: {@link #get()} throws until it is set. */
    public static <T> ContextVar<T> of(String name) {
        return new ContextVar<>(name, NO_DEFAULT);
    }

    /** A variable whose {@link #get()} returns {@code defaultValue} until it is set. */
    public static <T> ContextVar<T> of(String name, T defaultValue) {
        return new ContextVar<>(name, defaultValue);
    }

    /** The variable's name. */
    public String name() {
        return name;
    }

    /**
     * The value in the current context, else the variable's default.
     *
     * @throws IllegalStateException if it has neither (Python's {@code LookupError})
     */
    @SuppressWarnings("unchecked")
    public T get() {
        var vars = Context.currentVars();
        if (vars.containsKey(this)) {
            return (T) vars.get(this);
        }
        if (defaultValue != NO_DEFAULT) {
            return (T) defaultValue;
        }
        throw new IllegalStateException("ContextVar '" + name + "' has no value in this context and no default;"
                + " set it first, or use get(default) or ContextVar.of(name, default)");
    }

    /** The value in the current context, else {@code fallback} (even if the variable has a default). */
    @SuppressWarnings("unchecked")
    public T get(T fallback) {
        var vars = Context.currentVars();
        return vars.containsKey(this) ? (T) vars.get(this) : fallback;
    }

    /** Sets the value in the current context; the token undoes it with {@link #reset}. */
    public Token<T> set(T value) {
        Context ctx = Context.current();
        boolean had = ctx.vars.containsKey(this);
        @SuppressWarnings("unchecked")
        Token<T> token = new Token<>(this, ctx, had, had ? (T) ctx.vars.get(this) : null);
        ctx.put(this, value, false);
        return token;
    }

    /**
     * Restores the value the variable had before the {@link #set} that returned {@code token}.
     *
     * @throws IllegalArgumentException if the token belongs to another variable or another context
     * @throws IllegalStateException if the token was already used
     */
    public void reset(Token<T> token) {
        if (token.variable != this) {
            throw new IllegalArgumentException("this Token was created by ContextVar '" + token.variable.name
                    + "', not '" + name + "'");
        }
        Context ctx = Context.current();
        if (token.context != ctx) {
            throw new IllegalArgumentException("this Token was created in a different Context; reset it in the"
                    + " task or callback that set the variable");
        }
        if (!token.used.compareAndSet(false, true)) {
            throw new IllegalStateException("this Token has already been used once");
        }
        ctx.put(this, token.oldValue, !token.hadValue);
    }

    @Override
    public String toString() {
        return "ContextVar[" + name + (defaultValue != NO_DEFAULT ? " default=" + defaultValue : "") + "]";
    }

    /**
     * What {@link ContextVar#set} returns: the means to undo that set with {@link ContextVar#reset}.
     *
     * @param <T> the value type
     */
    public static final class Token<T> {
        private final ContextVar<T> variable;
        private final Context context;
        private final boolean hadValue;
        private final T oldValue;
        private final java.util.concurrent.atomic.AtomicBoolean used = new java.util.concurrent.atomic.AtomicBoolean();

        private Token(ContextVar<T> variable, Context context, boolean hadValue, T oldValue) {
            this.variable = variable;
            this.context = context;
            this.hadValue = hadValue;
            this.oldValue = oldValue;
        }

        /** The variable that was set. */
        public ContextVar<T> variable() {
            return variable;
        }

        /** Whether the variable had a value before the set ({@link #oldValue()} is it). */
        public boolean hadValue() {
            return hadValue;
        }

        /** The value before the set, or {@code null} if it had none. */
        public T oldValue() {
            return oldValue;
        }
    }
}
