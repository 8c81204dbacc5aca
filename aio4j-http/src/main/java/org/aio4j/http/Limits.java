package org.aio4j.http;

import java.util.HashMap;
import java.util.Map;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.sync.Acquired;
import org.aio4j.sync.Semaphore;

/**
 * A client's concurrency limits: one aio4j {@link Semaphore} for the client and one per origin,
 * made when first needed. Loop thread only.
 */
final class Limits {
    /*
     * A permit of each is taken before the exchange starts and given back when the response's body
     * has been read, failed or was closed (Permit.release, at most once). The host permit is taken
     * first: a request queued for a busy host then holds no client-wide permit that requests to
     * other hosts could use. An origin's semaphore is dropped again when it is idle (all permits
     * free, nobody waiting), so a client talking to many hosts does not keep one per host forever.
     *
     * Semaphores belong to the loop that first waits on them. A client used on one loop after another
     * (say, two Aio.run calls in a row) starts over with fresh semaphores once the first loop has
     * closed; two loops running at once cannot share one client's limits and get an error.
     */

    private final int total;
    private final int perHost;

    // loop thread only (of `loop`)
    private EventLoop loop;
    private Semaphore all;
    private final Map<String, Semaphore> hosts = new HashMap<>();

    Limits(int total, int perHost) {
        this.total = total;
        this.perHost = perHost;
    }

    /**
     * Waits for a permit of the client and one of {@code origin} (cancellation-atomic: on
     * CancelledError none is held).
     */
    Permit acquire(String origin) {
        bind();
        Acquired host = null;
        Semaphore hs = null;
        if (perHost > 0) {
            hs = hosts.computeIfAbsent(origin, k -> Semaphore.create(perHost));
            host = hs.acquire();
        }
        Acquired whole = null;
        try {
            if (all != null) {
                whole = all.acquire();
            }
        } catch (RuntimeException | Error e) {
            if (host != null) {
                host.close();
                dropIfIdle(origin, hs);
            }
            throw e;
        }
        return new Permit(this, origin, hs, host, whole);
    }

    private synchronized void bind() {
        EventLoop current = Aio.runningLoop();
        if (loop == current) {
            return;
        }
        if (loop != null && !loop.isClosed()) {
            throw new IllegalStateException("this AsyncClient's connection limits are in use on another running"
                    + " event loop (" + loop + "); a client with maxConnections or maxConnectionsPerHost serves one loop"
                    + " at a time: make one client per loop");
        }
        loop = current;
        hosts.clear();
        all = total > 0 ? Semaphore.create(total) : null;
    }

    private void dropIfIdle(String origin, Semaphore hs) {
        Semaphore.Statistics s = hs.statistics();
        if (s.value() >= perHost && s.waiting() == 0 && hosts.get(origin) == hs) {
            hosts.remove(origin);
        }
    }

    /** The permits one exchange holds; {@link #release()} gives them back, once. Loop thread only. */
    static final class Permit {
        private final Limits limits;
        private final String origin;
        private final Semaphore hostSemaphore;
        private Acquired host;
        private Acquired whole;

        private Permit(Limits limits, String origin, Semaphore hostSemaphore, Acquired host, Acquired whole) {
            this.limits = limits;
            this.origin = origin;
            this.hostSemaphore = hostSemaphore;
            this.host = host;
            this.whole = whole;
        }

        /** Gives the permits back; later calls do nothing. */
        void release() {
            if (whole != null) {
                whole.close();
                whole = null;
            }
            if (host != null) {
                host.close();
                host = null;
                limits.dropIfIdle(origin, hostSemaphore);
            }
        }
    }
}
