package org.aio4j.net;

/**
 * A stream protocol that receives data as byte arrays (asyncio's {@code Protocol}). All callbacks
 * have empty defaults; see {@link BaseProtocol} for the order and threading contract.
 *
 * <pre>{@code
 * final class Echo implements Protocol {
 *     private Transport transport;
 *     public void connectionMade(Transport t) { transport = t; }
 *     public void dataReceived(byte[] data) { transport.write(data); }
 * }
 * }</pre>
 */
public interface Protocol extends BaseProtocol {
    /**
     * Bytes arrived. {@code data} is a new array, never empty, owned by the protocol from now on.
     * How the bytes are split into calls is not meaningful: a message can arrive in pieces.
     */
    default void dataReceived(byte[] data) {
    }

    /**
     * The peer will send no more data (it closed its side or called {@code writeEof}). Return
     * {@code false} (the default) to have the transport close itself, {@code true} to keep the
     * connection half-open and go on writing; either way no data callback follows.
     */
    default boolean eofReceived() {
        return false;
    }
}
