package org.aio4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the loop waits: the NIO selector with its readiness registrations, and the inbox through
 * which other threads hand the loop work (step 1 and 2 of an iteration).
 *
 * <h2>Threads</h2>
 * {@link #post} and {@link #wakeup} are the only methods for any thread; everything else is loop
 * thread only (the loop checks before calling in).
 */
final class Poller {
    /*
     * The inbox/wakeup protocol. The loop sets wakeupNeeded before it may block in select() and clears
     * it after; a poster adds to the inbox first, then wakes the selector only if it wins the flag
     * (one syscall per sleep, not per post). Why no post is stranded: the loop re-checks the inbox
     * after setting the flag and selects without blocking if it is not empty; a post that lands after
     * that check sees the flag set and wakes the selector (Selector.wakeup() also makes the *next*
     * select return at once if none is in progress).
     *
     * Readiness registrations: one SelectionKey per channel, its attachment holds the reader and the
     * writer callback (asyncio keeps one per fd the same way). Keys are never cancelled by us: when
     * neither callback is wanted, the interest set becomes 0. A cancelled key could not be registered
     * again before the next select(), and the channel's own close() cancels it anyway (its descriptor
     * is released at the next select, which is why poll() still selects when keys exist).
     *
     * A writer of a connecting socket is watched for OP_CONNECT, the only way NIO reports that socket
     * writable. Once finishConnect() has run, NIO no longer reports OP_CONNECT for it, while the OS keeps
     * reporting the socket writable: with OP_CONNECT still the interest, the writer would never run again
     * and every select would return at once (a busy loop). So such keys are listed in `connecting`, and
     * before each select those whose connection is no longer pending get OP_WRITE instead.
     */

    /** The callbacks of one channel. */
    private static final class Registration {
        Handle reader;
        Handle writer;
    }

    // ------------------------------------------------------------ any thread
    private final ConcurrentLinkedQueue<Object> inbox = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean wakeupNeeded = new AtomicBoolean();
    private final Selector selector;

    // ------------------------------------------------------------ loop thread only
    /** Channels with a reader or a writer registered. */
    private int active;
    /** Keys whose interest is OP_CONNECT: switched to OP_WRITE once connected (see above). */
    private final ArrayList<SelectionKey> connecting = new ArrayList<>(2);

    Poller(Selector selector) {
        this.selector = selector;
    }

    static Selector openSelector() {
        try {
            return Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the NIO selector the event loop waits on", e);
        }
    }

    // ================================================================ inbox (any thread)

    /** Hands {@code item} (a Handle or a Runnable) to the loop from any thread and wakes it. */
    void post(Object item) {
        inbox.add(item);
        wakeup();
    }

    /** Makes a select in progress (or the next one) return at once, if the loop may be blocked. */
    void wakeup() {
        if (wakeupNeeded.compareAndSet(true, false)) {
            selector.wakeup();
        }
    }

    boolean inboxEmpty() {
        return inbox.isEmpty();
    }

    void drainInbox(ArrayDeque<Object> ready) {
        Object item;
        while ((item = inbox.poll()) != null) {
            ready.addLast(item);
        }
    }

    // ================================================================ waiting

    /**
     * Waits for I/O: {@code timeoutNanos} 0 polls, negative waits until woken. Ready callbacks go to
     * the back of {@code ready}. Returns the number of channels that were ready.
     */
    int poll(long timeoutNanos, boolean stopping, ArrayDeque<Object> ready) {
        if (!connecting.isEmpty()) {
            refreshConnecting();
        }
        try {
            int n;
            if (timeoutNanos == 0) {
                if (selector.keys().isEmpty()) {
                    return 0; // nothing registered, nothing to release: skip the syscall
                }
                n = selector.selectNow();
            } else {
                wakeupNeeded.set(true);
                if (!inbox.isEmpty() || stopping) {
                    n = selector.selectNow();
                } else if (timeoutNanos < 0) {
                    n = selector.select();
                } else {
                    n = selector.select(Math.max(1, (timeoutNanos + 999_999) / 1_000_000));
                }
                wakeupNeeded.set(false);
            }
            if (n > 0) {
                dispatch(ready);
            }
            return n;
        } catch (IOException e) {
            throw new UncheckedIOException("the event loop's selector failed", e);
        }
    }

    private void dispatch(ArrayDeque<Object> ready) {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Registration r = (Registration) key.attachment();
            int ops;
            try {
                ops = key.readyOps();
            } catch (CancelledKeyException closed) {
                continue; // the channel was closed by a callback of this batch
            }
            if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 && r.reader != null) {
                offer(key, r, r.reader, true, ready);
            }
            if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0 && r.writer != null) {
                offer(key, r, r.writer, false, ready);
            }
        }
    }

    private void offer(SelectionKey key, Registration r, Handle h, boolean reader, ArrayDeque<Object> ready) {
        if (h.cancelled) {
            // asyncio's rule: a cancelled reader/writer handle unregisters itself when it would run.
            remove(key, r, reader);
        } else {
            ready.addLast(h);
        }
    }

    /** The readers and writers registered. */
    int registrations() {
        return active;
    }

    /** Whether a reader or writer is registered (something could become ready). */
    boolean hasActive() {
        return active > 0;
    }

    // ================================================================ readiness

    /** Registers {@code h} as the reader ({@code reader}) or writer of {@code ch}, cancelling the one it replaces. */
    Handle add(SelectableChannel ch, Handle h, boolean reader) {
        if (ch == null) {
            throw new NullPointerException((reader ? "addReader" : "addWriter") + "(null, ...): pass the channel to watch");
        }
        if (!ch.isOpen()) {
            throw new IllegalArgumentException(describe(ch) + " is closed: register channels before closing them,"
                    + " and remove their readers and writers when you close them");
        }
        if (ch.isBlocking()) {
            throw new IllegalArgumentException(describe(ch) + " is in blocking mode: call"
                    + " configureBlocking(false) on it before registering it with the event loop");
        }
        if (reader && (ch.validOps() & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) == 0) {
            throw new IllegalArgumentException(describe(ch) + " cannot be read from (it is write-only, as the"
                    + " sink of a Pipe is): watch it for writability instead");
        }
        if (!reader && (ch.validOps() & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) == 0) {
            throw new IllegalArgumentException(describe(ch) + " cannot be written to (it is read-only, as the"
                    + " source of a Pipe or a server channel is): watch it for readability instead");
        }
        SelectionKey key = ch.keyFor(selector);
        Registration r;
        if (key == null || !key.isValid()) {
            r = new Registration();
            try {
                key = ch.register(selector, 0, r);
            } catch (ClosedChannelException e) {
                throw new IllegalArgumentException(describe(ch) + " is closed", e);
            } catch (CancelledKeyException e) {
                throw new IllegalArgumentException(describe(ch) + " was closed and reopened under the same"
                        + " object while registered; use a new channel", e);
            }
        } else {
            r = (Registration) key.attachment();
        }
        boolean wasActive = r.reader != null || r.writer != null;
        Handle old;
        if (reader) {
            old = r.reader;
            r.reader = h;
        } else {
            old = r.writer;
            r.writer = h;
        }
        if (!wasActive) {
            active++;
        }
        updateInterest(key, r);
        if (old != null) {
            old.cancel();
        }
        return h;
    }

    /** The reader ({@code reader}) or writer handle of {@code ch}, or null. */
    Handle get(SelectableChannel ch, boolean reader) {
        SelectionKey key = ch.keyFor(selector);
        if (key == null) {
            return null;
        }
        Registration r = (Registration) key.attachment();
        return reader ? r.reader : r.writer;
    }

    /** Removes (and cancels) the reader or writer of {@code ch}; returns the removed handle, or null if none. */
    Handle remove(SelectableChannel ch, boolean reader) {
        SelectionKey key = ch == null ? null : ch.keyFor(selector);
        if (key == null) {
            return null;
        }
        Registration r = (Registration) key.attachment();
        Handle h = reader ? r.reader : r.writer;
        if (h != null) {
            remove(key, r, reader);
            h.cancel();
        }
        return h;
    }

    private void remove(SelectionKey key, Registration r, boolean reader) {
        if (reader) {
            r.reader = null;
        } else {
            r.writer = null;
        }
        if (r.reader == null && r.writer == null) {
            active--;
        }
        updateInterest(key, r);
    }

    /** Keys of sockets that were connecting and no longer are: their writer now waits for OP_WRITE. */
    private void refreshConnecting() {
        for (int i = connecting.size() - 1; i >= 0; i--) {
            SelectionKey key = connecting.get(i);
            if (!key.isValid() || !((SocketChannel) key.channel()).isConnectionPending()) {
                connecting.remove(i);
                updateInterest(key, (Registration) key.attachment());
            }
        }
    }

    private void updateInterest(SelectionKey key, Registration r) {
        if (!key.isValid()) {
            return; // closed meanwhile: the key is gone with the channel
        }
        SelectableChannel ch = key.channel();
        int ops = 0;
        if (r.reader != null) {
            ops |= (ch.validOps() & SelectionKey.OP_ACCEPT) != 0 ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
        }
        if (r.writer != null) {
            // A connecting socket reports writability as OP_CONNECT only (NIO): asyncio's sock_connect
            // waits for "writable" exactly then.
            if (ch instanceof SocketChannel sc && sc.isConnectionPending()) {
                ops |= SelectionKey.OP_CONNECT;
                if (!connecting.contains(key)) {
                    connecting.add(key);
                }
            } else {
                ops |= ch.validOps() & SelectionKey.OP_WRITE;
            }
        }
        try {
            key.interestOps(ops);
        } catch (CancelledKeyException closed) {
            // the channel was closed between the validity check and here: nothing to watch
        }
    }

    static String describe(SelectableChannel ch) {
        return "channel " + ch;
    }

    // ================================================================ closing

    void clearInbox() {
        inbox.clear();
    }

    void close() {
        try {
            selector.close();
        } catch (IOException e) {
            System.getLogger("org.aio4j").log(System.Logger.Level.WARNING, "closing the event loop's selector failed", e);
        }
    }
}
