package org.aio4j.net;

import java.io.IOException;
import java.util.Objects;
import org.aio4j.Aio;
import org.aio4j.EventLoop;
import org.aio4j.ExceptionContext;
import org.aio4j.Future;
import org.aio4j.Task;
import org.aio4j.lowlevel.ParkingLot;

/**
 * The protocol between a transport and a {@link StreamReader} / {@link StreamWriter} pair (asyncio's
 * {@code StreamReaderProtocol} with its {@code FlowControlMixin}): it feeds the reader, keeps the
 * write flow-control state that {@link StreamWriter#drain} waits on, and, for servers, runs the
 * {@link ClientConnected} handler as a task per connection.
 *
 * <p>Loop thread only (its callbacks come from the transport; the waiting methods from the writer's
 * task).
 */
final class StreamReaderProtocol implements Protocol {
    /*
     * Lifecycle: NEW --connectionMade--> CONNECTED --connectionLost--> LOST. The write side's
     * `writePaused` follows the transport's strictly alternating pause/resumeWriting.
     *
     * Drain waiters: a ParkingLot, not one slot. resumeWriting wakes them all and
     * they return; connectionLost wakes them all and they see LOST and throw ConnectionResetError
     * (asyncio wakes them with the loss's exception, or with success for a clean loss: a drain that
     * returns normally after the connection went away would hide the loss, so here every waiter
     * throws); a cancelled waiter just leaves the lot. Close waiters are a ParkingLot too rather than
     * one shared future: in asyncio, cancelling one wait_closed() cancels the protocol's shared
     * _closed future for everyone.
     *
     * Handler (servers): started from connectionMade as a task; when it fails or is cancelled, the
     * transport is closed (asyncio 3.12's done callback; 3.11 left the connection open). A normal
     * return leaves the connection as the handler left it (asyncio 3.11 and 3.12 alike). The
     * protocol keeps a strong reference to the task until the connection is lost.
     *
     * eofReceived returns true (keep the connection half-open) as asyncio's does: the handler or the
     * client decides when to close after reading the end of file.
     */
    private enum State { NEW, CONNECTED, LOST }

    // loop thread only
    private final EventLoop loop;
    private final StreamReader reader;
    private final ClientConnected handler;
    private final ParkingLot drainWaiters = new ParkingLot();
    private final ParkingLot closeWaiters = new ParkingLot();
    private State state = State.NEW;
    private Transport transport;
    private Task<Void> task;
    private boolean writePaused;
    private Exception lostWith;

    StreamReaderProtocol(EventLoop loop, StreamReader reader, ClientConnected handler) {
        this.loop = Objects.requireNonNull(loop, "loop");
        this.reader = Objects.requireNonNull(reader, "reader");
        this.handler = handler;
    }

    @Override
    public void connectionMade(Transport t) {
        transport = t;
        state = State.CONNECTED;
        reader.setTransport(t);
        if (handler != null) {
            StreamWriter w = new StreamWriter(t, this, reader);
            task = loop.createTask(Aio.async(() -> handler.handle(reader, w)),
                    "stream handler for " + t.getExtraInfo("peername", "a client"));
            task.addDoneCallback(this::handlerDone);
        }
    }

    private void handlerDone(Future<Void> f) {
        if (f.cancelled()) {
            transport.close();
            return;
        }
        Throwable e = f.exception();
        if (e != null) {
            loop.callExceptionHandler(new ExceptionContext("Unhandled exception in the stream handler of "
                    + transport + " (ClientConnected.handle threw): its connection was closed, the server goes on",
                    e, f, null, task != null ? task.getName() : null));
            transport.close();
        }
    }

    @Override
    public void dataReceived(byte[] data) {
        reader.feedData(data);
    }

    @Override
    public boolean eofReceived() {
        reader.feedEof();
        return true;
    }

    @Override
    public void connectionLost(Exception exc) {
        state = State.LOST;
        lostWith = exc;
        if (exc == null) {
            reader.feedEof();
        } else {
            reader.setException(exc);
        }
        drainWaiters.wakeAll();
        closeWaiters.wakeAll();
        task = null;
    }

    @Override
    public void pauseWriting() {
        assert !writePaused : "pauseWriting twice";
        writePaused = true;
    }

    @Override
    public void resumeWriting() {
        assert writePaused : "resumeWriting without pauseWriting";
        writePaused = false;
        drainWaiters.wakeAll();
    }

    // ================================================================ for StreamWriter

    /** startTls: the TLS transport replaces the plain one for the writer, the reader and the handler's close. */
    void replaceTransport(Transport t) {
        transport = t;
        reader.replaceTransport(t);
    }

    boolean isLost() {
        return state == State.LOST;
    }

    boolean isWritePaused() {
        return writePaused;
    }

    int drainWaiterCount() {
        return drainWaiters.size();
    }

    /** The error drain() throws once the connection is closing or lost. */
    ConnectionResetError connectionResetError() {
        if (state == State.LOST) {
            return new ConnectionResetError("Connection lost", lostWith);
        }
        return new ConnectionResetError("Connection lost: the transport is closing (close() or abort() was called)");
    }

    /** Returns at once unless writing is paused; then waits for resumeWriting or the loss. */
    void drainHelper() throws ConnectionResetError {
        if (state == State.LOST) {
            throw connectionResetError();
        }
        if (!writePaused) {
            return;
        }
        drainWaiters.park(ParkingLot.NOTHING);
        if (state == State.LOST) {
            throw connectionResetError();
        }
    }

    /** Waits for connectionLost; throws the loss's error if there was one. */
    void waitClosed() throws IOException {
        if (state != State.LOST) {
            closeWaiters.park(ParkingLot.NOTHING);
        }
        Exception e = lostWith;
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
        if (e != null) {
            throw new IOException("the connection was lost: " + e, e);
        }
    }

    @Override
    public String toString() {
        return "StreamReaderProtocol[" + state.name().toLowerCase(java.util.Locale.ROOT)
                + (writePaused ? ", writing paused" : "") + ", " + reader + "]";
    }
}
