package org.aio4j.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.aio4j.Aio;
import org.aio4j.Task;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * {@link Pool} and {@link PooledConnection} against a real PostgreSQL started by the tests: the
 * asyncpg-style calls, transactions, sizing, giving back, closing, and misuse. Cancellation and
 * concurrency are {@link PoolCancellationTest}.
 */
@Timeout(60)
class PoolTest {

    @BeforeAll
    static void schema() throws SQLException {
        Db.sql("DROP TABLE IF EXISTS users; CREATE TABLE users(id serial PRIMARY KEY, name text NOT NULL, age int)");
    }

    @Test
    void fetchReturnsEveryRowWithValuesByPositionAndByLabel() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("fetch"), 1, 2);
            List<Row> rows = pool.fetch("SELECT x AS n, 'v' || x AS label FROM generate_series(1, 3) x WHERE x >= ?", 2);
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).columns()).containsExactly("n", "label");
            assertThat(rows.get(0).get(0)).isEqualTo(2);
            assertThat(rows.get(1).get("label")).isEqualTo("v3");
            assertThat(rows.get(1).get("LABEL")).isEqualTo("v3");
            assertThat(rows.get(1).get("n", Long.class)).isEqualTo(3L);
            assertThat(rows.get(1).asMap()).isEqualTo(Map.of("n", 3, "label", "v3"));
            assertThat(rows.get(0).toString()).isEqualTo("<Row n=2 label=v2>");
            pool.close();
        });
    }

    @Test
    void rowLookupOfAMissingColumnSaysWhichColumnsThereAre() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("row"), 0, 1);
            Row row = pool.fetchrow("SELECT 1 AS a, 2 AS b");
            assertThatThrownBy(() -> row.get("c")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no column 'c'").hasMessageContaining("[a, b]");
            assertThatThrownBy(() -> row.get(2)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("start at 0");
            assertThatThrownBy(() -> row.get("a", String.class)).isInstanceOf(ClassCastException.class)
                    .hasMessageContaining("java.lang.Integer");
            pool.close();
        });
    }

    @Test
    void fetchrowReturnsTheFirstRowOrNullAndFetchvalTheFirstValueOrNull() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("fetchrow"), 0, 1);
            assertThat(pool.fetchrow("SELECT x FROM generate_series(5, 9) x").get(0)).isEqualTo(5);
            assertThat(pool.fetchrow("SELECT 1 WHERE false")).isNull();
            long count = pool.fetchval("SELECT count(*) FROM generate_series(1, 42)");
            assertThat(count).isEqualTo(42L);
            assertThat((Object) pool.fetchval("SELECT 1 WHERE false")).isNull();
            assertThat((Object) pool.fetchval("SELECT NULL::text")).isNull();
            pool.close();
        });
    }

    @Test
    void executeReturnsRowsChangedAndRunsAScriptWhenItHasNoParameters() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("execute"), 0, 1);
            pool.execute("CREATE TEMP TABLE t(x int); INSERT INTO t VALUES (1), (2), (3)");
            try (PooledConnection c = pool.acquire()) {
                c.execute("CREATE TEMP TABLE t2(x int)");
                assertThat(c.execute("INSERT INTO t2 SELECT generate_series(1, ?)", 4)).isEqualTo(4);
                assertThat(c.execute("UPDATE t2 SET x = x + 1 WHERE x > ?", 2)).isEqualTo(2);
                assertThat(c.execute("SELECT 1")).isZero();
                long[] batch = c.executemany("INSERT INTO t2 VALUES (?)", List.of(List.of(10), List.of(11)));
                assertThat(batch).containsExactly(1, 1);
                long n = c.fetchval("SELECT count(*) FROM t2");
                assertThat(n).isEqualTo(6);
            }
            pool.close();
        });
    }

    @Test
    void driverErrorsComeOutAsTheDriversSqlExceptionAndTheConnectionStaysUsable() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("sqlerror"), 1, 1);
            assertThatThrownBy(() -> pool.fetch("SELECT * FROM no_such_table")).isInstanceOf(SQLException.class)
                    .hasMessageContaining("no_such_table");
            int one = pool.fetchval("SELECT 1");
            assertThat(one).isEqualTo(1);
            assertThat(pool.size()).isEqualTo(1);
            pool.close();
        });
    }

    @Test
    void transactionCommitsWhenTheBodyReturns() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("tx-commit"), 0, 2);
            try (PooledConnection c = pool.acquire()) {
                int id = c.transaction(() -> {
                    assertThat(c.inTransaction()).isTrue();
                    return c.<Integer>fetchval("INSERT INTO users(name) VALUES (?) RETURNING id", "committed");
                });
                assertThat(c.inTransaction()).isFalse();
                assertThat((String) pool.fetchval("SELECT name FROM users WHERE id = ?", id)).isEqualTo("committed");
            }
            pool.close();
        });
    }

    @Test
    void transactionRollsBackWhenTheBodyThrowsAndRethrowsTheBodysException() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("tx-rollback"), 0, 1);
            IllegalStateException boom = new IllegalStateException("boom");
            try (PooledConnection c = pool.acquire()) {
                assertThatThrownBy(() -> c.transaction(() -> {
                    c.execute("INSERT INTO users(name) VALUES (?)", "rolled back");
                    throw boom;
                })).isSameAs(boom);
                assertThat(c.inTransaction()).isFalse();
                long n = c.fetchval("SELECT count(*) FROM users WHERE name = 'rolled back'");
                assertThat(n).isZero();
            }
            pool.close();
        });
    }

    @Test
    void nestedTransactionIsASavepointThatRollsBackOnlyTheInnerPart() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("tx-nested"), 0, 1);
            try (PooledConnection c = pool.acquire()) {
                c.transaction(() -> {
                    c.execute("INSERT INTO users(name) VALUES ('outer')");
                    assertThatThrownBy(() -> c.transaction(() -> {
                        c.execute("INSERT INTO users(name) VALUES ('inner')");
                        throw new IllegalArgumentException("inner fails");
                    })).hasMessage("inner fails");
                });
                List<Row> names = c.fetch("SELECT name FROM users WHERE name IN ('outer', 'inner')");
                assertThat(names).extracting(r -> r.get(0)).containsExactly("outer");
            }
            pool.close();
        });
    }

    @Test
    void connectionGivenBackInsideAnOpenTransactionIsRolledBackBeforeReuse() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("tx-left-open"), 1, 1);
            PooledConnection c = pool.acquire();
            c.connection().setAutoCommit(false); // a transaction left open by raw JDBC use
            c.execute("INSERT INTO users(name) VALUES ('left open')");
            c.close();
            try (PooledConnection again = pool.acquire()) {
                assertThat(again.connection().getAutoCommit()).isTrue();
                long n = again.fetchval("SELECT count(*) FROM users WHERE name = 'left open'");
                assertThat(n).isZero();
            }
            pool.close();
        });
    }

    @Test
    void createOpensMinConnectionsAndAcquireOpensMoreUpToMax() throws SQLException {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("sizing"), 2, 4);
            assertThat(pool.size()).isEqualTo(2);
            assertThat(pool.idleCount()).isEqualTo(2);
            assertThat(Db.sessions("sizing", null)).isEqualTo(2);
            List<PooledConnection> held = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                held.add(pool.acquire());
            }
            assertThat(pool.size()).isEqualTo(4);
            assertThat(pool.inUse()).isEqualTo(4);
            assertThat(Db.sessions("sizing", null)).isEqualTo(4);
            held.forEach(PooledConnection::close);
            assertThat(pool.idleCount()).isEqualTo(4);
            assertThat(pool.toString()).contains("in use 0", "idle 4", "max 4");
            pool.close();
            assertThat(pool.state()).isEqualTo(PoolState.CLOSED);
            assertThat(pool.size()).isZero();
        });
        assertThat(Db.sessions("sizing", null)).isZero();
    }

    @Test
    void closeRefusesNewAcquiresAndWaitsForConnectionsInUse() {
        List<String> trace = new ArrayList<>();
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("closing"), 1, 1);
            PooledConnection held = pool.acquire();
            Task<Void> closer = Aio.createTask(Aio.async(() -> {
                pool.close();
                trace.add("closed");
            }));
            Aio.sleep(0.05);
            assertThat(pool.state()).isEqualTo(PoolState.CLOSING);
            assertThatThrownBy(pool::acquire).isInstanceOf(IllegalStateException.class).hasMessageContaining("closing");
            trace.add("giving back");
            held.close();
            Aio.await(closer);
            assertThat(pool.state()).isEqualTo(PoolState.CLOSED);
        });
        assertThat(trace).containsExactly("giving back", "closed");
    }

    @Test
    void connectionUsedAfterItWasGivenBackRaisesAndCloseTwiceIsHarmless() {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("after-close"), 0, 1);
            PooledConnection c = pool.acquire();
            c.close();
            c.close();
            assertThat(pool.inUse()).isZero();
            assertThatThrownBy(() -> c.fetch("SELECT 1")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("already given back").hasMessageContaining("acquire() another");
            pool.close();
        });
    }

    @Test
    void poolUsedFromAnotherLoopRaisesSayingOnePoolPerLoop() {
        Pool[] pool = new Pool[1];
        Db.run(() -> pool[0] = Pool.create(Db.dataSource("other-loop"), 0, 1));
        Db.run(() -> assertThatThrownBy(() -> pool[0].acquire()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one pool per loop"));
    }

    @Test
    void poolOutsideACoroutineRaisesIllegalStateException() {
        DataSource ds = Db.dataSource("outside");
        assertThatThrownBy(() -> Pool.create(ds, 0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void badSizesAndTimeoutsAreRejectedWithWhatToPass() {
        DataSource ds = Db.dataSource("bad");
        assertThatThrownBy(() -> PoolOptions.of(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        assertThatThrownBy(() -> PoolOptions.of(3, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("between 0 and max");
        assertThatThrownBy(() -> PoolOptions.of(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PoolOptions.of(0, 2).withAcquireTimeout(-1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("POSITIVE_INFINITY");
        Db.run(() -> {
            assertThatThrownBy(() -> Pool.create(null, 0, 1)).isInstanceOf(NullPointerException.class)
                    .hasMessageContaining("DataSource");
            Pool pool = Pool.create(ds, 0, 1);
            assertThatThrownBy(() -> pool.acquire(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
            pool.close();
        });
    }

    @Test
    void createFailsWithTheDriversErrorWhenTheServerCannotBeReachedAndKeepsNothingOpen() {
        PGSimpleDataSource nowhere = new PGSimpleDataSource();
        nowhere.setUrl("jdbc:postgresql://127.0.0.1:1/postgres");
        nowhere.setConnectTimeout(2);
        Db.run(() -> assertThatThrownBy(() -> Pool.create(nowhere, 2, 2)).isInstanceOf(SQLException.class)
                .hasMessageContaining("127.0.0.1:1"));
    }

    @Test
    void brokenConnectionIsClosedOnReturnAndTheNextAcquireOpensAFreshOne() throws SQLException {
        Db.run(() -> {
            Pool pool = Pool.create(Db.dataSource("broken"), 1, 1);
            try (PooledConnection c = pool.acquire()) {
                int pid = c.fetchval("SELECT pg_backend_pid()");
                Db.sql("SELECT pg_terminate_backend(" + pid + ")");
                assertThatThrownBy(() -> c.fetch("SELECT 1")).isInstanceOf(SQLException.class);
            }
            int fresh = pool.fetchval("SELECT 1");
            assertThat(fresh).isEqualTo(1);
            assertThat(pool.size()).isEqualTo(1);
            pool.close();
        });
        assertThat(Db.sessions("broken", null)).isZero();
    }
}
