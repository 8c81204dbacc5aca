package org.aio4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.aio4j.Aio;
import org.aio4j.CancelledError;
import org.aio4j.StrandMode;
import org.aio4j.Task;
import org.aio4j.TimeoutError;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The pool under concurrency and cancellation, against a real PostgreSQL: queries overlap without
 * holding the loop (in both strand modes), cancelling a task cancels its statement on the server,
 * timeouts, and nothing lost: connections, permits, places in the queue. Real time; the bounds are
 * wide (a 30 s query must end within seconds, 100 queries of 0.1 s on 20 connections within 3 s).
 */
@Timeout(90)
class PoolCancellationTest {

    @BeforeAll
    static void schema() throws SQLException {
        Db.sql("DROP TABLE IF EXISTS events; CREATE TABLE events(id serial PRIMARY KEY, what text)");
    }

    @Test
    void hundredConcurrentTenthSecondQueriesOnAPoolOfTwentyTakeAboutHalfASecondWhileATickerKeepsTicking() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("hundred"), 20, 20);
            List<Double> ticks = new ArrayList<>();
            Task<Void> ticker = Aio.createTask(Aio.async(() -> {
                while (true) {
                    ticks.add(Aio.runningLoop().time());
                    Aio.sleep(0.01);
                }
            }));
            int[] peak = {0};
            List<Task<Object>> queries = new ArrayList<>();
            double start = Aio.runningLoop().time();
            for (int i = 0; i < 100; i++) {
                queries.add(Aio.createTask(Aio.async(() -> {
                    try (PooledConnection c = pool.acquire()) {
                        peak[0] = Math.max(peak[0], pool.inUse());
                        return c.fetchval("SELECT pg_sleep(0.1)");
                    }
                })));
            }
            Aio.await(Aio.gather(queries));
            double elapsed = Aio.runningLoop().time() - start;
            ticker.cancel();
            // 5 waves of 20: 0.5 s at best; one at a time would take 10 s
            assertThat(elapsed).isBetween(0.49, 3.0);
            assertThat(peak[0]).isEqualTo(20);
            assertThat(pool.size()).isEqualTo(20);
            // The loop kept running other tasks: the ticker ticked all along, never held for a query's 0.1 s.
            double maxGap = 0;
            for (int i = 1; i < ticks.size(); i++) {
                maxGap = Math.max(maxGap, ticks.get(i) - ticks.get(i - 1));
            }
            assertThat(ticks.size()).isGreaterThan((int) (elapsed / 0.01 / 4));
            assertThat(maxGap).isLessThan(0.095);
            pool.close();
        });
    }

    @Test
    void inTheFastModeQueriesRunOnTheTasksOwnThreadAndInThePortableModeOnAWorker() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("threads"), 1, 1);
            Thread task = Thread.currentThread();
            Thread[] driver = new Thread[1];
            try (PooledConnection c = pool.acquire()) {
                PooledConnection spy = c;
                driver[0] = org.aio4j.lowlevel.Lowlevel.callBlocking(Thread::currentThread, () -> { });
                assertThat((Object) spy.fetchval("SELECT 1")).isEqualTo(1);
            }
            if (Aio.strandMode() == StrandMode.LOOP_SCHEDULED) {
                assertThat(driver[0]).isSameAs(task);
            } else {
                assertThat(driver[0]).isNotSameAs(task);
            }
            pool.close();
        });
    }

    @Test
    void cancellingATaskMidQueryCancelsTheStatementOnTheServerAndGivesBackAHealthyConnection() throws SQLException {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("cancel-query"), 1, 1);
            Task<Object> slow = Aio.createTask(Aio.async(() -> pool.fetchval("SELECT pg_sleep(30)")));
            waitUntilRunning("cancel-query");
            double start = Aio.runningLoop().time();
            slow.cancel("enough");
            assertThatThrownBy(() -> Aio.await(slow)).isInstanceOf(CancelledError.class).hasMessage("enough");
            assertThat(Aio.runningLoop().time() - start).isLessThan(5.0);
            assertThat(Db.sessions("cancel-query", "SELECT pg_sleep")).isZero();
            // The same single connection, back in the pool and usable.
            assertThat(pool.size()).isEqualTo(1);
            assertThat(pool.inUse()).isZero();
            int one = pool.fetchval("SELECT 1");
            assertThat(one).isEqualTo(1);
            assertThat(Db.sessions("cancel-query", null)).isEqualTo(1);
            pool.close();
        });
    }

    @Test
    void theCancelledErrorCarriesTheDriversQueryCanceledErrorAsSuppressed() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("cancel-suppressed"), 1, 1);
            Task<Object> slow = Aio.createTask(Aio.async(() -> pool.fetchval("SELECT pg_sleep(30)")));
            waitUntilRunning("cancel-suppressed");
            slow.cancel();
            Throwable e = org.assertj.core.api.Assertions.catchThrowable(() -> Aio.await(slow));
            assertThat(e).isInstanceOf(CancelledError.class);
            assertThat(e.getSuppressed()).hasSize(1);
            assertThat(e.getSuppressed()[0]).isInstanceOf(SQLException.class);
            assertThat(((SQLException) e.getSuppressed()[0]).getSQLState()).isEqualTo("57014"); // query_canceled
            pool.close();
        });
    }

    @Test
    void timeoutScopeAroundAQueryRaisesTimeoutErrorAndStopsTheQueryOnTheServer() throws SQLException {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("timeout-query"), 1, 1);
            double start = Aio.runningLoop().time();
            assertThatThrownBy(() -> Aio.timeout(0.3, () -> pool.fetchval("SELECT pg_sleep(30)")))
                    .isInstanceOf(TimeoutError.class);
            assertThat(Aio.runningLoop().time() - start).isBetween(0.29, 5.0);
            assertThat(Db.sessions("timeout-query", "SELECT pg_sleep")).isZero();
            int one = pool.fetchval("SELECT 1");
            assertThat(one).isEqualTo(1);
            pool.close();
        });
    }

    @Test
    void cancelInsideATransactionRollsItBackAndTheConnectionIsReusedClean() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("cancel-tx"), 1, 1);
            Task<Void> writer = Aio.createTask(Aio.async(() -> {
                try (PooledConnection c = pool.acquire()) {
                    c.transaction(() -> {
                        c.execute("INSERT INTO events(what) VALUES ('never committed')");
                        c.execute("SELECT pg_sleep(30)");
                    });
                }
            }));
            waitUntilRunning("cancel-tx");
            writer.cancel();
            assertThatThrownBy(() -> Aio.await(writer)).isInstanceOf(CancelledError.class);
            try (PooledConnection c = pool.acquire()) {
                assertThat(c.inTransaction()).isFalse();
                assertThat(c.connection().getAutoCommit()).isTrue();
                long n = c.fetchval("SELECT count(*) FROM events WHERE what = 'never committed'");
                assertThat(n).isZero();
            }
            pool.close();
        });
    }

    @Test
    void acquireTimeoutRaisesTimeoutErrorSayingThePoolIsExhausted() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("acquire-timeout"), PoolOptions.of(0, 1).withAcquireTimeout(0.1));
            try (PooledConnection held = pool.acquire()) {
                assertThatThrownBy(pool::acquire).isInstanceOf(TimeoutError.class)
                        .hasMessageContaining("within 0.1 s").hasMessageContaining("all 1 of the pool's 1");
                assertThatThrownBy(() -> pool.acquire(0.05)).isInstanceOf(TimeoutError.class)
                        .hasMessageContaining("within 0.05 s");
            }
            // The timed-out waiters left nothing behind: the one permit is free.
            try (PooledConnection again = pool.acquire(0.5)) {
                assertThat(pool.inUse()).isEqualTo(1);
            }
            pool.close();
        });
    }

    @Test
    void waitersGetConnectionsFirstComeFirstServed() {
        List<String> order = new ArrayList<>();
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("fifo"), 1, 1);
            PooledConnection held = pool.acquire();
            List<Task<Void>> waiters = new ArrayList<>();
            for (String name : List.of("a", "b", "c")) {
                waiters.add(Aio.createTask(Aio.async(() -> {
                    try (PooledConnection c = pool.acquire()) {
                        order.add(name);
                        c.fetchval("SELECT 1");
                    }
                })));
                Aio.sleep(0);
            }
            held.close();
            Aio.await(Aio.gather(waiters));
            pool.close();
        });
        assertThat(order).containsExactly("a", "b", "c");
    }

    @Test
    void waiterCancelledInTheQueueLosesNoConnectionAndNoPermit() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("cancel-waiter"), 1, 1);
            PooledConnection held = pool.acquire();
            Task<PooledConnection> waiter = Aio.createTask(Aio.async(() -> pool.acquire()));
            Aio.sleep(0.02);
            waiter.cancel();
            assertThatThrownBy(() -> Aio.await(waiter)).isInstanceOf(CancelledError.class);
            held.close();
            try (PooledConnection c = pool.acquire(1.0)) {
                assertThat(pool.size()).isEqualTo(1);
            }
            pool.close();
        });
    }

    @Test
    void twoTasksSharingOneConnectionGetAnErrorSayingOneCallAtATime() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("shared-conn"), 1, 1);
            try (PooledConnection c = pool.acquire()) {
                Task<Object> first = Aio.createTask(Aio.async(() -> c.fetchval("SELECT pg_sleep(0.3)")));
                Aio.sleep(0.1);
                assertThatThrownBy(() -> c.fetch("SELECT 1")).isInstanceOf(IllegalStateException.class)
                        .hasMessageContaining("another call is running").hasMessageContaining("one connection per task");
                Aio.await(first);
            }
            pool.close();
        });
    }

    @Test
    void taskGroupWhoseSiblingFailsCancelsTheOtherQueriesOnTheServer() throws SQLException {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("group"), 3, 3);
            assertThatThrownBy(() -> Aio.taskGroup(g -> {
                g.createTask(Aio.async(() -> pool.fetchval("SELECT pg_sleep(30)")));
                g.createTask(Aio.async(() -> pool.fetchval("SELECT pg_sleep(30)")));
                g.createTask(Aio.async(() -> {
                    Aio.sleep(0.3);
                    return pool.fetchval("SELECT 1/0");
                }));
            })).hasMessageContaining("unhandled errors");
            assertThat(Db.sessions("group", "SELECT pg_sleep")).isZero();
            assertThat(pool.size()).isEqualTo(3);
            assertThat(pool.inUse()).isZero();
            pool.close();
        });
    }

    /** Waits (polling the server) until a session named {@code application} is running a statement. */
    private static void waitUntilRunning(String application) throws SQLException {
        for (int i = 0; i < 500; i++) {
            if (Db.sessions(application, "SELECT pg_sleep") + Db.sessions(application, "INSERT") > 0) {
                return;
            }
            Aio.sleep(0.01);
        }
        throw new AssertionError("no statement of " + application + " started running");
    }
}
