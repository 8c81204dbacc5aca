package org.aio4j.net;

import java.util.Objects;

/**
 * What {@link Streams#openConnection} and {@link Streams#openUnixConnection} return: the two ends of
 * one connection (asyncio's {@code (reader, writer)} tuple). Closing is the writer's job
 * ({@link StreamWriter#close}); dropping both without closing leaks the connection until the peer
 * closes it.
 *
 * @param reader what the peer sends
 * @param writer what we send, and the connection's close
 */
public record StreamPair(StreamReader reader, StreamWriter writer) {
    /** @throws NullPointerException if either is null */
    public StreamPair {
        Objects.requireNonNull(reader, "reader");
        Objects.requireNonNull(writer, "writer");
    }
}
