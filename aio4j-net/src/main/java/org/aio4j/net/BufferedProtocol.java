package org.aio4j.net;

import java.nio.ByteBuffer;

/**
 * A stream protocol that lends the transport its own buffer to read into (asyncio's
 * {@code BufferedProtocol}): no array per read, no copy. See {@link BaseProtocol} for the order and
 * threading contract.
 *
 * <p>On each readable event the transport calls {@link #getBuffer}, reads from the socket into the
 * returned buffer from its position to its limit, and calls {@link #bufferUpdated} with the count.
 * A direct buffer saves the JDK's copy through its temporary direct buffer.
 */
public interface BufferedProtocol extends BaseProtocol {
    /**
     * The buffer to read the next bytes into, with at least one byte remaining.
     *
     * @param sizeHint how many bytes the transport would like room for, or -1 for no preference
     */
    ByteBuffer getBuffer(int sizeHint);

    /**
     * {@code nbytes} (at least 1) bytes were read into the buffer last returned by {@link #getBuffer},
     * starting at the position it had, which now stands after them.
     */
    void bufferUpdated(int nbytes);

    /** As {@link Protocol#eofReceived}: {@code true} keeps the connection half-open. */
    default boolean eofReceived() {
        return false;
    }
}
