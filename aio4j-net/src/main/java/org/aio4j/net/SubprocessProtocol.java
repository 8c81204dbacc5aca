package org.aio4j.net;

/**
 * The callbacks of a child process started by {@link Subprocesses#subprocessExec} (asyncio's
 * {@code SubprocessProtocol}): its pipes' data and ends, its exit, and the end of it all. All
 * callbacks have empty defaults.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every callback runs on the loop thread, one at a time; none may block or await.</li>
 *   <li>Order: {@code connectionMade} once, first; then, independently per pipe, any number of
 *       {@code pipeDataReceived(fd, ...)} followed by one {@code pipeConnectionLost(fd, ...)};
 *       {@code processExited} once, whenever the child exits (before, between or after the pipes'
 *       ends: exit and end of file are independent); and {@code connectionLost(null)} once, last,
 *       after the exit and every pipe's end. {@code pauseWriting} / {@code resumeWriting} are the
 *       stdin pipe's, strictly alternating.</li>
 *   <li>File descriptor numbers: 0 stdin, 1 stdout, 2 stderr.</li>
 *   <li>A data callback that throws is reported to the loop's exception handler and that pipe is
 *       closed ({@code pipeConnectionLost} gets the exception); the child is not killed.</li>
 * </ul>
 */
public interface SubprocessProtocol {
    /** The child was started and its pipes are connected. Called once, first. */
    default void connectionMade(SubprocessTransport transport) {
    }

    /** The child wrote {@code data} (a new array, never empty) to its stdout (1) or stderr (2). */
    default void pipeDataReceived(int fd, byte[] data) {
    }

    /**
     * Pipe {@code fd} is closed: end of file on stdout or stderr, or stdin closed by us or broken
     * because the child closed it ({@code exc} the write error), or {@code exc} a read error.
     */
    default void pipeConnectionLost(int fd, Exception exc) {
    }

    /** The child exited; {@link SubprocessTransport#getReturncode()} has its status. Called once. */
    default void processExited() {
    }

    /** The child exited and every pipe is closed (or the transport was closed). Called once, last. */
    default void connectionLost(Exception exc) {
    }

    /** The stdin pipe's write buffer went above its high watermark. */
    default void pauseWriting() {
    }

    /** The stdin pipe's write buffer drained to its low watermark after a {@link #pauseWriting}. */
    default void resumeWriting() {
    }
}
