package org.aio4j.net;

import java.net.InetSocketAddress;

/**
 * A datagram {@link Sockets#sockRecvfrom} received (asyncio's {@code (data, address)} pair).
 *
 * @param data    the payload, possibly empty; owned by the caller
 * @param address the sender
 */
public record Datagram(byte[] data, InetSocketAddress address) {
}
