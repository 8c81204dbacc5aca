package org.aio4j.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.List;
import org.aio4j.AsyncRunnable;
import org.aio4j.CancelledError;

/**
 * A connection {@linkplain Pool#acquire() acquired} from a {@link Pool}, for one task at a time, until
 * {@link #close()} gives it back (asyncpg's pool connection):
 * <pre>{@code
 * try (PooledConnection conn = pool.acquire()) {
 *     long id = conn.fetchval("INSERT INTO users(name) VALUES (?) RETURNING id", "ada");
 *     List<Row> rows = conn.fetch("SELECT * FROM orders WHERE user_id = ?", id);
 * }
 * }</pre>
 * Parameters are JDBC's {@code ?} placeholders, bound in order with {@code setObject}. A call without
 * parameters is sent as a plain statement, so {@link #execute} can run a script of several statements.
 *
 * <p><b>Cancellation.</b> Each call is a coroutine call: it suspends only the calling task, and if
 * that task is cancelled meanwhile (a timeout scope, {@code cancel()}, a failing sibling in a task
 * group) the statement is cancelled on the server ({@link Statement#cancel()}), the call waits for the
 * driver to return, and {@link CancelledError} is raised. The connection stays usable: in a
 * {@link #transaction} the scope rolls back, and the pool checks a connection that saw a cancellation
 * or a connection error before it hands it out again.
 *
 * <p><b>Misuse.</b> Every method raises {@link IllegalStateException} after {@link #close()}, and
 * when another call is already running on this connection (two tasks sharing one connection): acquire
 * one per task. Loop thread, in a coroutine of the pool's loop.
 */
public final class PooledConnection implements AutoCloseable {
    private final Pool pool;
    private final Connection connection;
    private boolean released;
    private boolean busy;
    /** A call on it was cancelled or failed at the connection level: validate before reuse. */
    boolean suspect;
    private int transactionDepth;

    PooledConnection(Pool pool, Connection connection) {
        this.pool = pool;
        this.connection = connection;
    }

    Connection connection() {
        return connection;
    }

    /**
     * Runs a query and returns all its rows (asyncpg's {@code fetch}).
     *
     * @throws SQLException as the driver raised it
     * @throws CancelledError if the task was cancelled (the statement was cancelled on the server)
     */
    public List<Row> fetch(String sql, Object... args) throws SQLException {
        return run("fetch", sql, args, s -> {
            try (ResultSet rs = s instanceof PreparedStatement ps ? ps.executeQuery() : s.executeQuery(sql)) {
                return Row.readAll(rs);
            }
        });
    }

    /** The first row of a query, or null if it has none (asyncpg's {@code fetchrow}). */
    public Row fetchrow(String sql, Object... args) throws SQLException {
        List<Row> rows = run("fetchrow", sql, args, s -> {
            s.setMaxRows(1);
            try (ResultSet rs = s instanceof PreparedStatement ps ? ps.executeQuery() : s.executeQuery(sql)) {
                return Row.readAll(rs);
            }
        });
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * The first column of the first row of a query, or null if it has no rows (asyncpg's
     * {@code fetchval}); the type is the caller's ({@code long n = conn.fetchval("SELECT count(*) ...")}).
     *
     * @throws ClassCastException where the assignment's type does not match the driver's value
     */
    @SuppressWarnings("unchecked")
    public <T> T fetchval(String sql, Object... args) throws SQLException {
        Row row = fetchrow(sql, args);
        return row == null ? null : (T) row.get(0);
    }

    /**
     * Runs a statement (or, without parameters, a script) and returns the number of rows it changed,
     * 0 for one that returns rows or changes none (asyncpg's {@code execute}).
     */
    public long execute(String sql, Object... args) throws SQLException {
        return run("execute", sql, args, s -> {
            boolean rows = s instanceof PreparedStatement ps ? ps.execute() : s.execute(sql);
            long changed = 0;
            while (true) {
                if (!rows) {
                    long n = s.getLargeUpdateCount();
                    if (n == -1) {
                        break;
                    }
                    changed += n;
                }
                rows = s.getMoreResults();
            }
            return changed;
        });
    }

    /**
     * Runs one statement once per parameter list, as a JDBC batch (asyncpg's {@code executemany}),
     * and returns the rows each changed.
     */
    public long[] executemany(String sql, List<? extends List<?>> argsList) throws SQLException {
        checkUsable("executemany");
        Blocking.CancelSlot slot = new Blocking.CancelSlot();
        return guarded(slot, () -> Blocking.call(c -> {
            try (PreparedStatement ps = connection.prepareStatement(sql)) {
                for (List<?> args : argsList) {
                    for (int i = 0; i < args.size(); i++) {
                        ps.setObject(i + 1, args.get(i));
                    }
                    ps.addBatch();
                }
                c.executing(ps);
                return ps.executeLargeBatch();
            }
        }, slot));
    }

    /**
     * Runs {@code body} in a transaction: commits if it returns, rolls back if it throws (a
     * cancellation included; the rollback runs even then, and the cancellation follows it). Inside
     * another transaction of this connection it is a savepoint, so an inner failure rolls back only
     * the inner part (asyncpg's nested {@code transaction()}).
     *
     * @return what {@code body} returned
     */
    public <T> T transaction(TransactionBody<T> body) throws Exception {
        checkUsable("transaction");
        Savepoint savepoint = transactionDepth == 0
                ? Blocking.call(() -> {
                    connection.setAutoCommit(false);
                    return null;
                })
                : Blocking.call(connection::setSavepoint);
        transactionDepth++;
        T value;
        try {
            value = body.run();
        } catch (Throwable e) {
            transactionDepth--;
            try {
                Blocking.uncancellable(() -> {
                    rollback(savepoint);
                    return null;
                });
            } catch (SQLException | RuntimeException rollbackFailed) {
                suspect = true;
                e.addSuppressed(rollbackFailed);
            } catch (CancelledError cancelledMeanwhile) {
                e.addSuppressed(cancelledMeanwhile);
            }
            throw e;
        }
        transactionDepth--;
        try {
            Blocking.call(() -> {
                if (savepoint == null) {
                    connection.commit();
                    connection.setAutoCommit(true);
                } else {
                    connection.releaseSavepoint(savepoint);
                }
                return null;
            });
        } catch (SQLException | RuntimeException | CancelledError e) {
            if (savepoint == null) {
                suspect = true; // the pool rolls back whatever is left before reuse
            }
            throw e;
        }
        return value;
    }

    /** {@link #transaction(TransactionBody)} for a body that returns nothing. */
    public void transaction(AsyncRunnable body) throws Exception {
        transaction(() -> {
            body.run();
            return null;
        });
    }

    /** Whether a {@link #transaction} scope of this connection is open. */
    public boolean inTransaction() {
        return transactionDepth > 0;
    }

    /**
     * Gives the connection back to its pool (rolling back a transaction left open); idempotent. If the
     * task is cancelled meanwhile, the connection still goes back and the cancellation follows.
     */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        pool.release(this);
    }

    @Override
    public String toString() {
        return "PooledConnection[" + (released ? "released" : busy ? "busy" : "idle")
                + (transactionDepth > 0 ? ", in transaction" : "") + ", " + connection + "]";
    }

    // ---------------------------------------------------------------- internals

    @FunctionalInterface
    private interface OnStatement<T> {
        T run(Statement s) throws SQLException;
    }

    @FunctionalInterface
    private interface Guarded<T> {
        T run() throws SQLException;
    }

    private <T> T run(String what, String sql, Object[] args, OnStatement<T> body) throws SQLException {
        checkUsable(what);
        if (sql == null) {
            throw new NullPointerException(what + "(null): pass the SQL text");
        }
        Object[] params = args == null ? new Object[] {null} : args;
        Blocking.CancelSlot slot = new Blocking.CancelSlot();
        return guarded(slot, () -> Blocking.call(c -> {
            try (Statement s = params.length == 0 ? connection.createStatement() : connection.prepareStatement(sql)) {
                if (s instanceof PreparedStatement ps) {
                    for (int i = 0; i < params.length; i++) {
                        ps.setObject(i + 1, params[i]);
                    }
                }
                c.executing(s);
                return body.run(s);
            }
        }, slot));
    }

    /** Marks the connection busy for one call, and suspect if the call was cancelled or the link failed. */
    private <T> T guarded(Blocking.CancelSlot slot, Guarded<T> call) throws SQLException {
        busy = true;
        try {
            return call.run();
        } catch (SQLException e) {
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                suspect = true; // connection exception class
            }
            throw e;
        } finally {
            busy = false;
            if (slot.cancelled()) {
                suspect = true;
            }
        }
    }

    private void rollback(Savepoint savepoint) throws SQLException {
        if (savepoint == null) {
            connection.rollback();
            connection.setAutoCommit(true);
        } else {
            connection.rollback(savepoint);
            connection.releaseSavepoint(savepoint);
        }
    }

    private void checkUsable(String what) {
        pool.checkLoop(what);
        if (released) {
            throw new IllegalStateException(what + "() on a connection already given back to its pool"
                    + " (close() was called): acquire() another one");
        }
        if (busy) {
            throw new IllegalStateException(what + "() while another call is running on this connection:"
                    + " a connection runs one call at a time; acquire() one connection per task");
        }
    }
}
