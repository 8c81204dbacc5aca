package org.aio4j.sync;

/**
 * Proof of one acquisition of a {@link Lock}, {@link Semaphore} or {@link Condition}: closing it
 * releases that acquisition. It stands in for Python's {@code async with lock:}:
 *
 * <pre>{@code
 * try (Acquired held = lock.acquire()) {
 *     ... // the lock is held here
 * }   // released, also when the body throws or its task is cancelled
 * }</pre>
 *
 * <p>{@link #close()} releases exactly once: closing again does nothing. Release either by closing
 * this or by calling the primitive's {@code release()}, not both, or the second release will
 * release somebody else's acquisition (asyncio primitives have no owner). Loop thread only, like
 * the primitive.
 */
public final class Acquired implements AutoCloseable {
    private Releasable from;

    Acquired(Releasable from) {
        this.from = from;
    }

    /** Releases the acquisition this stands for, the first time it is called. */
    @Override
    public void close() {
        Releasable r = from;
        if (r != null) {
            from = null;
            r.release();
        }
    }

    /** Whether {@link #close()} has not been called yet. */
    public boolean held() {
        return from != null;
    }

    @Override
    public String toString() {
        return from != null ? "Acquired[" + from + "]" : "Acquired[released]";
    }

    /** A primitive whose acquisition {@link Acquired} releases. */
    interface Releasable {
        void release();
    }
}
