package org.aio4j.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/** A datagram protocol that records every callback, in order, for the UDP tests. */
class UdpRecorder implements DatagramProtocol {
    /** One received datagram. */
    record Got(byte[] data, InetSocketAddress from) {
        String text() {
            return new String(data, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    DatagramTransport transport;
    final List<String> events = new ArrayList<>();
    final List<Got> received = new ArrayList<>();
    final List<IOException> errors = new ArrayList<>();
    Exception lostWith;
    int made;
    int lost;

    @Override
    public void connectionMade(DatagramTransport t) {
        transport = t;
        made++;
        events.add("made");
    }

    @Override
    public void datagramReceived(byte[] data, InetSocketAddress from) {
        received.add(new Got(data, from));
    }

    @Override
    public void errorReceived(IOException exc) {
        errors.add(exc);
        events.add("error " + exc.getClass().getSimpleName());
    }

    @Override
    public void connectionLost(Exception exc) {
        lost++;
        lostWith = exc;
        events.add("lost " + (exc == null ? "null" : exc.getClass().getSimpleName()));
    }

    @Override
    public void pauseWriting() {
        events.add("pause");
    }

    @Override
    public void resumeWriting() {
        events.add("resume");
    }

    /** The local address of the endpoint. */
    InetSocketAddress sockname() {
        return (InetSocketAddress) transport.getExtraInfo("sockname");
    }
}
