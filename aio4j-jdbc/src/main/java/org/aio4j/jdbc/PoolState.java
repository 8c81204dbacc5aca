package org.aio4j.jdbc;

/** The lifecycle of a {@link Pool}. */
public enum PoolState {
    /** Hands out connections. */
    OPEN,
    /** {@link Pool#close()} was called: no new acquire; it waits for the connections in use to come back. */
    CLOSING,
    /** Every connection is closed. */
    CLOSED
}
