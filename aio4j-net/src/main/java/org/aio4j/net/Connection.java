package org.aio4j.net;

/**
 * What {@link Net#createConnection} returns: the transport and the protocol the factory made for it
 * (asyncio's {@code (transport, protocol)} pair).
 *
 * @param transport the connection's transport
 * @param protocol  the protocol, already past its {@code connectionMade}
 * @param <P>       the protocol's type
 */
public record Connection<P extends BaseProtocol>(Transport transport, P protocol) {
}
