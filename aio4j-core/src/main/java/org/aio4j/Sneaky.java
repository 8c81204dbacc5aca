package org.aio4j;

/**
 * Rethrows any throwable unchanged, checked ones included: exceptions propagate through
 * {@code await} as they were thrown (docs/architecture.md, "Semantics"), not wrapped.
 */
final class Sneaky {
    private Sneaky() {
    }

    /** Throws {@code t}; declared to return so callers can write {@code throw Sneaky.raise(t)}. */
    static RuntimeException raise(Throwable t) {
        throw Sneaky.<RuntimeException>cast(t);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E cast(Throwable t) throws E {
        throw (E) t;
    }
}
