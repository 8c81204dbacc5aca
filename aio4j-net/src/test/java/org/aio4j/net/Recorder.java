package org.aio4j.net;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * A protocol that records its callbacks in order ("made", "data" once per run of data callbacks,
 * "eof", "pause", "resume", "lost") and the bytes received; hooks let a test act inside a callback.
 */
class Recorder implements Protocol {
    final List<String> events = new ArrayList<>();
    final ByteArrayOutputStream data = new ByteArrayOutputStream();
    Transport transport;
    Exception lostWith;
    int made;
    int lost;
    boolean keepOpenOnEof;
    Consumer<Transport> onMade = t -> { };
    Consumer<byte[]> onData = d -> { };
    Runnable onEof = () -> { };
    Runnable onPause = () -> { };
    Runnable onResume = () -> { };

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        made++;
        events.add("made");
        onMade.accept(t);
    }

    @Override
    public void dataReceived(byte[] d) {
        if (events.isEmpty() || !events.get(events.size() - 1).equals("data")) {
            events.add("data");
        }
        data.writeBytes(d);
        onData.accept(d);
    }

    @Override
    public boolean eofReceived() {
        events.add("eof");
        onEof.run();
        return keepOpenOnEof;
    }

    @Override
    public void pauseWriting() {
        events.add("pause");
        onPause.run();
    }

    @Override
    public void resumeWriting() {
        events.add("resume");
        onResume.run();
    }

    @Override
    public void connectionLost(Exception exc) {
        lost++;
        lostWith = exc;
        events.add("lost");
    }

    boolean isLost() {
        return lost > 0;
    }

    String text() {
        return data.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
