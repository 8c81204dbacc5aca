package org.aio4j.jdbc;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.aio4j.CancelledError;
import org.aio4j.lowlevel.Lowlevel;

/** The pool's driver calls: through {@link Lowlevel#callBlocking}, with the statement to cancel. */
final class Blocking {
    private Blocking() {
    }

    /** Work on the driver that may register the statement a cancellation should cancel. */
    @FunctionalInterface
    interface Work<T> {
        T run(CancelSlot slot) throws SQLException;
    }

    /**
     * Where a running call parks the statement it executes, so that cancelling the task cancels that
     * statement on the server. A cancellation that comes before the statement is parked here stops it
     * from being executed at all.
     */
    static final class CancelSlot {
        private static final Object CANCELLED = new Object();
        private final AtomicReference<Object> slot = new AtomicReference<>();

        /** Registers {@code s}; throws if the task was cancelled meanwhile (the statement must not run). */
        void executing(Statement s) throws SQLException {
            if (!slot.compareAndSet(null, s)) {
                throw new SQLException("the task was cancelled before the statement was sent", "57014");
            }
        }

        /** Whether a cancellation reached this call. */
        boolean cancelled() {
            return slot.get() == CANCELLED;
        }

        void cancel() {
            Object previous = slot.getAndSet(CANCELLED);
            if (previous instanceof Statement s) {
                try {
                    s.cancel();
                } catch (SQLException e) {
                    throw new IllegalStateException("Statement.cancel() failed: " + e.getMessage(), e);
                }
            }
        }
    }

    /** Runs {@code work}; cancellation cancels the statement it registered in its slot. */
    static <T> T call(Work<T> work, CancelSlot slot) throws SQLException {
        try {
            return Lowlevel.callBlocking(() -> work.run(slot), slot::cancel);
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /** Runs a call that cannot be stopped midway (open, commit, close). */
    static <T> T call(Callable<T> call) throws SQLException {
        try {
            return Lowlevel.callBlocking(call, () -> { });
        } catch (SQLException | RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new SQLException(e.getMessage(), e);
        }
    }

    /**
     * Runs cleanup that must happen even if the task is being cancelled (a rollback, giving a
     * connection back): a cancellation before or during it is held until it has run, then rethrown,
     * with the cleanup's own exception, if any, suppressed in it.
     */
    static <T> T uncancellable(Callable<T> call) throws SQLException {
        CancelledError pending = null;
        Attempt<T> a;
        do {
            Attempt<T> attempt = new Attempt<>();
            a = attempt;
            try {
                Lowlevel.callBlocking(() -> {
                    attempt.ran = true;
                    try {
                        attempt.value = call.call();
                    } catch (Throwable t) {
                        attempt.failure = t;
                    }
                    return null;
                }, () -> { });
            } catch (CancelledError c) {
                if (pending == null) {
                    pending = c;
                }
            } catch (Exception e) {
                throw new SQLException(e.getMessage(), e); // not reached: the call catches its own
            }
        } while (!a.ran);
        if (pending != null) {
            if (a.failure != null) {
                pending.addSuppressed(a.failure);
            }
            throw pending;
        }
        if (a.failure instanceof SQLException | a.failure instanceof RuntimeException | a.failure instanceof Error) {
            throw sneaky(a.failure);
        }
        if (a.failure != null) {
            throw new SQLException(a.failure.getMessage(), a.failure);
        }
        return a.value;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E sneaky(Throwable t) throws E {
        throw (E) t;
    }

    private static final class Attempt<T> {
        boolean ran;
        T value;
        Throwable failure;
    }
}
