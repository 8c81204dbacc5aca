package org.aio4j.http;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Flow;
import org.aio4j.EventLoop;
import org.aio4j.lowlevel.Lowlevel;
import org.aio4j.lowlevel.Waker;

/**
 * A streamed response body: the subscriber of the JDK's body publisher, read by one coroutine at a
 * time through {@link #next()}, one chunk per demand.
 */
final class BodyStream implements Flow.Subscriber<List<ByteBuffer>> {
    /*
     * Backpressure: the subscription is asked for one item (request(1)) only when next() finds
     * nothing buffered, so at most one chunk waits here and the JDK stops reading the socket while
     * the consumer is busy (its own buffers and the socket's are all that fill). The JDK calls the
     * Flow methods on its own threads; they record under the monitor and post a wake-up to the loop
     * (callSoonThreadsafe). next() checks and parks on the loop thread, and the wake-up runs on the
     * loop thread after the park, so no signal is lost; a spurious wake-up just checks again.
     *
     * cancel() (from Response.close, or the chunks generator's finally) cancels the subscription,
     * which makes the JDK close the connection (an HTTP/1.1 body cut short cannot be reused; HTTP/2
     * resets the stream), and wakes a parked reader, which then fails: after a cancel the JDK sends
     * no more signals.
     */

    private final EventLoop loop;

    // any thread, guarded by this
    private Flow.Subscription subscription;
    private final ArrayDeque<byte[]> items = new ArrayDeque<>(2);
    private Throwable error;
    private boolean complete;
    private boolean cancelled;

    // loop thread only
    private Waker<Void> waiter;
    /** Whether an item has been requested and not yet taken. */
    private boolean demanded;

    BodyStream(EventLoop loop) {
        this.loop = loop;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        boolean cancel;
        synchronized (this) {
            cancel = cancelled || subscription != null;
            if (!cancel) {
                subscription = s;
            }
        }
        if (cancel) {
            s.cancel();
            return;
        }
        signal();
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
        int n = 0;
        for (ByteBuffer b : buffers) {
            n += b.remaining();
        }
        byte[] chunk = new byte[n];
        int at = 0;
        for (ByteBuffer b : buffers) {
            int r = b.remaining();
            b.get(chunk, at, r);
            at += r;
        }
        synchronized (this) {
            items.add(chunk);
        }
        signal();
    }

    @Override
    public void onError(Throwable t) {
        synchronized (this) {
            error = t;
        }
        signal();
    }

    @Override
    public void onComplete() {
        synchronized (this) {
            complete = true;
        }
        signal();
    }

    private void signal() {
        try {
            loop.callSoonThreadsafe(this::wakeReader);
        } catch (IllegalStateException closed) {
            // the loop is gone: nobody reads this body any more
        }
    }

    /** Loop thread. */
    private void wakeReader() {
        Waker<Void> w = waiter;
        if (w != null) {
            waiter = null;
            w.wake(null);
        }
    }

    /**
     * The next non-empty chunk, or null at the end of the body. Loop thread, in a coroutine; one
     * reader at a time.
     *
     * @throws Throwable the JDK's failure of the body, as it was reported (the caller maps it)
     * @throws IllegalStateException after {@link #cancel()}
     * @throws org.aio4j.CancelledError if the reading task is cancelled while waiting (the stream is
     *                                  unchanged: a chunk that arrives stays for the next call)
     */
    byte[] next() throws Throwable {
        while (true) {
            Flow.Subscription s;
            synchronized (this) {
                if (cancelled) {
                    throw new IllegalStateException("the response was closed while its body was being read");
                }
                byte[] chunk = items.poll();
                if (chunk != null) {
                    demanded = false;
                    if (chunk.length == 0) {
                        continue;
                    }
                    return chunk;
                }
                if (error != null) {
                    throw error;
                }
                if (complete) {
                    return null;
                }
                s = subscription;
            }
            if (s != null && !demanded) {
                demanded = true;
                s.request(1); // may call onNext on this thread: it only records and posts
                continue;
            }
            Waker<Void> w = Lowlevel.newWaker();
            waiter = w;
            Lowlevel.park(w, () -> {
                if (waiter == w) {
                    waiter = null;
                }
                return true;
            });
        }
    }

    /** Whether the body ended (completely read, failed) or was cancelled: nothing more will come. */
    synchronized boolean finished() {
        return cancelled || error != null || (complete && items.isEmpty());
    }

    /** Cancels the subscription (now, or when it arrives) and wakes a parked reader. Any thread; idempotent. */
    void cancel() {
        Flow.Subscription s;
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
            s = subscription;
            items.clear();
        }
        if (s != null) {
            s.cancel();
        }
        signal();
    }
}
