package org.aio4j.jdbc;

/**
 * How a {@link Pool} is sized and how long {@link Pool#acquire()} waits.
 *
 * @param min connections opened by {@link Pool#create} and kept open (asyncpg's {@code min_size}), >= 0
 * @param max connections open at most, in use or idle (asyncpg's {@code max_size}), >= 1 and >= min
 * @param acquireTimeout seconds {@code acquire()} waits for a free connection before it raises
 *                       {@link org.aio4j.TimeoutError}; {@code Double.POSITIVE_INFINITY} (the
 *                       default) waits as long as it takes, or as an enclosing timeout scope allows
 */
public record PoolOptions(int min, int max, double acquireTimeout) {
    /** Validates the sizes and the timeout, with a message that says what to pass. */
    public PoolOptions {
        if (max < 1) {
            throw new IllegalArgumentException("pool max " + max + ": a pool needs at least 1 connection");
        }
        if (min < 0 || min > max) {
            throw new IllegalArgumentException("pool min " + min + " with max " + max + ": min must be between 0 and max");
        }
        if (Double.isNaN(acquireTimeout) || acquireTimeout < 0) {
            throw new IllegalArgumentException("acquireTimeout " + acquireTimeout + ": seconds >= 0, or"
                    + " Double.POSITIVE_INFINITY for no bound");
        }
    }

    /** {@code min} and {@code max}, waiting for a connection without a bound of the pool's own. */
    public static PoolOptions of(int min, int max) {
        return new PoolOptions(min, max, Double.POSITIVE_INFINITY);
    }

    /** These options with {@link #acquireTimeout()} set to {@code seconds}. */
    public PoolOptions withAcquireTimeout(double seconds) {
        return new PoolOptions(min, max, seconds);
    }
}
