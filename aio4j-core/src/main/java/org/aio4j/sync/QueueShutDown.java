package org.aio4j.sync;

/**
 * Thrown by a {@link Queue} that has been {@linkplain Queue#shutdown() shut down}: by
 * {@link Queue#put} and {@link Queue#tryPut} always, and by {@link Queue#get} and
 * {@link Queue#tryGet} once the queue is also empty (at once after an immediate shutdown, which
 * empties it). Python's {@code asyncio.QueueShutDown} (3.13).
 *
 * <p>For a consumer it is the normal end of the stream, the way {@code for item in queue} would end:
 *
 * <pre>{@code
 * try {
 *     while (true) {
 *         handle(queue.get());
 *     }
 * } catch (QueueShutDown end) {
 *     // the producer called queue.shutdown() and everything it put has been taken
 * }
 * }</pre>
 */
public class QueueShutDown extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** An exception with the given message. */
    public QueueShutDown(String message) {
        super(message);
    }
}
