package org.aio4j.net;

/**
 * A transport's write-buffer watermarks, in bytes: above {@code high} the protocol is paused, at or
 * below {@code low} it is resumed (netty's {@code WriteBufferWaterMark}, asyncio's
 * {@code get_write_buffer_limits}). Defaults: 64 KiB and 16 KiB.
 *
 * @param high pause the protocol when the buffered bytes exceed this
 * @param low  resume it when they drop to this or below
 */
public record WriteBufferLimits(int high, int low) {
    /** asyncio's defaults: high 64 KiB, low 16 KiB. */
    public static final WriteBufferLimits DEFAULT = new WriteBufferLimits(64 * 1024, 16 * 1024);

    /**
     * @throws IllegalArgumentException unless {@code high >= low >= 0}
     */
    public WriteBufferLimits {
        if (low < 0 || high < low) {
            throw new IllegalArgumentException("write buffer limits must satisfy high >= low >= 0, got high="
                    + high + ", low=" + low);
        }
    }

    /** asyncio's rule when only {@code high} is given: {@code low = high / 4}. */
    public static WriteBufferLimits ofHigh(int high) {
        return new WriteBufferLimits(high, high / 4);
    }
}
