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

    static void await(SelectableChannel channel, boolean reader, String what) {
        Strand s = Strand.currentOrThrow(what);
        EventLoop loop = s.loop;
        if (channel == null) {
            throw new NullPointerException(what + "(null): pass the channel to wait for");
        }
        Handle existing = loop.readinessHandle(channel, reader);
        // A channel closed while registered still has its key (until the next select): it is refused as
        // closed below, not as busy.
        if (existing != null && !existing.cancelled && channel.isOpen()) {
            throw new IllegalStateException(what + ": another task or callback is already waiting for " + channel
                    + " to become " + (reader ? "readable" : "writable") + "; one waiter per channel and direction"
                    + " (two readers of one socket would steal each other's data)");
        }
        ParkFuture<Object> ticket = s.task.newWaker();
        Waiter w = new Waiter(ticket, reader);
        Handle mine = loop.addReadiness(channel, w, reader);
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
            Handle h = loop.removeReadiness(channel, reader);
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
            if (loop.readinessHandle(channel, reader) == registration) {
                loop.removeReadiness(channel, reader);
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
