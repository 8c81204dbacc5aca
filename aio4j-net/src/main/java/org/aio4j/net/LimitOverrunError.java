package org.aio4j.net;

import java.io.IOException;

/**
 * A line or chunk is longer than the reader's limit (asyncio's {@code LimitOverrunError}, and its
 * {@code ValueError} from {@code readline}). What happens to the buffered bytes depends on the method,
 * exactly as in asyncio:
 * <ul>
 *   <li>{@link StreamReader#readuntil}: nothing is consumed; the data stays in the buffer and
 *       {@link #consumed()} says how many bytes would have to be consumed to get past it (read them
 *       with {@link StreamReader#readexactly} to skip the over-long chunk, or close the stream);</li>
 *   <li>{@link StreamReader#readline}: the over-long line is dropped before this is thrown: through its
 *       {@code '\n'} if it is in the buffer, otherwise the whole buffer (the rest of the line still
 *       arrives and reads as the next line).</li>
 * </ul>
 * asyncio's {@code readline} raises {@code ValueError} here; aio4j keeps one checked type for "the
 * peer sent more than the limit", so a single {@code catch (IOException e)} covers hostile input.
 */
public class LimitOverrunError extends IOException {
    private static final long serialVersionUID = 1L;

    private final int consumed;

    /**
     * @param message  what overran
     * @param consumed how many buffered bytes the over-long chunk spans (see the class documentation)
     */
    public LimitOverrunError(String message, int consumed) {
        super(message);
        this.consumed = consumed;
    }

    /**
     * For {@code readuntil}: the number of buffered bytes to consume to get past the over-long data
     * (asyncio's {@code consumed}: the separator's offset when found, otherwise how far the search
     * got). For {@code readline}: the same count, of bytes already dropped.
     */
    public int consumed() {
        return consumed;
    }
}
