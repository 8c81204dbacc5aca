package org.aio4j.net;

/**
 * The callbacks every protocol has (asyncio's {@code BaseProtocol}): the connection's start and end,
 * and write flow control. Implement {@link Protocol} (data as byte arrays) or {@link BufferedProtocol}
 * (data read straight into your buffer), not this interface directly.
 *
 * <h2>Contract</h2>
 * <ul>
 *   <li>Every callback runs on the loop thread, one at a time; none may block or await. To run
 *       coroutine code, start a task ({@code Aio.createTask}) from the callback.</li>
 *   <li>Order: {@code connectionMade} exactly once, then any number of data callbacks, then at most one
 *       end-of-file callback, then {@code connectionLost} exactly once. {@code pauseWriting} and
 *       {@code resumeWriting} strictly alternate, starting with {@code pauseWriting}, and are never
 *       called after {@code connectionLost}.</li>
 *   <li>A callback may call any transport method, including {@code close} and {@code abort}: the
 *       transport re-checks its state after every callback.</li>
 *   <li>A callback that throws is reported to the loop's exception handler and the connection is
 *       aborted ({@code connectionLost} gets the exception; a {@code connectionMade} that throws
 *       also fails {@code Net.createConnection} with it). Exceptions: {@code pauseWriting} and
 *       {@code resumeWriting} failures are only reported, as in asyncio, and a failing
 *       {@code connectionLost} is reported (the socket is closed anyway).</li>
 * </ul>
 */
public interface BaseProtocol {
    /** The connection is up; {@code transport} is its transport. Called once, first. */
    default void connectionMade(Transport transport) {
    }

    /**
     * The connection is closed, cleanly ({@code exc} null: a {@code close()} or the peer's end of file)
     * or by an error or {@code abort()} ({@code exc} the cause, null for an abort). Called once, last;
     * the socket is closed after it returns.
     */
    default void connectionLost(Exception exc) {
    }

    /** The transport's write buffer went above its high watermark: stop writing until {@link #resumeWriting}. */
    default void pauseWriting() {
    }

    /** The write buffer drained to its low watermark after a {@link #pauseWriting}. */
    default void resumeWriting() {
    }
}
