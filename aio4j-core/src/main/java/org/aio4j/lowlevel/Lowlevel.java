package org.aio4j.lowlevel;

import java.nio.channels.SelectableChannel;
import java.util.concurrent.Callable;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.aio4j.EventLoop;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.internal.KernelAccess;

/**
 * The kernel's public low-level API: what {@code org.aio4j.sync}, the socket layers and your own
 * primitives are built on (trio's {@code trio.lowlevel}). Nothing here is needed to write ordinary
 * asyncio-style programs; it is for code that implements a new way of waiting.
 *
 * <h2>Parking</h2>
 * A task waits by parking on a {@link Waker} and is resumed by whoever holds the waker:
 * <pre>{@code
 * Waker<String> w = Lowlevel.newWaker();          // a ticket for the current task
 * waiters.add(w);                                 // whoever wakes it will find it here
 * String v = Lowlevel.park(w, () -> waiters.remove(w));
 * ...
 * waiters.poll().wake("hello");                   // elsewhere, on the loop thread
 * }</pre>
 * The abort hook is called at most once, when the parked task is cancelled. Returning {@code true}
 * withdraws the wait: the park throws {@link org.aio4j.CancelledError}. Returning {@code false}
 * (a wake is already on its way, or the operation cannot be undone) keeps the task parked until it is
 * woken; the park then returns normally, and the cancellation is delivered at the task's next await,
 * so nothing handed to the task is lost. {@link #checkpointIfCancelled()} delivers it at once instead,
 * which gives asyncio's semantics (see {@link ParkingLot}).
 *
 * <h2>Deadlines and readiness</h2>
 * {@link #awaitUntil} waits for a future with a {@link Deadline}; {@link #waitReadable} and
 * {@link #waitWritable} park the current task until a non-blocking channel is ready, on the same
 * selector registrations as {@link EventLoop#addReader} and {@link EventLoop#addWriter}.
 *
 * <h2>Threads</h2>
 * Everything here runs on the loop thread, inside a coroutine unless said otherwise.
 */
public final class Lowlevel {
    private Lowlevel() {
    }

    private static final KernelAccess K = KernelAccess.get();

    /** The loop running on this thread or carrying this task, or empty. Never throws. Any thread. */
    public static Optional<EventLoop> currentLoop() {
        return Optional.ofNullable(K.runningLoopOrNull());
    }

    /** The task running this code, or empty outside a coroutine. Never throws. Any thread. */
    public static Optional<Task<?>> currentTask() {
        return Optional.ofNullable(K.currentTaskOrNull());
    }

    /**
     * A waker for the current task's next {@link #park}.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static <T> Waker<T> newWaker() {
        return K.newWaker("Lowlevel.newWaker");
    }

    /**
     * Parks the current task until {@code waker} is woken, and returns the value it was woken with
     * (or throws the error). Returns at once if the waker was woken already. See the class
     * documentation for the abort protocol.
     *
     * @param abort called at most once, on the loop thread, if the task is cancelled while parked:
     *              true withdraws the wait (the park throws CancelledError), false keeps it
     * @throws IllegalStateException outside a coroutine, or for a waker of another task or one
     *                               already parked on
     * @throws org.aio4j.CancelledError if the task was cancelled and {@code abort} returned true
     */
    public static <T> T park(Waker<T> waker, BooleanSupplier abort) {
        return K.park(waker, abort, null);
    }

    /**
     * {@link #park(Waker, BooleanSupplier)}, saying what the task waits on: the await graph and the
     * task dumps show {@code on}'s {@link WaitTarget#describeWait() description}, and the tasks it
     * {@link WaitTarget#blockingTasks() names} become edges of the graph (a cycle through them is a
     * deadlock that {@code Aio.findDeadlocks} reports).
     *
     * @param on what the task waits on; null is the same as the two-argument park
     * @throws IllegalStateException    outside a coroutine, or for a waker of another task or one
     *                                  already parked on
     * @throws org.aio4j.CancelledError if the task was cancelled and {@code abort} returned true
     */
    public static <T> T park(Waker<T> waker, BooleanSupplier abort, WaitTarget on) {
        return K.park(waker, abort, on);
    }

    /**
     * If a cancellation of the current task is waiting for its next await, delivers it now by
     * throwing {@link org.aio4j.CancelledError}; otherwise returns. Does not suspend.
     *
     * @throws IllegalStateException outside a coroutine
     */
    public static void checkpointIfCancelled() {
        K.checkpointIfCancelled("Lowlevel.checkpointIfCancelled");
    }

    /**
     * Waits until {@code future} is done or {@code deadline} passes, without cancelling the future,
     * and says which: the one timed wait that {@code sleep}, {@code waitFor}, {@code waitDone} and
     * {@code asCompleted} are built on. Always suspends at least once (a done future still wakes
     * the task through the loop, as asyncio's {@code wait} does), so it is a cancellation point.
     *
     * @return whether the future is done
     * @throws org.aio4j.CancelledError if the current task is cancelled meanwhile (the future is left alone)
     * @throws IllegalStateException outside a coroutine, or for a future of another loop
     */
    public static boolean awaitUntil(Future<?> future, Deadline deadline) {
        return K.awaitUntil(future, deadline);
    }

    /**
     * Parks the current task until {@code channel} is readable (for a server channel: a connection
     * is waiting to be accepted). One waiter per channel and direction. Cancellation removes the
     * registration. The channel must be open and non-blocking.
     *
     * @throws IllegalArgumentException if the channel is closed, in blocking mode, or cannot be read from
     *                                  (for {@code waitWritable}: written to)
     * @throws IllegalStateException if another task or callback is already waiting for it to be readable
     * @throws java.io.UncheckedIOException with a {@link java.nio.channels.ClosedChannelException}
     *                                      cause, if {@link #notifyClosing} was called meanwhile
     */
    public static void waitReadable(SelectableChannel channel) {
        K.waitReady(channel, true, "Lowlevel.waitReadable");
    }

    /**
     * Parks the current task until {@code channel} is writable (for a connecting socket: until the
     * connection completed or failed; then call {@code finishConnect()}). The same rules as
     * {@link #waitReadable}.
     */
    public static void waitWritable(SelectableChannel channel) {
        K.waitReady(channel, false, "Lowlevel.waitWritable");
    }

    /**
     * Call before closing a channel that tasks may be waiting on: they are woken with an
     * {@link java.io.UncheckedIOException} whose cause is a {@link java.nio.channels.ClosedChannelException},
     * and the channel's reader and writer are removed (trio's {@code notify_closing}). A channel closed
     * without this leaves its waiters parked (the selector does not report a closed channel). Loop
     * thread, in a coroutine or a callback.
     */
    public static void notifyClosing(SelectableChannel channel) {
        K.notifyClosing(channel);
    }

    /**
     * Runs a blocking call without holding the loop, and stops it, if the task is cancelled, with
     * {@code onCancel} instead of a thread interrupt: for a blocking API that has its own way to be
     * stopped ({@code java.sql.Statement.cancel()}, closing a stream, a protocol's abort message),
     * where an interrupt would break more than the call (on a virtual thread, interrupting socket
     * I/O closes the socket).
     *
     * <ul>
     *   <li>{@link org.aio4j.StrandMode#LOOP_SCHEDULED LOOP_SCHEDULED}: {@code call} runs on the task's
     *       own virtual thread, with no thread hop; while it parks in the JDK (socket I/O,
     *       {@code java.util.concurrent} waits) only this task waits, and the loop runs the others.
     *       Cancelling the task does not interrupt it.</li>
     *   <li>{@link org.aio4j.StrandMode#PORTABLE PORTABLE}: the task's thread would hold the loop, so
     *       {@code call} runs on a new virtual thread, with a copy of the task's context variables,
     *       and the task parks until it returns.</li>
     * </ul>
     * If the task is cancelled while the call runs (a {@code cancel()}, a timeout scope, a task
     * group), {@code onCancel} runs once, on a new virtual thread (so it may block), and the task
     * keeps waiting for the call to return or throw: nothing is left running behind the caller.
     * Then the cancellation is delivered: {@link org.aio4j.CancelledError} is thrown, with the
     * call's exception, if any, {@linkplain Throwable#addSuppressed suppressed} in it, and the
     * call's value, if it returned one, dropped (as {@link org.aio4j.Aio#toThread} drops it). A
     * task cancelled before the call throws at once, without starting it. An exception from
     * {@code onCancel} goes to the loop's exception handler.
     *
     * <p>A call that pins the carrier ({@code synchronized} before JDK 24, file I/O, native code)
     * holds the loop in LOOP_SCHEDULED mode: use {@link org.aio4j.Aio#toThread} for those.
     *
     * @param call the blocking call; its exception is rethrown unchanged
     * @param onCancel how to stop {@code call}; {@code () -> { }} if it cannot be stopped
     * @throws IllegalStateException outside a coroutine
     * @throws org.aio4j.CancelledError if the task was cancelled before or during the call
     */
    public static <T> T callBlocking(Callable<T> call, Runnable onCancel) throws Exception {
        return K.callBlocking(call, onCancel);
    }
}
