package org.aio4j.net;

import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;

/**
 * How {@link Datagrams#createDatagramEndpoint} opens its socket (asyncio's keyword arguments of
 * {@code create_datagram_endpoint}). Immutable; start from {@link #DEFAULT} and change with the withers.
 *
 * @param reuseAddress   {@code SO_REUSEADDR} (default false). On UDP it lets other sockets bind the
 *                       same address and receive its datagrams, which is why asyncio removed the
 *                       option (3.11); it is here for the programs that really want it
 * @param reusePort      {@code SO_REUSEPORT} (default false): several sockets share the port, the
 *                       kernel spreads datagrams among them
 * @param allowBroadcast {@code SO_BROADCAST} (default false). With it, a remote address is not
 *                       connected to (a connected socket cannot broadcast) but is still the default
 *                       target of {@code sendto(data)}
 * @param family         {@link StandardProtocolFamily#INET} or {@link StandardProtocolFamily#INET6} to
 *                       use only that family, or null (the default) for the families the addresses
 *                       resolve to; required when neither address is given
 */
public record DatagramOptions(boolean reuseAddress, boolean reusePort, boolean allowBroadcast, ProtocolFamily family) {
    /** No socket options, any family. */
    public static final DatagramOptions DEFAULT = new DatagramOptions(false, false, false, null);

    /** @throws UnsupportedOperationException for a family other than INET, INET6 or null (the JDK has no Unix datagram sockets) */
    public DatagramOptions {
        if (family != null && family != StandardProtocolFamily.INET && family != StandardProtocolFamily.INET6) {
            throw new UnsupportedOperationException("family " + family + " is not supported for datagram endpoints:"
                    + " the JDK's DatagramChannel has no Unix-domain sockets; use INET or INET6");
        }
    }

    public DatagramOptions withReuseAddress(boolean on) {
        return new DatagramOptions(on, reusePort, allowBroadcast, family);
    }

    public DatagramOptions withReusePort(boolean on) {
        return new DatagramOptions(reuseAddress, on, allowBroadcast, family);
    }

    public DatagramOptions withAllowBroadcast(boolean on) {
        return new DatagramOptions(reuseAddress, reusePort, on, family);
    }

    public DatagramOptions withFamily(ProtocolFamily family) {
        return new DatagramOptions(reuseAddress, reusePort, allowBroadcast, family);
    }
}
