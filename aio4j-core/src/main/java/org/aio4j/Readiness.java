package org.aio4j;

import java.io.UncheckedIOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;

/**
 * Coroutines waiting for a channel's readiness ({@code Lowlevel.waitReadable} / {@code waitWritable}),
 * on the loop's reader and writer registrations. Loop thread only.
 */
final class Readiness {
    /*
     * A waiting task registers a one-shot reader (or writer) whose callback unregisters itself and
     * wakes the task. Cancellation aborts the park and removes the registration, if it is still the
     * task's own. One waiter per channel and direction: a second one fails fast (trio's conflict
     * detection) instead of replacing the first, which would leave the first parked forever.
     */
    private Readiness() {
    }

    /** EventLoop.addReader/addWriter, and a task's own registration. */
    static Handle add(EventLoop loop, SelectableChannel channel, Runnable callback, boolean reader) {
        loop.checkThread();
        loop.checkOpen(reader ? "add a reader" : "add a writer");
        if (callback == null) {
            throw new NullPointerException("the callback is null");
        }
        if (channel != null && isTaskWait(loop.poller().get(channel, reader)) && channel.isOpen()) {
            throw taskIsWaiting(channel, reader); // replacing its registration would strand it
        }
        return loop.poller().add(channel, new Handle(loop, callback), reader);
    }

    /** EventLoop.removeReader/removeWriter: the registration removed, or null. */
    static Handle remove(EventLoop loop, SelectableChannel channel, boolean reader) {
        loop.checkThread();
        return loop.isClosed() ? null : loop.poller().remove(channel, reader);
    }

    /** The reader ({@code reader}) or writer handle of {@code channel}, or null. */
    static Handle handle(EventLoop loop, SelectableChannel channel, boolean reader) {
        return loop.poller().get(channel, reader);
    }

    /** addReader/addWriter over a task's wait: replacing its registration would leave it parked forever. */
    static IllegalStateException taskIsWaiting(SelectableChannel channel, boolean reader) {
        return new IllegalStateException((reader ? "addReader" : "addWriter") + "(" + channel + "): a task is"
                + " waiting for it to become " + (reader ? "readable" : "writable") + " (Lowlevel.wait"
                + (reader ? "Readable" : "Writable") + "); replacing its registration would leave that task"
                + " parked forever: cancel the task, or call Lowlevel.notifyClosing(channel), first");
    }

    static void await(SelectableChannel channel, boolean reader, String what) {
        Strand s = Strand.currentOrThrow(what);
        EventLoop loop = s.loop();
        if (channel == null) {
            throw new NullPointerException(what + "(null): pass the channel to wait for");
        }
        Handle existing = handle(loop, channel, reader);
        // A channel closed while registered still has its key (until the next select): it is refused as
        // closed below, not as busy.
        if (existing != null && !existing.cancelled && channel.isOpen()) {
            throw new IllegalStateException(what + ": another task or callback is already waiting for " + channel
                    + " to become " + (reader ? "readable" : "writable") + "; one waiter per channel and direction"
                    + " (two readers of one socket would steal each other's data)");
        }
        ParkFuture<Object> ticket = s.task.newWaker();
        Waiter w = new Waiter(ticket, reader);
        Handle mine = add(loop, channel, w, reader);
        w.registration = mine;
        w.channel = channel;
        s.task.park(ticket, () -> {
            w.unregister();
            return true;
        });
        // Ready and cancelled in the same iteration: asyncio delivers the cancellation now, as sleep
        // does (the readiness is not lost: the channel is still ready for the next wait).
        s.task.checkpointIfCancelled();
    }

    /** Whether {@code h} is the registration of a task waiting in {@link #await} (not cancelled). */
    static boolean isTaskWait(Handle h) {
        return h != null && !h.cancelled && h.callback instanceof Waiter;
    }

    /**
     * Wakes the tasks waiting for {@code channel} with a ClosedChannelException (wrapped unchecked) and
     * drops its reader and writer, before the channel is closed (trio's {@code notify_closing}).
     */
    static void notifyClosing(EventLoop loop, SelectableChannel channel) {
        for (boolean reader : new boolean[] {true, false}) {
            Handle h = remove(loop, channel, reader);
            if (h != null && h.callback instanceof Waiter w) {
                w.ticket.wakeWithError(new UncheckedIOException(channel + " was closed while a task waited for it"
                        + " to become " + (reader ? "readable" : "writable"), new ClosedChannelException()));
            }
        }
    }

    /** The callback of one waiting task. */
    private static final class Waiter implements Runnable {
        final ParkFuture<Object> ticket;
        private final boolean reader;
        SelectableChannel channel;
        Handle registration;

        Waiter(ParkFuture<Object> ticket, boolean reader) {
            this.ticket = ticket;
            this.reader = reader;
        }

        void unregister() {
            EventLoop loop = ticket.getLoop();
            if (handle(loop, channel, reader) == registration) {
                remove(loop, channel, reader);
            }
        }

        @Override
        public void run() {
            unregister();
            ticket.wake(null);
        }

        @Override
        public String toString() {
            return (reader ? "readable" : "writable") + " wait of task '" + ticket.task().getName() + "'";
        }
    }
}
