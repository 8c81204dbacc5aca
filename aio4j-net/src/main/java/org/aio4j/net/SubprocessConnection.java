package org.aio4j.net;

/**
 * What {@link Subprocesses#subprocessExec} returns: the child's transport and the protocol the
 * factory made for it (asyncio's {@code (transport, protocol)} pair).
 *
 * @param transport the child process's transport
 * @param protocol  the protocol, already past its {@code connectionMade}
 * @param <P>       the protocol's type
 */
public record SubprocessConnection<P extends SubprocessProtocol>(SubprocessTransport transport, P protocol) {
}
