package org.aio4j.net;

/**
 * What {@link Datagrams#createDatagramEndpoint} returns: the transport and the protocol the factory
 * made for it (asyncio's {@code (transport, protocol)} pair).
 *
 * @param transport the endpoint's transport
 * @param protocol  the protocol, already past its {@code connectionMade}
 * @param <P>       the protocol's type
 */
public record DatagramEndpoint<P extends DatagramProtocol>(DatagramTransport transport, P protocol) {
}
