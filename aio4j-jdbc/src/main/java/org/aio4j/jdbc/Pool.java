package org.aio4j.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.EventLoop;
import org.aio4j.TimeoutError;
import org.aio4j.sync.Event;
import org.aio4j.sync.Semaphore;

/**
 * A bounded pool of JDBC connections for the coroutines of one event loop (asyncpg's
 * {@code create_pool}):
 * <pre>{@code
 * Pool pool = Pool.create(dataSource, 5, 20);   // opens 5 connections; never more than 20
 * try (PooledConnection conn = pool.acquire()) {
 *     Row user = conn.fetchrow("SELECT * FROM users WHERE id = ?", 7);
 * }
 * long n = pool.fetchval("SELECT count(*) FROM users");  // acquire, one call, give back
 * pool.close();
 * }</pre>
 *
 * <ul>
 *   <li><b>Waiting.</b> When all {@code max} connections are in use, {@link #acquire()} waits, first
 *       come first served, without blocking the loop; {@link PoolOptions#acquireTimeout()} (or
 *       {@link #acquire(double)}) bounds the wait with an aio4j {@link TimeoutError}, and so does
 *       any enclosing timeout scope.</li>
 *   <li><b>Connections</b> come from the {@link DataSource} (the driver's own, unpooled one; a pooling
 *       DataSource such as HikariCP's would pool twice). {@code min} are opened by {@link #create}
 *       and kept; more are opened on demand up to {@code max}, and kept once open. A connection
 *       given back is rolled back if a transaction was left open; one that saw a cancellation or a
 *       connection error is checked with {@link Connection#isValid(int)} and closed if it fails, and
 *       the pool opens a new one when next needed.</li>
 *   <li><b>Nothing is lost.</b> A task cancelled while it waits, while a connection is being opened
 *       for it, or while it runs a query gives back its place, the connection and its permit.</li>
 *   <li><b>Threads.</b> Every driver call runs through
 *       {@link org.aio4j.lowlevel.Lowlevel#callBlocking}: on the task's own virtual thread in the fast
 *       strand mode, on a worker virtual thread in the portable mode. The pool belongs to the loop
 *       that created it; with a {@link org.aio4j.LoopGroup}, create one pool per loop.</li>
 * </ul>
 *
 * Lifecycle: {@link PoolState}. {@link #close()} refuses new acquires, closes the idle connections,
 * and waits for the ones in use to come back.
 */
public final class Pool {
    private final DataSource dataSource;
    private final PoolOptions options;
    private final EventLoop loop;
    private final Semaphore permits;
    private final ArrayDeque<Connection> idle = new ArrayDeque<>();
    private final Event drained = Event.create();
    private int inUse;
    private int opening;
    private PoolState state = PoolState.OPEN;

    private Pool(DataSource dataSource, PoolOptions options, EventLoop loop) {
        this.dataSource = dataSource;
        this.options = options;
        this.loop = loop;
        this.permits = Semaphore.create(options.max());
    }

    /**
     * Creates a pool and opens its {@code min} connections. Call it in a coroutine; the pool is
     * bound to that coroutine's loop.
     *
     * @throws IllegalArgumentException if {@code min < 0}, {@code max < 1} or {@code min > max}
     * @throws SQLException if a first connection cannot be opened (those already opened are closed)
     */
    public static Pool create(DataSource dataSource, int min, int max) throws SQLException {
        return create(dataSource, PoolOptions.of(min, max));
    }

    /** {@link #create(DataSource, int, int)} with all the options. */
    public static Pool create(DataSource dataSource, PoolOptions options) throws SQLException {
        Objects.requireNonNull(dataSource, "Pool.create(null, ...): pass the driver's DataSource");
        Objects.requireNonNull(options, "Pool.create(dataSource, null): pass PoolOptions.of(min, max)");
        Pool pool = new Pool(dataSource, options, Aio.runningLoop());
        try {
            for (int i = 0; i < options.min(); i++) {
                pool.idle.addLast(pool.open());
            }
        } catch (SQLException | RuntimeException | CancelledError e) {
            pool.state = PoolState.CLOSING;
            pool.closeIdle();
            pool.state = PoolState.CLOSED;
            throw e;
        }
        return pool;
    }

    /**
     * Waits for a connection, at most {@link PoolOptions#acquireTimeout()}, and hands it to the
     * calling task; give it back with {@link PooledConnection#close()} (try-with-resources).
     *
     * @throws TimeoutError if none came free in time (an enclosing timeout scope raises its own)
     * @throws IllegalStateException if the pool is closing or closed, or is another loop's
     * @throws SQLException if a new connection had to be opened and that failed
     */
    public PooledConnection acquire() throws SQLException {
        return acquire(options.acquireTimeout());
    }

    /**
     * {@link #acquire()} waiting at most {@code timeoutSeconds} ({@code Double.POSITIVE_INFINITY}:
     * no bound).
     */
    public PooledConnection acquire(double timeoutSeconds) throws SQLException {
        checkLoop("acquire");
        checkOpen("acquire");
        if (Double.isNaN(timeoutSeconds) || timeoutSeconds < 0) {
            throw new IllegalArgumentException("acquire(" + timeoutSeconds + "): the timeout is seconds >= 0,"
                    + " or Double.POSITIVE_INFINITY for none");
        }
        if (timeoutSeconds == Double.POSITIVE_INFINITY) {
            permits.acquire();
        } else {
            try {
                Aio.timeout(timeoutSeconds, () -> {
                    permits.acquire();
                });
            } catch (TimeoutError e) {
                throw new TimeoutError("no connection came free within " + timeoutSeconds + " s: all " + inUse
                        + " of the pool's " + options.max() + " are in use. Raise max, hold connections for"
                        + " less time, or wait longer (acquire(seconds))", e);
            }
        }
        if (state != PoolState.OPEN) {
            permits.release();
            throw closedError("acquire");
        }
        Connection c = idle.pollLast();
        if (c == null) {
            try {
                c = open();
            } catch (SQLException | RuntimeException | CancelledError e) {
                permits.release();
                throw e;
            }
        }
        inUse++;
        return new PooledConnection(this, c);
    }

    /** Acquires a connection for one {@link PooledConnection#fetch} and gives it back. */
    public List<Row> fetch(String sql, Object... args) throws SQLException {
        try (PooledConnection c = acquire()) {
            return c.fetch(sql, args);
        }
    }

    /** Acquires a connection for one {@link PooledConnection#fetchrow} and gives it back. */
    public Row fetchrow(String sql, Object... args) throws SQLException {
        try (PooledConnection c = acquire()) {
            return c.fetchrow(sql, args);
        }
    }

    /** Acquires a connection for one {@link PooledConnection#fetchval} and gives it back. */
    public <T> T fetchval(String sql, Object... args) throws SQLException {
        try (PooledConnection c = acquire()) {
            return c.fetchval(sql, args);
        }
    }

    /** Acquires a connection for one {@link PooledConnection#execute} and gives it back. */
    public long execute(String sql, Object... args) throws SQLException {
        try (PooledConnection c = acquire()) {
            return c.execute(sql, args);
        }
    }

    /**
     * Refuses new acquires (and wakes the waiting ones with {@link IllegalStateException} as
     * connections come back), closes the idle connections, waits for those in use to be given back
     * and closes them. Idempotent; a second call waits like the first.
     */
    public void close() {
        checkLoop("close");
        if (state == PoolState.OPEN) {
            state = PoolState.CLOSING;
            closeIdle();
            if (inUse == 0 && opening == 0) {
                drained.set();
            }
        }
        drained.await();
        state = PoolState.CLOSED;
    }

    /** The lifecycle state. */
    public PoolState state() {
        return state;
    }

    /** Connections open now: idle, in use, and being opened. */
    public int size() {
        return idle.size() + inUse + opening;
    }

    /** Connections open and not handed out. */
    public int idleCount() {
        return idle.size();
    }

    /** Connections handed out and not given back yet. */
    public int inUse() {
        return inUse;
    }

    /** The options the pool was created with. */
    public PoolOptions options() {
        return options;
    }

    @Override
    public String toString() {
        return "Pool[" + state + ", in use " + inUse + ", idle " + idle.size() + ", min " + options.min() + ", max "
                + options.max() + "]";
    }

    // ---------------------------------------------------------------- internals

    /** Opens a connection; a cancellation while it opens keeps it (idle) rather than losing it. */
    private Connection open() throws SQLException {
        Connection[] got = new Connection[1];
        opening++;
        try {
            Blocking.call(() -> got[0] = dataSource.getConnection());
        } catch (CancelledError e) {
            if (got[0] != null) {
                idleOrClose(got[0]);
            }
            throw e;
        } finally {
            opening--;
        }
        if (got[0] == null) {
            throw new SQLException("the DataSource returned no connection (null) from getConnection()");
        }
        return got[0];
    }

    /** {@link PooledConnection#close()}: cleans the connection up, keeps or closes it, frees its permit. */
    void release(PooledConnection pc) {
        Connection c = pc.connection();
        boolean suspect = pc.suspect;
        CancelledError pending = null;
        boolean healthy;
        try {
            // The common case, with no driver call that does I/O: a connection that saw nothing unusual
            // and has no transaction open (drivers keep the closed and auto-commit states in memory).
            healthy = !suspect && !c.isClosed() && c.getAutoCommit() || Blocking.uncancellable(() -> {
                if (c.isClosed()) {
                    return false;
                }
                if (!c.getAutoCommit()) {
                    c.rollback();
                    c.setAutoCommit(true);
                }
                return !suspect || c.isValid(5);
            });
        } catch (CancelledError e) {
            pending = e;
            healthy = false; // the check's outcome went with the cancellation: do not reuse it
        } catch (SQLException | RuntimeException e) {
            healthy = false;
        }
        inUse--;
        CancelledError later = healthy ? idleOrClose(c) : closeQuietly(c);
        if (pending == null) {
            pending = later;
        }
        permits.release();
        if (state != PoolState.OPEN && inUse == 0 && opening == 0) {
            drained.set();
        }
        if (pending != null) {
            throw pending;
        }
    }

    /** Keeps {@code c} idle, or closes it if the pool is closing; returns a cancellation held meanwhile. */
    private CancelledError idleOrClose(Connection c) {
        if (state == PoolState.OPEN) {
            idle.addLast(c);
            return null;
        }
        return closeQuietly(c);
    }

    private void closeIdle() {
        CancelledError pending = null;
        Connection c;
        while ((c = idle.pollFirst()) != null) {
            CancelledError e = closeQuietly(c);
            pending = pending == null ? e : pending;
        }
        if (pending != null) {
            throw pending;
        }
    }

    /** Closes {@code c} whatever happens; returns the cancellation that arrived meanwhile, if one did. */
    private CancelledError closeQuietly(Connection c) {
        try {
            Blocking.uncancellable(() -> {
                c.close();
                return null;
            });
            return null;
        } catch (CancelledError e) {
            return e; // closed all the same
        } catch (SQLException | RuntimeException e) {
            return null; // closing a broken connection: nothing more to do
        }
    }

    void checkLoop(String what) {
        EventLoop running = Aio.runningLoop(); // throws outside a coroutine
        if (running != loop) {
            throw new IllegalStateException(what + "(): this Pool belongs to the event loop that created it,"
                    + " and this code runs on another; create one pool per loop");
        }
    }

    private void checkOpen(String what) {
        if (state != PoolState.OPEN) {
            throw closedError(what);
        }
    }

    private IllegalStateException closedError(String what) {
        return new IllegalStateException(what + "() on a pool that is " + state.name().toLowerCase()
                + " (close() was called)");
    }
}
