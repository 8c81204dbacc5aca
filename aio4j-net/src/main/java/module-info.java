/**
 * aio4j's sockets: asyncio's transports and protocols, streams, TCP and Unix servers, and the
 * low-level socket coroutines, all on the event loop's selector (no threads for sockets). Built only
 * on the public API of {@code org.aio4j} and {@code org.aio4j.lowlevel}. Start at
 * {@link org.aio4j.net.Streams} (reader/writer pairs) or {@link org.aio4j.net.Net} (transports and
 * protocols).
 */
module org.aio4j.net {
    requires transitive org.aio4j;
    exports org.aio4j.net;
}
