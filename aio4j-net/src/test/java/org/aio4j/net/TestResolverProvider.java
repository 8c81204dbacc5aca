package org.aio4j.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.stream.Stream;

/**
 * A name resolver for the tests (installed through META-INF/services): two names that resolve to
 * both loopback addresses, in either order, so that "a host with several addresses" does not depend
 * on the machine's hosts file. Every other name goes to the JDK's own resolver.
 */
public final class TestResolverProvider extends InetAddressResolverProvider {
    /** Resolves to ::1, then 127.0.0.1. */
    static final String V6_FIRST = "v6first.aio4j.test";
    /** Resolves to 127.0.0.1, then ::1. */
    static final String V4_FIRST = "v4first.aio4j.test";

    static InetAddress v4() {
        try {
            return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static InetAddress v6() {
        byte[] a = new byte[16];
        a[15] = 1;
        try {
            return InetAddress.getByAddress("localhost", a);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (V6_FIRST.equalsIgnoreCase(host)) {
                    return Stream.of(v6(), v4());
                }
                if (V4_FIRST.equalsIgnoreCase(host)) {
                    return Stream.of(v4(), v6());
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "aio4j test names";
    }
}
