package org.aio4j.net;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.WeakHashMap;
import org.aio4j.EventLoop;

/**
 * The direct buffers a loop's transports read into and stage writes through, one pair per loop.
 *
 * Why: channel I/O with a heap buffer makes the JDK copy through a temporary direct buffer cached
 * per thread, as large as the largest request; tasks run on many (virtual) threads, so that cache
 * would grow per thread. All transport I/O of a loop runs on its thread, one callback at a time, so
 * one read and one write buffer per loop serve every connection, and the copy we make into a byte
 * array is the only one. Looked up once per connection, not per read.
 */
final class IoBuffers {
    /** asyncio's max_size per read (selector_events: 256 KiB). */
    static final int SIZE = 256 * 1024;

    private static final Map<EventLoop, IoBuffers> BY_LOOP = new WeakHashMap<>();

    final ByteBuffer read = ByteBuffer.allocateDirect(SIZE);
    final ByteBuffer write = ByteBuffer.allocateDirect(SIZE);

    private IoBuffers() {
    }

    static IoBuffers of(EventLoop loop) {
        synchronized (BY_LOOP) {
            return BY_LOOP.computeIfAbsent(loop, l -> new IoBuffers());
        }
    }
}
