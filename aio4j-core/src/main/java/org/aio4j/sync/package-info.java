/**
 * Synchronization primitives and queues for coroutines: Python's {@code asyncio.Lock},
 * {@code Event}, {@code Condition}, {@code Semaphore}, {@code BoundedSemaphore}, {@code Barrier}
 * and {@code asyncio.Queue} (FIFO, LIFO and priority).
 *
 * <p>Common contract:
 * <ul>
 *   <li><b>Loop-bound.</b> A primitive may be created anywhere; it binds to the event loop of the
 *       first task that has to wait on it, and fails loudly when used from another loop
 *       ({@link IllegalStateException}) or from another thread while that loop runs
 *       ({@link WrongThreadException}). Methods that may wait must be called from a coroutine.</li>
 *   <li><b>FIFO-fair.</b> Waiters are served in the order they started waiting.</li>
 *   <li><b>Cancellation-safe.</b> A waiting method either completes or throws
 *       {@link org.aio4j.CancelledError} leaving the primitive as if the call had never been made; a
 *       waiter cancelled in the same loop iteration as its wake hands the wake on, so no permit,
 *       notification or item is lost. Each waiting method's Javadoc says so in its own terms.</li>
 *   <li><b>Not thread-safe</b>, like everything on a loop: from other threads, go through
 *       {@link org.aio4j.EventLoop#callSoonThreadsafe}.</li>
 * </ul>
 * Timeouts compose as in asyncio: {@code Aio.timeout(1.0, () -> lock.acquire())}.
 *
 * <p>Every primitive here is built on the public low-level API ({@code org.aio4j.lowlevel}: a
 * {@link org.aio4j.lowlevel.ParkingLot} per wait queue) and the public types of {@code org.aio4j}
 * only, so a new primitive can be written the same way outside this package.
 */
package org.aio4j.sync;
