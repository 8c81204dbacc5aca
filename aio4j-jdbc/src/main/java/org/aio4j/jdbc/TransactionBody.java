package org.aio4j.jdbc;

/**
 * The body of a {@link PooledConnection#transaction} scope: commits when it returns, rolls back when
 * it throws (a cancellation included).
 *
 * @param <T> what the scope returns
 */
@FunctionalInterface
public interface TransactionBody<T> {
    /** Runs in the transaction; may await. */
    T run() throws Exception;
}
