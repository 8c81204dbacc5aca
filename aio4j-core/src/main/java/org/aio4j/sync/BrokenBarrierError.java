package org.aio4j.sync;

/**
 * Raised by {@link Barrier#await()} when the barrier is broken ({@link Barrier#abort()}) or reset
 * ({@link Barrier#reset()}) while a task waits at it, or is broken when a task arrives: Python's
 * {@code asyncio.BrokenBarrierError}.
 *
 * <p>The Python name is kept (like {@link org.aio4j.TimeoutError}'s); it is an ordinary
 * {@link RuntimeException}, a failure of the rendezvous for the caller to handle, not a JVM
 * {@link Error}. (Java's own {@link java.util.concurrent.BrokenBarrierException} is checked and
 * belongs to thread barriers.)
 */
public class BrokenBarrierError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** A broken-barrier failure with {@code message}. */
    public BrokenBarrierError(String message) {
        super(message);
    }
}
