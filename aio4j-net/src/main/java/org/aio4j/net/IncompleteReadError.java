package org.aio4j.net;

import java.io.EOFException;

/**
 * The stream ended before a read had what it asked for (asyncio's {@code IncompleteReadError}):
 * thrown by {@link StreamReader#readexactly} when end of file comes before {@code n} bytes, and by
 * {@link StreamReader#readuntil} when it comes before the separator. The bytes read until then are
 * not lost: they are {@link #partial()}, and they are no longer in the reader's buffer.
 */
public class IncompleteReadError extends EOFException {
    private static final long serialVersionUID = 1L;

    /** Marks "how many bytes were expected is not known" ({@code readuntil}; Python's {@code None}). */
    public static final int UNKNOWN = -1;

    private final byte[] partial;
    private final int expected;

    /**
     * @param partial  the bytes read before end of file (not copied: the exception owns them)
     * @param expected how many bytes were wanted, or {@link #UNKNOWN}
     */
    public IncompleteReadError(byte[] partial, int expected) {
        super(partial.length + " bytes read on a total of " + (expected == UNKNOWN ? "undefined" : String.valueOf(expected))
                + " expected bytes");
        this.partial = partial;
        this.expected = expected;
    }

    /** The bytes read before end of file (possibly empty); the caller may keep or change the array. */
    public byte[] partial() {
        return partial;
    }

    /** How many bytes the read wanted, or {@link #UNKNOWN} when a separator was wanted ({@code readuntil}). */
    public int expected() {
        return expected;
    }
}
