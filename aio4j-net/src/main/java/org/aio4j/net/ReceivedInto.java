package org.aio4j.net;

import java.net.InetSocketAddress;

/**
 * What {@link Sockets#sockRecvfromInto} received (asyncio's {@code (nbytes, address)} pair).
 *
 * @param nbytes  how many bytes of the datagram were stored in the buffer (0 for an empty datagram)
 * @param address the sender
 */
public record ReceivedInto(int nbytes, InetSocketAddress address) {
}
