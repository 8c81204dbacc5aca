/**
 * A connection pool for coroutines on JDBC, shaped like asyncpg's:
 *
 * <ul>
 *   <li>{@link org.aio4j.jdbc.Pool#create(javax.sql.DataSource, int, int) Pool.create(ds, min, max)},
 *       {@link org.aio4j.jdbc.Pool#acquire()} as a try-with-resources scope, and
 *       {@link org.aio4j.jdbc.Pool#close()};</li>
 *   <li>{@code fetch}, {@code fetchrow}, {@code fetchval}, {@code execute} and {@code executemany} on a
 *       {@link org.aio4j.jdbc.PooledConnection} (and on the pool, which acquires for one call), returning
 *       {@link org.aio4j.jdbc.Row}s;</li>
 *   <li>{@link org.aio4j.jdbc.PooledConnection#transaction transactions} as a scope, nested ones as
 *       savepoints;</li>
 *   <li>acquire timeouts as aio4j {@link org.aio4j.TimeoutError}s, and cancellation (a timeout scope,
 *       {@code task.cancel()}, a task group) that cancels the running statement on the server with
 *       {@link java.sql.Statement#cancel()} and gives the pool back a healthy connection.</li>
 * </ul>
 *
 * <h2>Threads</h2>
 * JDBC drivers block. Every driver call goes through {@link org.aio4j.lowlevel.Lowlevel#callBlocking}:
 * in the fast strand mode ({@link org.aio4j.StrandMode#LOOP_SCHEDULED}) it runs on the calling task's
 * own virtual thread, so a query waiting for the server parks only that task and the loop runs the
 * others, with no thread hop; in the portable mode it runs on a worker virtual thread, as
 * {@link org.aio4j.Aio#toThread} would, so the loop never blocks. The pool's state is the loop's:
 * use a pool from coroutines of the loop that created it.
 */
package org.aio4j.jdbc;
